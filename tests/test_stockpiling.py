"""Announced measures: the scenario keeps the announcement, and buyers stockpile compute before a control bites."""

import pytest
import yaml
from conftest import run

from sim.errors import ConfigError
from sim.scenario import load

STEP = "2027Q1"


def _scenario(tmp_path, announced: str | None, name: str) -> str:
    extra = f", announced: {announced}" if announced else ""
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        "extends: baseline\ntimeline:\n"
        f"  {STEP}:\n    export_controls: "
        f"{{issuer: US, target: CN, scope: [chips], stringency: 1.0, evasion: 0.0{extra}}}\n"
    )
    return str(path)


def test_a_measure_keeps_its_announcement_date(tmp_path):
    scen = load(_scenario(tmp_path, "2026Q2", "announced"))
    ((announced, effect, family, measure, _),) = [a for a in scen.announcements if a[1] >= 2026 * 4]
    assert (announced, effect, family) == (2026 * 4 + 1, 2027 * 4, "export_controls")
    assert measure.stringency == 1.0 and measure in [m for _, m, _ in scen.measures[effect]]


def test_an_announcement_after_the_effect_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match=r"announced.*not before the measure takes effect"):
        load(_scenario(tmp_path, "2027Q3", "late"))


def test_an_exported_scenario_keeps_its_announcements(tmp_path):
    from sim.app.session import Session

    s = Session(_scenario(tmp_path, "2026Q2", "announced"), seed=0, scale="classroom")
    data = yaml.safe_load(s.export_yaml())
    assert data["timeline"][STEP]["export_controls"]["announced"] == "2026Q2"
    replay = tmp_path / "replay.yaml"
    replay.write_text(s.export_yaml())
    assert load(str(replay)).announcements == load(_scenario(tmp_path, "2026Q2", "announced")).announcements


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_an_announced_control_raises_the_targets_compute_stock_before_it_bites(tmp_path, seed):
    """Paired seeds: the same control, announced a year ahead or not; China stockpiles in between."""
    told = run(f"scenario={_scenario(tmp_path, '2026Q1', 'told')}", f"seed={seed}").recorder.timeseries()
    blind = run(f"scenario={_scenario(tmp_path, None, 'blind')}", f"seed={seed}").recorder.timeseries()
    before = lambda ts: ts.loc[ts["period"] == "2026Q4", "compute_stock_CN"].item()  # noqa: E731
    assert before(told) > before(blind)
    assert told.loc[told["period"] < "2026Q1", "compute_stock_CN"].equals(
        blind.loc[blind["period"] < "2026Q1", "compute_stock_CN"]
    )
