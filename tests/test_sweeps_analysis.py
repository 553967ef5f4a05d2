"""Sensitivity (SALib) and scenario discovery (PRIM) find the lever known to dominate an outcome.

Export-control stringency (US -> CN chips, from policies.start) drives China's compute access;
EU research-security screening does not touch it. Both analyses must rank stringency first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.analyze.__main__ import main as analyze

pytestmark = pytest.mark.slow  # sweeps, launchers and subprocess runs

ROOT = Path(__file__).resolve().parent.parent
LEVERS = "levers=policies.export_controls.stringency:0:1,policies.research_security.screening:0:1"
MODEL = ["scale=classroom", "end=2026Q4", "sweep.plots=false"]
STRONG = "policies.export_controls.stringency"


def sensitivity(out: Path, *args: str) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "sim.analyze",
        "sensitivity",
        f"sweep={out}",
        LEVERS,
        "outcomes=compute_access_CN",
        *args,
        *MODEL,
    ]
    proc = subprocess.run(
        cmd, cwd=out.parent, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def morris(tmp_path_factory):
    return sensitivity(tmp_path_factory.mktemp("morris") / "sweep", "method=morris", "n=4", "hydra/launcher=joblib")


def test_morris_ranks_the_dominant_lever_first(morris):
    table = pd.read_parquet(morris / "sensitivity.parquet")
    assert {"lever", "mu_star", "mu_star_conf", "sigma", "rank"} <= set(table)
    assert table.sort_values("rank")["lever"].iloc[0] == STRONG
    assert (morris / "plots" / "sensitivity_compute_access_CN.png").is_file()
    assert len(pd.read_parquet(morris / "runs.parquet")) == 4 * 3  # n trajectories x (levers + 1)


def test_sobol_indices_with_intervals_rank_the_dominant_lever_first(tmp_path):
    out = sensitivity(tmp_path / "sweep", "method=sobol", "n=4", "hydra/launcher=basic")
    table = pd.read_parquet(out / "sensitivity.parquet").set_index("lever")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table)
    assert table.loc[STRONG, "rank"] == 1 and table.loc[STRONG, "ST"] > table["ST"].drop(STRONG).max()


def test_sensitivity_recomputes_from_a_finished_sweep(morris, capsys):
    before = pd.read_parquet(morris / "sensitivity.parquet")
    analyze(["sensitivity", f"sweep={morris}", "outcomes=compute_access_CN"])
    pd.testing.assert_frame_equal(pd.read_parquet(morris / "sensitivity.parquet"), before)


def test_prim_box_restricts_the_dominant_lever(morris, capsys):
    analyze(["discover", f"sweep={morris}", "outcome=compute_access_CN", "threshold=0.9", "direction=below"])
    box = pd.read_parquet(morris / "prim_box.parquet")
    assert box["lever"].iloc[0] == STRONG and box["restricted"].iloc[0]
    assert box.loc[0, "min"] > 0  # low stringency leaves China's access intact
    assert not box.loc[box["lever"] != STRONG, "restricted"].any()
    trajectory = pd.read_parquet(morris / "prim_trajectory.parquet")
    assert {"coverage", "density", "mass", "res_dim"} <= set(trajectory) and trajectory["chosen"].sum() == 1
    assert (morris / "plots" / "prim_tradeoff.png").is_file() and (morris / "plots" / "prim_box.png").is_file()


@pytest.mark.parametrize(
    "args, key",
    [
        (["discover", "sweep=/no/such/dir", "outcome=x", "threshold=1"], "sweep"),
        (["sensitivity", "method=fast", LEVERS, "outcomes=x"], "method"),
        (["sensitivity", "levers=policies.export_controls.stringency:1:0", "outcomes=x"], "levers"),
        (["frobnicate"], "command"),
    ],
)
def test_bad_input_is_one_line_naming_the_key(args, key, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        analyze(args)
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and err.startswith(f"error: {key}") and "\n" not in err
    assert not list(tmp_path.iterdir())


def test_a_lever_out_of_range_stops_before_anything_runs(tmp_path, capsys):
    with pytest.raises(SystemExit):
        analyze(
            [
                "sensitivity",
                f"sweep={tmp_path / 's'}",
                "levers=policies.export_controls.stringency:0:2",
                "outcomes=compute_access_CN",
            ]
        )
    assert "policies.export_controls.stringency" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


@pytest.fixture(scope="module")
def saturating(tmp_path_factory):
    """Issue 18's Morris example at classroom scale: with fast domestic chip substitution (and no
    adaptive US tightening) China's compute access saturates at 1.0 by 2035 whatever the controls,
    while in 2026 they bite."""
    out = tmp_path_factory.mktemp("saturating") / "sweep"
    cmd = [
        sys.executable,
        "-m",
        "sim.analyze",
        "sensitivity",
        f"sweep={out}",
        "method=morris",
        "n=2",
        "levels=2",
        LEVERS,
    ]
    cmd += ["outcomes=compute_access_CN", "over_time=true", "scale=classroom", "sweep.plots=false"]
    # The US tightening rule off: where it fires (its date depends on each run's path) the controls tighten
    # again after 2025 and access need not saturate by 2035, which is not the case this example is about.
    cmd += ["params.compute.substitution_rate=1.5", "params.behaviour.tighten.blocs=[]", "hydra/launcher=basic"]
    proc = subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_year_and_window_see_an_effect_the_end_of_the_run_hides(saturating, capsys):
    def mu_star(*when):
        analyze(["sensitivity", f"sweep={saturating}", "outcomes=compute_access_CN", *when])
        return pd.read_parquet(saturating / "sensitivity.parquet").set_index("lever").loc[STRONG, "mu_star"]

    assert mu_star() < 1e-6  # end of run (2035): saturated, stringency looks irrelevant
    in_2026 = mu_star("year=2026")
    assert in_2026 > 0.05
    assert mu_star("window=[2025,2027]") > 0.05
    over_time = pd.read_parquet(saturating / "sensitivity_time.parquet")
    row = over_time[(over_time["year"] == 2026) & (over_time["lever"] == STRONG)]
    assert row["mu_star"].iloc[0] == pytest.approx(in_2026)
    assert over_time["year"].min() == 2017 and over_time["year"].max() == 2035
    assert (saturating / "plots" / "sensitivity_time_compute_access_CN.png").is_file()


def test_prim_at_a_year_finds_the_controls_the_end_of_the_run_hides(saturating, capsys):
    args = ["discover", f"sweep={saturating}", "outcome=compute_access_CN", "threshold=0.99", "direction=below"]
    with pytest.raises(SystemExit):  # no run is below 0.99 in 2035: one-line error
        analyze(args)
    analyze([*args, "year=2026"])
    box = pd.read_parquet(saturating / "prim_box.parquet")
    assert box["lever"].iloc[0] == STRONG and box["restricted"].iloc[0]
