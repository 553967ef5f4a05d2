"""`python -m sim.compare`: paired effects versus a counterfactual, from one multirun of both sides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.compare import effects as fx

ROOT = Path(__file__).resolve().parent.parent
# classroom scale, cut at 2026: the effects the tests ask about, in a few seconds per run
FAST = ["scale=classroom", "scale.factor=0.04", "end=2026Q4", "hydra/launcher=basic", "sweep.plots=false"]


def compare(out: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim.compare", f"sweep={out}", *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(cmd, cwd=out.parent, env=env, capture_output=True, text=True)


def pairs(folder: Path) -> pd.DataFrame:
    means, pairing, outcomes = fx.yearly(folder / "sweep.parquet")
    return fx.paired(means, pairing, outcomes)


@pytest.fixture(scope="module")
def no_op(tmp_path_factory):
    """US chip controls on China set to 0.95 from 2025Q1: the value in force since 2024Q4 (the record)."""
    out = tmp_path_factory.mktemp("noop") / "cmp"
    done = compare(out, "seeds=3", *FAST, "policies.export_controls.stringency=0.95", "year=2026")
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done.stdout


@pytest.mark.slow
def test_a_lever_that_does_nothing_has_exactly_zero_effect_in_every_seed(no_op):
    folder, _ = no_op
    p = pairs(folder)
    assert sorted(p["seed"].unique()) == [0, 1, 2]
    assert p["effect"].dropna().eq(0).all()
    effects = pd.read_parquet(folder / "effects.parquet")
    assert effects["effect"].dropna().eq(0).all() and effects["sign_share"].dropna().eq(1).all()


@pytest.mark.slow
def test_outputs_headline_and_fan_charts_are_written(no_op):
    folder, stdout = no_op
    head = pd.read_csv(folder / "headline.csv")
    assert set(head["year"]) == {2026}
    assert list(head.columns[:3]) == ["outcome", "year", "seeds"]
    assert "compute_access_CN" in stdout and "2026" in stdout
    assert (folder / "plots" / "effect_compute_access_CN.png").is_file()
    assert {p.name for p in (folder / "plots" / "seed0").glob("*.png")} >= {"capability.png", "papers.png"}


@pytest.mark.slow
def test_rerun_reuses_the_finished_runs(no_op):
    folder, _ = no_op
    stamps = {p: p.stat().st_mtime_ns for p in folder.glob("*/timeseries.parquet")}
    done = compare(folder, "seeds=3", *FAST, "policies.export_controls.stringency=0.95", "year=2026")
    assert done.returncode == 0, done.stderr[-3000:]
    assert {p: p.stat().st_mtime_ns for p in folder.glob("*/timeseries.parquet")} == stamps


@pytest.mark.slow
def test_tighter_us_export_controls_cut_chinas_compute_access_in_2026(tmp_path):
    """FACTS: the 2022-23 US controls cut China's access to advanced compute; tighter ones cut it more."""
    out = tmp_path / "cmp"
    tighter = ["policies.export_controls.stringency=1.0", "policies.export_controls.evasion=0.0"]
    done = compare(out, "seeds=10", *FAST, *tighter, "year=2026", "outcomes=compute_access_CN")
    assert done.returncode == 0, done.stderr[-3000:]
    row = pd.read_csv(out / "headline.csv").iloc[0]
    assert row["outcome"] == "compute_access_CN" and row["seeds"] == 10
    assert row["effect"] < 0 and row["sign_share"] >= 0.9
    assert row["q05"] <= row["effect"] <= row["q95"]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["scenario=nosuch"], "error: scenario: "),
        (["against=nosuch"], "error: against: "),
        (["seeds=0"], "error: seeds: "),
        (["year=2040"], "error: year: "),
        (["end=2030Q2", "year=2030"], "error: year: "),
        (["seed=1"], "error: seed: "),
        (["policies.export_controls.stringency=0.1,0.2"], "error: policies.export_controls.stringency: "),
        (["against.policies.export_controls.stringency=3"], "error: against.policies.export_controls.stringency: "),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, args, key):
    from sim.compare.__main__ import main

    out = tmp_path / "cmp"
    with pytest.raises(SystemExit) as exit_:
        main([f"sweep={out}", "scale=classroom", *args])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith(key) and err.count("\n") == 1, err
    assert not out.exists()


def test_effects_pair_seeds_and_count_the_sign_of_the_median():
    means = pd.DataFrame(
        {
            "side": ["treated"] * 3 + ["counterfactual"] * 3,
            "seed": [0, 1, 2] * 2,
            "year": [2026] * 6,
            "x": [1.0, 2.0, 0.5, 0.0, 0.0, 1.0],
        }
    )
    p = fx.paired(means, [], ["x"])
    assert p.sort_values("seed")["effect"].tolist() == [1.0, 2.0, -0.5]
    row = fx.summarise(p, []).iloc[0]
    assert row["effect"] == 1.0 and row["sign_share"] == pytest.approx(2 / 3) and row["seeds"] == 3


def test_run_plots_mark_dated_measures_and_draw_the_counterfactual_dashed():
    from matplotlib.figure import Figure

    from sim.plots import Story, _panel, dated_measures
    from sim.scenario import load

    marks = dict((label.split()[0], x) for x, label in dated_measures(load("baseline")))
    assert "2017Q1" not in marks  # the starting levers are the initial state, not an event
    assert marks["2022Q4"] == pytest.approx(2022.75)
    ts = pd.DataFrame({"year": [2025, 2025], "quarter": [1, 2], "x": [1.0, 2.0]})
    ax = Figure().subplots()
    _panel(ax, ts, ["x"], "t", "y", story=Story([(2025.25, "2025Q2 export ctrl")], ts.assign(x=[0.5, 0.5])))
    solid, dashed = ax.lines[0], ax.lines[1]
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    assert dashed.get_color() == solid.get_color()
    assert any("2025Q2 export ctrl" in t.get_text() for t in ax.texts)
