"""Joint papers' fields come from partner choice by field fit, not from a configured joint mix."""

from conftest import timeseries


def _papers(scenario, pair, field):
    return sum(
        float(timeseries(f"scenario={scenario}", f"seed={s}", "end=2019Q4")[f"papers_{pair}_{field}"].sum())
        for s in range(4)  # classroom counts of one field in one lane are noisy: pool four seeds
    )


def test_researchers_find_partners_where_their_field_is_worked_in(tmp_path):
    # China's researchers do no robotics: no EU-China paper is in robotics, and Europe's roboticists, who
    # look for partners among the world's roboticists, find more of them in the US.
    path = tmp_path / "no_cn_robotics.yaml"
    path.write_text(
        "name: no_cn_robotics\nextends: baseline\nactors:\n  CN: {field_mix: [0.35, 0.12, 0.0, 0.13, 0.22, 0.18]}\n"
    )
    assert _papers("baseline", "CN_EU", "robotics") > 0
    assert _papers(path, "CN_EU", "robotics") == 0
    assert _papers(path, "EU_US", "robotics") > 1.2 * _papers("baseline", "EU_US", "robotics")
