"""The teaching app's session model: isolation, dated changes, errors, and an export the CLI replays exactly."""

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.app.levers_ui import EVENTS, sliders
from sim.app.session import Session
from sim.errors import ConfigError
from sim.recorder import described_columns

ROOT = Path(__file__).resolve().parent.parent
EVENT = {e.key: e for e in EVENTS}
SLIDER = {(s.family, s.label): s for s in sliders()}


def run_cli(scenario: Path, seed: int, end: str | None, out: Path, scale: str = "classroom") -> pd.DataFrame:
    """`python -m sim` in its own process, tables only, into `out`; returns the timeseries.

    `end=None` runs to the scenario's own end."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            f"scenario={scenario}",
            f"seed={seed}",
            f"scale={scale}",
            *([f"end={end}"] if end else []),
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


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
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


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
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


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
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
    run_cli(path, 5, None, out)
    m, rec = s.model, s.model.recorder
    for name, table in (
        ("timeseries", rec.timeseries()),
        ("countries", rec.countries()),
        ("deals", rec.deals(m)),
        ("institutions", rec.institutions(m)),
    ):
        pd.testing.assert_frame_equal(table, pd.read_parquet(out / f"{name}.parquet"), check_exact=True)


def test_events_are_numbered_and_badges_never_merge_across_quarters():
    from sim.app.charts import all_charts

    s = Session("baseline", seed=0)
    plan = {1: "us_chips", 2: "cn_retaliates", 4: "investai", 12: "eu_research_security"}
    for q in range(14):
        if q in plan:
            s.inject(EVENT[plan[q]])
        s.step()
    slider = SLIDER[("regulation", "strictness")]
    s.set_lever(slider.family, slider.values("EU", "CN", 0.9), slider.slot("EU", "CN"))
    numbered = [(label, badge) for _, label, badge in s.markers() if not badge or badge.isdigit()]
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
    assert len(lines) == len(s.markers())
    # one badge per marker, on its own quarter's line: a badge never stands for two quarters or kinds
    badges = [(line["xAxis"], line["label"]["formatter"]) for line in lines if line["label"]["show"]]
    assert [b for _, b in badges if b.isdigit()] == ["1", "2", "3", "4"]
    assert badges == [(period, badge) for period, _, badge in s.markers() if badge]


def test_the_scenarios_own_dated_measures_are_marked_in_plain_language():
    s = Session("us_chip_controls", seed=0)
    s.inject(EVENT["investai"])
    marks = {(period, badge): label for period, label, badge in s.markers()}
    assert marks[("2017Q1", "1")] == "InvestAI"
    # the baseline's record, inherited: the 2022 chip controls explain the drop in China's compute access
    assert "US export controls on CN: chips, tools, stringency 0.80, evasion (leakage) 0.30 (announced 2022Q3)" in [
        label for (period, _), label in marks.items() if period == "2022Q4"
    ]
    assert any(
        p == "2025Q2" and "US export controls on CN: chips, tools, models, assistance" in text
        for (p, _), text in marks.items()
    )
    history = [badge for _, _, badge in s.markers() if not badge.isdigit()]
    assert history == sorted(history, key=lambda b: (len(b), b)) and history[0] == "A"


def test_an_uploaded_export_shows_its_events(tmp_path):
    s = Session("baseline", seed=0)
    s.step()
    s.inject(EVENT["cn_retaliates"])
    exported = tmp_path / "class.yaml"
    exported.write_text(s.export_yaml())
    replay = Session(str(exported), seed=0, uploaded=True)
    labels = [label for period, label, _ in replay.markers() if period == "2017Q2"]
    assert labels and "CN export controls on US: chips, tools, stringency 0.60" in labels[0]


def test_change_log_and_explanations_speak_plain_language_from_the_docs_metadata():
    from sim.app import explain
    from sim.app.charts import all_charts

    assert (
        explain.describe("export_controls", {"issuer": "EU", "target": "CN", "scope": ["chips"], "stringency": 0.8})
        == "EU export controls on CN: chips, stringency 0.80"
    )
    params = (Path(__file__).resolve().parent.parent / "docs" / "PARAMETERS.md").read_text()
    outputs = (Path(__file__).resolve().parent.parent / "docs" / "OUTPUTS.md").read_text()
    for sl in sliders():
        text = explain.slider_help(sl)
        assert "Unit:" in text and "Default from:" in text and f"{sl.family}.{sl.field}" in text
        source = next(f for f in dataclasses.fields(explain.FAMILIES[sl.family].Measure) if f.name == sl.field)
        assert source.metadata["source"] in params  # the same words as docs/PARAMETERS.md
    s = Session("baseline", seed=0)
    charts = all_charts(s.model.blocs, 0, 4, [], markers=())
    for key in charts:
        text = explain.chart_help(key)
        assert "docs/OUTPUTS.md" in text
        if key != "network":
            pattern, _ = explain.CHART_COLUMNS[key]
            unit = dict((p, u) for p, u, _ in described_columns()["timeseries"])[pattern]
            assert f"`{pattern}` | {unit} |" in outputs and unit in text
            assert charts[key]["yAxis"]["name"]  # every line chart names its unit on the y axis


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


def _seminar(s: Session, upto: int) -> None:
    """A class's run: moves and events in several quarters, stepped to quarter index `upto`."""
    strict = SLIDER[("regulation", "strictness")]
    plan = {
        2: lambda: s.inject(EVENT["us_chips"]),
        5: lambda: s.set_lever(strict.family, strict.values("EU", "CN", 0.8), strict.slot("EU", "CN")),
        9: lambda: s.inject(EVENT["cn_retaliates"]),
    }
    q = len(s.model.recorder.rows)
    while q < upto:
        if q in plan:
            plan[q]()
        s.step()
        q += 1


