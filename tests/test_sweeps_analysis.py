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
