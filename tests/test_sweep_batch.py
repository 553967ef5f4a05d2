"""Several runs per Hydra job (`sweep.batch`): the same run folders and aggregate as one run per job."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
# What sim.robust sweep sets (no .hydra/ per run, timeseries only), on a short classroom grid of 6 runs
SWEEP = [
    "scale=classroom",
    "end=2018Q2",
    "policies.start=2017Q3",
    "policies.export_controls.stringency=0,0.8",
    "seed=0,1,2",
    "sweep.run_tables=[timeseries]",
    "sweep.plots=false",
    "hydra.output_subdir=null",
]
AGGREGATE = ("sweep.parquet", "runs.parquet", "events.parquet", "summary.parquet")


def multirun(out: Path, *overrides: str, launcher: str = "joblib") -> Path:
    cmd = [sys.executable, "-m", "sim", "--multirun", f"hydra/launcher={launcher}", f"hydra.sweep.dir={out}"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([*cmd, *overrides], cwd=out.parent, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def runs(sweep: Path) -> dict[str, Path]:
    return {p.parent.name: p.parent for p in sweep.glob("*/done.json")}


def summary(folder: Path) -> dict:
    """A run's summary.json, without the `sweep.batch=` override the batched command line adds."""
    data = json.loads((folder / "summary.json").read_text())
    data["overrides"] = [o for o in data["overrides"] if not o.startswith("sweep.batch=")]
    return data


def assert_same_sweep(one: Path, batched: Path) -> None:
    a, b = runs(one), runs(batched)
    assert len(a) == 6 and set(a) == set(b)  # one folder per run, the same names
    assert not (batched / ".batches").exists()
    for name, folder in a.items():
        assert sorted(p.name for p in b[name].iterdir()) == sorted(p.name for p in folder.iterdir())
        assert (b[name] / "timeseries.parquet").read_bytes() == (folder / "timeseries.parquet").read_bytes()
        assert (b[name] / "done.json").read_text() == (folder / "done.json").read_text()  # config hash included
        assert summary(b[name]) == summary(folder)
    for table in AGGREGATE:
        left, right = pd.read_parquet(one / table), pd.read_parquet(batched / table)
        assert left.equals(right), table


@pytest.fixture(scope="module")
def one_per_job(tmp_path_factory):
    return multirun(tmp_path_factory.mktemp("one") / "sweep", *SWEEP)


@pytest.fixture(scope="module")
def batched(tmp_path_factory):
    # 4 runs per job: a job of 4 and one of 2
    return multirun(tmp_path_factory.mktemp("batched") / "sweep", *SWEEP, "sweep.batch=4")


@pytest.mark.slow
def test_a_batched_sweep_equals_one_run_per_job(one_per_job, batched):
    assert_same_sweep(one_per_job, batched)
    assert json.loads((next(iter(runs(batched).values())) / "summary.json").read_text())["overrides"][-1] == (
        "sweep.batch=4"
    )


@pytest.mark.slow
def test_a_batched_sweep_resumes_only_the_runs_not_finished(one_per_job, batched):
    folders = runs(batched)
    killed = sorted(folders)[3]  # a run inside the first job's batch
    (folders[killed] / "done.json").unlink()
    (folders[killed] / "timeseries.parquet").write_bytes(b"cut off")
    before = {n: (f / "timeseries.parquet").stat().st_mtime_ns for n, f in folders.items() if n != killed}
    multirun(batched, *SWEEP, "sweep.batch=4")
    after = runs(batched)
    assert {n: (after[n] / "timeseries.parquet").stat().st_mtime_ns for n in before} == before  # reused
    assert_same_sweep(one_per_job, batched)  # the killed run whole again, the aggregate as before


@pytest.mark.slow
@pytest.mark.parametrize(
    "launcher,extra",
    [
        pytest.param(
            "submitit_local",
            [],
            marks=pytest.mark.skipif(importlib.util.find_spec("submitit") is None, reason="submitit not installed"),
        ),
        pytest.param(
            "ray",
            ["hydra.launcher.ray.init.num_cpus=2"],
            marks=pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray not installed"),
        ),
        pytest.param("basic", []),
    ],
)
def test_batches_give_the_same_runs_on_every_launcher(one_per_job, tmp_path, launcher, extra):
    out = multirun(tmp_path / "sweep", *SWEEP, "sweep.batch=5", *extra, launcher=launcher)
    assert_same_sweep(one_per_job, out)


def test_only_jobs_that_differ_in_plain_values_are_batched():
    from hydra import compose, initialize_config_dir

    from sim.compose import CONFIG_DIR, register
    from sim.sweep.batch import why_not

    register()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base=None):
        master = compose("config", ["hydra.output_subdir=null"], return_hydra_config=True)
        with_hydra_folder = compose("config", [], return_hydra_config=True)
    seeds = [["scale=classroom", f"seed={s}", "sweep.row=3"] for s in range(3)]
    assert why_not(master, seeds) is None
    assert "hydra.output_subdir" in why_not(with_hydra_folder, seeds)
    assert "config group" in why_not(master, [["scale=classroom", "seed=0"], ["scale=realistic", "seed=0"]])
    assert "different keys" in why_not(master, [["seed=0"], ["end=2020Q4"]])
