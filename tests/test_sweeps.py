"""Sweeps: the aggregate of a multirun, identical runs on every launcher, resume after a kill."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep.aggregate import aggregate
from sim.sweep.callbacks import _Progress, job_count
from sim.sweep.job import run_id

pytestmark = pytest.mark.slow  # sweeps, launchers and subprocess runs

ROOT = Path(__file__).resolve().parent.parent
SWEEP = [
    "scale=classroom",
    "end=2019Q4",
    "policies.start=2018Q1",
    "policies.export_controls.stringency=0,0.8",
    "seed=0,1",
]
TABLES = ("timeseries.parquet", "countries.parquet", "deals.parquet", "institutions.parquet")


def multirun(out: Path, *overrides: str, launcher: str = "basic", wait: bool = True):
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "--multirun",
        f"hydra/launcher={launcher}",
        f"hydra.sweep.dir={out}",
        *overrides,
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if not wait:
        return subprocess.Popen(cmd, cwd=out.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proc = subprocess.run(cmd, cwd=out.parent, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def run_dirs(sweep: Path) -> dict[str, Path]:
    return {p.parent.name: p.parent for p in sweep.glob("*/done.json")}


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    return multirun(tmp_path_factory.mktemp("basic") / "sweep", *SWEEP)


def test_aggregate_has_one_row_per_run_and_period_with_the_swept_columns(basic):
    sweep = pd.read_parquet(basic / "sweep.parquet")
    assert {
        "run_id",
        "policies.export_controls.stringency",
        "seed",
        "period",
        "papers_CN_EU",
        "compute_access_CN",
    } <= set(sweep)
    assert sweep["run_id"].nunique() == 4 and len(sweep) == 4 * 12  # 2017Q1..2019Q4
    assert not sweep.duplicated(["run_id", "period"]).any()
    assert sorted(set(zip(sweep["policies.export_controls.stringency"], sweep["seed"]))) == [
        (0.0, 0),
        (0.0, 1),
        (0.8, 0),
        (0.8, 1),
    ]
    runs = pd.read_parquet(basic / "runs.parquet")
    assert len(runs) == 4 and "capability_CN" in runs


def test_summary_quantiles_are_ordered_per_setting_and_period(basic):
    summary = pd.read_parquet(basic / "summary.parquet")
    qs = ["q05", "q10", "q25", "q50", "q75", "q90", "q95"]
    assert summary.groupby(["policies.export_controls.stringency", "period", "outcome"]).size().max() == 1
    assert (summary["n"] == 2).all()  # two seeds per setting
    assert (summary[qs].diff(axis=1).iloc[:, 1:] >= -1e-12).all().all()
    cut = summary[(summary["outcome"] == "compute_access_CN") & (summary["period"] == "2018Q4")]
    assert (
        cut.set_index("policies.export_controls.stringency")["q50"].loc[0.8]
        < cut.set_index("policies.export_controls.stringency")["q50"].loc[0.0]
    )


def test_fan_charts_distributions_and_events_are_drawn(basic):
    names = {p.name for p in (basic / "plots").glob("*.png")}
    assert {"fan_compute_access_CN.png", "dist_compute_access_CN.png", "events.png"} <= names
    events = pd.read_parquet(basic / "events.parquet")
    assert set(events["event"]) == {
        "eu_cn_papers_exceed_us_cn_by_2030",
        "cn_capability_reaches_us_by_2035",
        "eu_cn_alignment_above_half_in_2035",
    }
    assert (events["runs"] == 0).all()  # these runs end in 2019: none of them can judge a 2030 event


def test_event_probabilities_follow_the_lever(basic, tmp_path):
    for name in run_dirs(basic):
        os.symlink(basic / name, tmp_path / name)
    event = {
        "label": "China's compute access below 0.9 by 2019",
        "left": "compute_access_CN",
        "op": "<",
        "right": 0.9,
        "when": "by",
        "year": 2019,
    }
    aggregate(tmp_path, {"cut_off": event})
    p = pd.read_parquet(tmp_path / "events.parquet").set_index("policies.export_controls.stringency")
    assert p.loc[0.8, "probability"] == 1.0 and p.loc[0.0, "probability"] == 0.0
    assert (p["runs"] == 2).all() and (p["ci_low"] <= p["probability"]).all()


def _same_runs(a: Path, b: Path) -> None:
    runs_a, runs_b = run_dirs(a), run_dirs(b)
    assert runs_b and set(runs_b) <= set(runs_a)
    for name, folder in runs_b.items():
        for table in TABLES:
            assert (folder / table).read_bytes() == (runs_a[name] / table).read_bytes(), (name, table)


def test_joblib_gives_byte_identical_runs_and_aggregate(basic, tmp_path):
    out = multirun(tmp_path / "sweep", *SWEEP, launcher="joblib")
    _same_runs(basic, out)
    assert (out / "sweep.parquet").read_bytes() == (basic / "sweep.parquet").read_bytes()


def test_kept_tables_are_those_of_a_full_output_run(basic, tmp_path):
    """`sweep.run_tables` and `hydra.output_subdir=null` (sim.robust sweep keeps timeseries only and
    no `.hydra/` per run): the kept table is byte for byte a full-output run's, the others are not
    written, and the aggregate (which reads each run's overrides from its summary.json) is the same.
    On the joblib launcher, whose workers re-value one composed config per batch instead of
    composing each job's."""
    out = multirun(
        tmp_path / "sweep", *SWEEP, "sweep.run_tables=[timeseries]", "hydra.output_subdir=null", launcher="joblib"
    )
    runs, full = run_dirs(out), run_dirs(basic)
    assert set(runs) == set(full)  # the settings do not rename a run's folder
    for name, folder in runs.items():
        assert not (folder / ".hydra").exists()
        assert (folder / "timeseries.parquet").read_bytes() == (full[name] / "timeseries.parquet").read_bytes()
        assert not (folder / "countries.parquet").exists() and not (folder / "deals.parquet").exists()
        kept = json.loads((folder / "summary.json").read_text())["outcomes_last_year"]
        assert kept == json.loads((full[name] / "summary.json").read_text())["outcomes_last_year"]
    assert (out / "sweep.parquet").read_bytes() == (basic / "sweep.parquet").read_bytes()


def test_config_classes_pickle_by_name():
    """The joblib launcher sends Hydra's config store and the config to every job and back. A class
    pickle finds by name travels as a reference; one it cannot find (make_dataclass leaves
    `types.<name>`) is pickled by value by cloudpickle, each time (tens of ms per job each way)."""
    import pickle

    from omegaconf import OmegaConf

    from sim.config import EntangleConfig

    schema = OmegaConf.structured(EntangleConfig)
    assert pickle.loads(pickle.dumps(schema)) == schema


@pytest.mark.skipif(importlib.util.find_spec("submitit") is None, reason="submitit not installed")
def test_submitit_local_gives_byte_identical_runs(basic, tmp_path):
    out = multirun(
        tmp_path / "sweep",
        *SWEEP[:3],
        "policies.export_controls.stringency=0.8",
        "seed=0,1",
        "sweep.plots=false",
        launcher="submitit_local",
    )
    _same_runs(basic, out)


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray not installed")
def test_ray_gives_byte_identical_runs(basic, tmp_path):
    out = multirun(
        tmp_path / "sweep",
        *SWEEP[:3],
        "policies.export_controls.stringency=0,0.8",
        "seed=1",
        "sweep.plots=false",
        "hydra.launcher.ray.init.num_cpus=2",
        launcher="ray",
    )
    _same_runs(basic, out)


def test_resume_after_a_kill_finishes_without_duplicates(basic, tmp_path):
    out = tmp_path / "sweep"
    proc = multirun(out, *SWEEP, wait=False)
    deadline = time.time() + 120
    while not list(out.glob("*/done.json")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = {name: (folder / "timeseries.parquet").stat().st_mtime_ns for name, folder in run_dirs(out).items()}
    assert 1 <= len(finished) < 4, "the kill should land mid-sweep"
    multirun(out, *SWEEP)
    for name, mtime in finished.items():  # complete runs were skipped, not run again
        assert (out / name / "timeseries.parquet").stat().st_mtime_ns == mtime
    _same_runs(basic, out)
    assert len(run_dirs(out)) == 4 and not list(out.rglob("*.tmp"))
    for name in ("sweep.parquet", "runs.parquet", "summary.parquet", "events.parquet"):
        assert (out / name).read_bytes() == (basic / name).read_bytes(), name


def test_an_incomplete_run_is_not_aggregated(basic, tmp_path):
    for name in run_dirs(basic):
        os.symlink(basic / name, tmp_path / name)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "done.json").write_text(json.dumps({"config_sha": "x", "files": ["timeseries.parquet"]}))
    assert aggregate(tmp_path)["runs"] == 4


def test_csv_copies_of_the_aggregate_on_request(basic, tmp_path):
    for name in run_dirs(basic):
        os.symlink(basic / name, tmp_path / name)
    aggregate(tmp_path, csv=True)
    for name in ("runs", "summary", "events"):
        parquet, csv = pd.read_parquet(tmp_path / f"{name}.parquet"), pd.read_csv(tmp_path / f"{name}.csv")
        assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet), name
    assert not (basic / "runs.csv").exists()  # off by default


