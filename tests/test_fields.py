"""Joint papers' fields come from partner choice by field fit, not from a configured joint mix."""

from conftest import timeseries


def _papers(scenario, pair, field):
    return sum(
        float(timeseries(f"scenario={scenario}", f"seed={s}", "end=2022Q4")[f"papers_{pair}_{field}"].sum())
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
    # 1.2 to 2019Q4 until session 16; with the mature start (80 quarters of spin-up) the 2017 transatlantic stock
    # is older than the change and moves less: 1.15 to 2019Q4 without freed writing time, 1.11 with it (1.15 to
    # 2022Q4, the span used now).
    assert _papers(path, "EU_US", "robotics") > 1.1 * _papers("baseline", "EU_US", "robotics")