def test_rewind_then_replay_equals_a_straight_run():
    straight = Session("baseline", seed=2)
    _seminar(straight, 14)
    s = Session("baseline", seed=2)
    _seminar(s, 12)
    s.run_to("2017Q4")  # back: the event made while 2017Q3 was next stays, later changes go
    assert s.period == "2017Q4" and len(s.model.recorder.rows) == 3
    assert {c.period for c in s.changes} == {"2017Q3"}
    _seminar(s, 14)  # the class plays the same moves again
    pd.testing.assert_frame_equal(s.model.recorder.timeseries(), straight.model.recorder.timeseries(), check_exact=True)
    assert s.export_yaml().split("\n", 2)[2] == straight.export_yaml().split("\n", 2)[2]


def test_step_back_and_run_to_are_exact_and_the_export_follows_the_timeline():
    s = Session("baseline", seed=1)
    _seminar(s, 11)
    rows = [dict(r) for r in s.model.recorder.rows]
    s.step_back()
    assert s.period == "2019Q3" and s.model.recorder.rows == rows[:10]
    s.run_to("2018Q2")  # back past the lever move of 2018Q2's step: it stays; the later event goes
    assert s.model.recorder.rows == rows[:5]
    assert [c.label or c.family for c in s.changes] == ["US tightens chip export controls", "regulation"]
    assert "cn_retaliates" not in s.export_yaml() and "stringency: 0.6" not in s.export_yaml()
    s.run_to("2019Q4")  # forward without the event: the timeline differs from the first one after 2019Q3
    assert s.model.recorder.rows[:9] == rows[:9] and len(s.model.recorder.rows) == 11
    assert s.model.recorder.rows[9]["lever_export_chips_CN_to_US"] != rows[9]["lever_export_chips_CN_to_US"]
    with pytest.raises(ConfigError, match="run to: '2040Q1' is outside the scenario"):
        s.run_to("2040Q1")
    with pytest.raises(ConfigError, match="run to: 'soon' is not a period"):
        s.run_to("soon")
    assert len(s.model.recorder.rows) == 11


def test_compare_overlays_any_scenario_aligned_by_quarter():
    s = Session("baseline", seed=0)
    for _ in range(6):
        s.step()
    s.set_compare("us_chip_controls", "us chip controls")
    ref = s.reference_rows()
    assert [r["period"] for r in ref] == [r["period"] for r in s.model.recorder.rows]
    other = Session("us_chip_controls", seed=0)
    for _ in range(6):
        other.step()
    assert ref == other.model.recorder.rows
    from sim.app.charts import View, all_charts

    scen = s.model.scenario
    chart = all_charts(s.model.blocs, scen.start, scen.end, s.model.recorder.rows, ref, view=View("us chip controls"))
    series = chart["compute"]["series"]
    assert [x["name"] for x in series if x["lineStyle"]["type"] != "solid"] == ["dashed: us chip controls"] * 3
    assert any(
        isinstance(x, dict) and x["name"] == "dashed: us chip controls" for x in chart["compute"]["legend"]["data"]
    )


def test_seed_band_and_smoothing():
    from sim.app.bands import band, smooth
    from sim.app.charts import View, all_charts

    runs = [[{"v": float(k + q)} for q in range(6)] for k in range(3)]
    lo, hi = band(runs, "v", 4)
    assert lo.tolist() == [0, 1, 2, 3] and hi.tolist() == [2, 3, 4, 5]
    assert band(runs[:1], "v", 4) is None  # one run is no band
    assert smooth(np.array([4.0, 0, 4, 0, 4]), 2).tolist() == [4, 2, 2, 2, 2]
    s = Session("baseline", seed=0)
    for _ in range(3):
        s.step()
    rows = s.model.recorder.rows
    view = View("", [rows, [{k: v * 2 if isinstance(v, float) else v for k, v in r.items()} for r in rows]], (), True)
    scen = s.model.scenario
    chart = all_charts(s.model.blocs, scen.start, scen.end, rows, view=view)["papers"]
    shaded = [x for x in chart["series"] if "areaStyle" in x]
    assert len(shaded) == 3 and all(x["name"] == "shaded: range over 2 seeds" for x in shaded)


