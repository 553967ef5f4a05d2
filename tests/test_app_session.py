"""The teaching app's session model: isolation, dated changes, errors, and an export the CLI replays exactly."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.app.levers_ui import EVENTS, sliders
from sim.app.session import Session
from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
EVENT = {e.key: e for e in EVENTS}
SLIDER = {(s.family, s.label): s for s in sliders()}


def run_cli(scenario: Path, seed: int, end: str, out: Path, scale: str = "classroom") -> pd.DataFrame:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            f"scenario={scenario}",
            f"seed={seed}",
            f"scale={scale}",
            f"end={end}",
            "output=tables_only",
            f"hydra.run.dir={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return pd.read_parquet(out / "timeseries.parquet")


def cli_error(scenario: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sim", f"scenario={scenario}", "scale=classroom"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    return proc.stderr.strip().splitlines()[-1]


def test_export_replays_to_identical_tables(tmp_path):
    s = Session("baseline", seed=3)
    chips = SLIDER[("export_controls", "chips: stringency")]
    s.set_lever(chips.family, chips.values("EU", "CN", 0.4), chips.slot("EU", "CN"))  # before the first step
    for _ in range(9):
        s.step()
    assert s.period == "2019Q2"  # the baseline itself sets US->CN chip controls this quarter
    s.set_lever(chips.family, chips.values("US", "CN", 0.9), chips.slot("US", "CN"))
    s.set_lever(chips.family, chips.values("US", "CN", 0.7), chips.slot("US", "CN"))  # dragged again: merged
    for _ in range(10):
        s.step()
    s.inject(EVENT["cn_retaliates"])
    s.inject(EVENT["eu_cn_standards"])
    strict = SLIDER[("regulation", "strictness")]
    s.set_lever(strict.family, strict.values("US", "EU", 0.9), strict.slot("US", "EU"))
    for _ in range(6):
        s.step()
    assert [c.period for c in s.changes] == ["2017Q1", "2019Q2", "2021Q4", "2021Q4", "2021Q4", "2021Q4", "2021Q4"]
    assert s.changes[1].values["stringency"] == 0.7

    path = tmp_path / "class_run.yaml"
    path.write_text(s.export_yaml())
    assert "extends" not in path.read_text()
    app = s.model.recorder.timeseries()
    cli = run_cli(path, 3, app["period"].iloc[-1], tmp_path / "out")
    pd.testing.assert_frame_equal(app, cli, check_exact=True)
    # and the class's changes mattered: the unchanged scenario differs
    ref = pd.DataFrame(s.reference_rows())
    assert not ref["lever_export_chips_CN_to_US"].equals(app["lever_export_chips_CN_to_US"])


def test_sessions_are_independent():
    a, b = Session("baseline", seed=1), Session("baseline", seed=1)
    for _ in range(4):
        a.step()
        b.step()
    a.inject(EVENT["us_chips"])
    a.step()
    b.step()
    ra, rb = a.model.recorder.rows[-1], b.model.recorder.rows[-1]
    assert ra["lever_export_chips_US_to_CN"] == 0.95
    assert rb["lever_export_chips_US_to_CN"] != 0.95
    assert b.changes == []


def test_bad_uploaded_scenario_gives_the_cli_line(tmp_path):
    bad = tmp_path / "bad_key.yaml"
    bad.write_text("extends: baseline\ntimelinez: {}\n")
    with pytest.raises(ConfigError) as err:
        Session(str(bad))
    assert f"error: {err.value}" == cli_error(bad)
    out_of_range = tmp_path / "bad_value.yaml"
    out_of_range.write_text("extends: baseline\ntimeline:\n  2025Q1:\n    export_controls: {stringency: 1.5}\n")
    with pytest.raises(ConfigError) as err:
        Session(str(out_of_range))
    assert "1.5 is out of range" in str(err.value)
    assert f"error: {err.value}" == cli_error(out_of_range)


def test_out_of_range_lever_is_refused_and_nothing_changes():
    s = Session("baseline")
    s.step()
    with pytest.raises(ConfigError, match="regulation.strictness: 1.7 is out of range"):
        s.set_lever("regulation", {"bloc": "EU", "strictness": 1.7})
    assert s.changes == []


def test_a_whole_seminar_replays_without_end(tmp_path):
    """Played to the scenario's end: the plain command line replays every table exactly."""
    s = Session("us_chip_controls", seed=5)
    while not s.finished:
        if s.period == "2026Q1":
            s.inject(EVENT["investai"])
            s.inject(EVENT["eu_research_security"])
        s.step()
    path = tmp_path / "seminar.yaml"
    path.write_text(s.export_yaml())
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            f"scenario={path}",
            "seed=5",
            "scale=classroom",
            "output=tables_only",
            f"hydra.run.dir={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    m, rec = s.model, s.model.recorder
    for name, table in (
        ("timeseries", rec.timeseries()),
        ("countries", rec.countries()),
        ("deals", rec.deals(m)),
        ("institutions", rec.institutions(m)),
    ):
        pd.testing.assert_frame_equal(table, pd.read_parquet(out / f"{name}.parquet"), check_exact=True)


def test_events_are_numbered_and_nearby_badges_never_overlap():
    from sim.app.charts import all_charts

    s = Session("baseline", seed=0)
    plan = {1: "us_chips", 2: "cn_retaliates", 4: "investai", 12: "eu_research_security"}
    for q in range(14):
        if q in plan:
            s.inject(EVENT[plan[q]])
        s.step()
    slider = SLIDER[("regulation", "strictness")]
    s.set_lever(slider.family, slider.values("EU", "CN", 0.9), slider.slot("EU", "CN"))
    numbered = [(label, badge) for _, label, badge in s.markers()]
    assert numbered == [
        ("US chip controls", "1"),
        ("CN retaliates", "2"),
        ("InvestAI", "3"),
        ("EU research security", "4"),
        ("lever change", ""),
    ]

    scen = s.model.scenario
    lines = all_charts(s.model.blocs, scen.start, scen.end, s.model.recorder.rows, markers=s.markers())["capability"][
        "series"
    ][0]["markLine"]["data"]
    assert len(lines) == 5 and all(line["name"].endswith(label) for line, (label, _) in zip(lines, numbered))
    badges = [line["label"]["formatter"] for line in lines if line["label"]["show"]]
    assert badges == ["1-3", "4"]  # 1-3 lie within 4 quarters: one badge, no overlap


def test_a_scenario_built_on_another_marks_its_own_measures():
    s = Session("us_chip_controls", seed=0)
    s.inject(EVENT["investai"])
    assert s.markers() == [
        ("2017Q1", "InvestAI", "1"),
        ("2025Q2", "scenario: export controls", "A"),
        ("2026Q1", "scenario: export controls", "B"),
    ]
    assert Session("baseline", seed=0).markers() == []  # the record itself: nothing marked


def test_reset_and_new_runs_free_the_old_models():
    """A seminar resets and restarts many times: the server must not keep every model it built."""
    import gc
    import weakref

    s = Session("baseline", seed=0)
    s.step()
    s.reference_rows()
    gone = [weakref.ref(s.model), weakref.ref(s.reference)]
    s.reset()
    gone.append(weakref.ref(s.model))
    s.close()
    del s
    gc.collect()
    assert [r() for r in gone] == [None, None, None]