def test_every_column_of_the_aggregate_is_documented_once(basic):
    from sim import outputs
    from sim.sweep.aggregate import COLUMNS

    outcomes = list(pd.read_parquet(next(iter(run_dirs(basic).values())) / "timeseries.parquet").columns)
    overrides = [o.split("=")[0] for o in SWEEP if not o.startswith("seed=")]
    names = {"parameter": overrides + ["scenario"], "outcome": outcomes}
    for table, rows in COLUMNS.items():
        columns = pd.read_parquet(basic / f"{table}.parquet").columns
        wrong = {c: m for c in columns if len(m := outputs.matching(rows, c, **names)) != 1}
        assert not wrong, f"{table}: columns matching no or several rows of sim/sweep/aggregate.py COLUMNS: {wrong}"


def test_run_folder_names_are_safe_and_follow_the_overrides():
    assert run_id(["seed=3", "scale=classroom"]) == "scale=classroom,seed=3"
    assert run_id(["seed=3", "sweep.plots=false"]) == "seed=3"  # settings of the aggregate don't name runs
    assert run_id(["sweep.row=7", "sweep.sample=/x/sample.parquet"]) == "sweep.row=7"
    odd = run_id(["scenario=my/dir/story.yaml", "seed=1"])
    assert "/" not in odd and odd == run_id(["seed=1", "scenario=my/dir/story.yaml"])
    assert odd != run_id(["scenario=my_dir_story.yaml", "seed=1"])
    assert len(run_id(["x=" + "9" * 500])) < 100


def test_progress_bar_counts_runs_finished_during_the_sweep(tmp_path):
    from omegaconf import OmegaConf

    config = OmegaConf.create(
        {
            "hydra": {
                "overrides": {
                    "task": ["seed=range(0,5)", "scale=classroom", "policies.export_controls.stringency=0,0.5"]
                }
            }
        }
    )
    assert job_count(config) == 10
    bar = _Progress(tmp_path, 10)
    for i in range(3):
        (tmp_path / f"r{i}").mkdir()
        (tmp_path / f"r{i}" / "done.json").write_text("{}")
    bar.close()
    assert bar.bar.n == 3