@pytest.mark.slow  # background runs of whole scenarios
def test_seed_band_runs_in_the_background_and_is_cancelled_on_change():
    s = Session("baseline", seed=0)
    assert s.update_bands(True, False)
    first = s.bands.bands["class"][1]
    s.step()
    assert not s.update_bands(True, False)  # a step does not change the timeline
    s.inject(EVENT["investai"])
    assert s.update_bands(True, False)  # a change does: the queued runs of the old timeline are dropped
    assert first.stop.is_set() and sum(f.cancelled() for f in first.futures) >= 3
    assert first.runs() == []  # the run under way stopped early: nothing of the old timeline is drawn
    while s.bands.wait(60):
        pass
    runs = s.bands.runs("class")
    assert len(runs) == 5 and len({r[-1]["papers_CN_EU"] for r in runs}) > 1  # seeds differ
    s.step()
    programme = s.model.recorder.rows[1]["lever_programme_eur_bn_EU"]
    assert programme > 0 and {r[1]["lever_programme_eur_bn_EU"] for r in runs} == {programme}  # the event in each
    s.close()


def test_below_bloc_level_flows_and_top_institutions():
    from sim.app.below import below_charts, flows, top_institutions

    s = Session("baseline", seed=0)
    for _ in range(6):
        s.step()
    rows, blocs = s.model.recorder.rows, list(s.model.blocs)
    got = flows(blocs, rows)
    assert got["capital"][("CN", "US")] == pytest.approx(sum(r["capital_CN_to_US"] for r in rows) / 1e9)
    assert got["researchers"][("CN", "US")] == pytest.approx(sum(r["mobility_CN_to_US"] for r in rows))
    # a run without researcher moves recorded: capital only, and the chart says so
    bare = [{k: v for k, v in r.items() if not k.startswith("mobility_")} for r in rows]
    assert list(flows(blocs, bare)) == ["capital"]
    top = top_institutions(s.model)
    assert len(top["top"]) == 12 and list(top["foreign"]) == sorted(top["foreign"], reverse=True)
    assert (top["top"] < s.model.network.authors.n_inst).all()  # institutions, not firms
    charts = below_charts(s.model, rows)
    assert [x["type"] for x in charts["flows"]["series"]] == ["sankey", "sankey"]


def test_institutions_have_readable_unique_labels_in_the_chart_and_the_table():
    from sim.app.below import institutions_chart

    s = Session("baseline", seed=0)
    for _ in range(6):
        s.step()
    m = s.model
    nodes = [n["name"] for n in institutions_chart(m)["series"][0]["data"]][len(m.blocs) :]
    assert len(nodes) == 12 and len(set(nodes)) == 12
    assert all(re.fullmatch(r"([A-Z]{2}|other European) institution [1-9][0-9]*", name) for name in nodes), nodes
    table = m.recorder.institutions(m)
    assert table["label"].is_unique and set(nodes) <= set(table["label"])
    # "DE institution 1" is Germany's largest institution at the start (ranked by size within its country)
    de = table[table["country"] == "DE"]
    assert de.loc[de["capacity"].idxmax(), "label"] == "DE institution 1"
    s.close()


def test_a_screens_step_pauses_the_seed_bands_background_runs_and_a_background_run_does_not():
    import threading
    import time

    from sim.app import bands

    bands._quiet_until = 0.0
    s = Session("baseline", seed=0)
    before = time.monotonic()
    s.step()  # a tab's or a room's step: the background runs wait for its redraw
    # Held against the clock before the step, not after it: a step slower than the pause (a loaded
    # machine) must not fail the test, which asks only whether the step set the pause.
    assert bands._quiet_until >= before + bands.QUIET
    s.close()
    bands._quiet_until = 0.0
    stop = threading.Event()
    stop.set()  # the background run steps one quarter and stops
    assert bands.run_rows("baseline", None, 0, "classroom", stop) is None
    assert bands._quiet_until == 0.0  # it did not pause the other background runs


def test_a_background_run_can_pause_before_every_mechanism_of_its_quarter(monkeypatch):
    """A room's click that lands while a seed-band run is mid-quarter waits for one mechanism at most:
    the run looks at the room's pause before each mechanism, not only between quarters."""
    import threading

    from sim.app import bands
    from sim.mechanisms import STEP_ORDER

    stop, calls = threading.Event(), []

    def pause_check(st):
        calls.append(st)
        if len(calls) == len(STEP_ORDER):
            stop.set()  # before the quarter's last mechanism: the run ends after this quarter

    monkeypatch.setattr(bands, "_wait_for_quiet", pause_check)
    assert bands.run_rows("baseline", None, 0, "classroom", stop) is None
    assert len(calls) == len(STEP_ORDER) > 3 and all(c is stop for c in calls)
