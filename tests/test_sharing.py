"""Outputs people can share and open: readable files, CSV copies, one folder per run named by its overrides."""

import json
import os
import stat
import sys
from datetime import datetime

import pandas as pd
import pytest

from sim import rundir
from sim.atomic import write_json, write_parquet
from sim.cli import main
from sim.compose import compose_config
from sim.run import run

QUICK = ["scale=classroom", "end=2019Q4", "output.plots=false"]


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_outputs_get_the_mode_an_ordinary_file_would(tmp_path, umask):
    write_json({"a": 1}, tmp_path / "x.json")
    assert _mode(tmp_path / "x.json") == 0o644  # group and others may read (mkstemp alone gives 0600)
    umask(0o007)
    write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "y.parquet")
    assert _mode(tmp_path / "y.parquet") == 0o660


def test_a_run_writes_readable_tables_and_csv_copies_on_request(tmp_path, umask):
    run(compose_config([*QUICK, "output.csv=true"]), tmp_path)
    for name in ("timeseries", "countries", "deals", "institutions"):
        parquet, csv = pd.read_parquet(tmp_path / f"{name}.parquet"), pd.read_csv(tmp_path / f"{name}.csv")
        assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet), name
        assert _mode(tmp_path / f"{name}.csv") == _mode(tmp_path / f"{name}.parquet") == 0o644
    ts, csv = pd.read_parquet(tmp_path / "timeseries.parquet"), pd.read_csv(tmp_path / "timeseries.csv")
    pd.testing.assert_series_equal(ts["capability_CN"], csv["capability_CN"])
    assert not list(tmp_path.glob(".*.tmp"))
    assert compose_config([]).output.csv is False  # spreadsheet copies only on request


def _command(tmp_path, monkeypatch, *overrides):
    """`python -m sim <overrides>` in this process, with the clock stopped; returns the new run folders."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [sys.argv[0]])  # main() sets sys.argv for Hydra
    monkeypatch.setattr(rundir, "_now", lambda: datetime(2026, 11, 30, 19, 40, 3))
    before = set((tmp_path / "results" / "runs").glob("*"))
    main([*QUICK, *overrides])
    return sorted(set((tmp_path / "results" / "runs").glob("*")) - before)


def test_two_runs_started_in_the_same_second_get_their_own_folders(tmp_path, monkeypatch):
    lever = "policies.export_controls.stringency=0.5"
    first = _command(tmp_path, monkeypatch, "policies.start=2018Q1", lever)
    second = _command(tmp_path, monkeypatch, "policies.start=2018Q1", lever)
    assert len(first) == len(second) == 1 and first != second
    assert second[0].name == first[0].name + "-2"
    for folder in first + second:
        assert (folder / "timeseries.parquet").is_file() and (folder / ".hydra" / "config.yaml").is_file()


def test_summary_and_folder_name_record_the_overrides(tmp_path, monkeypatch):
    (folder,) = _command(
        tmp_path, monkeypatch, "seed=2", "policies.start=2018Q1", "policies.export_controls.stringency=0.5"
    )
    assert folder.name == (
        "2026-11-30_19-40-03_baseline_s2_scale=classroom_end=2019Q4_output.plots=false_"
        "policies.start=2018Q1_policies.export_controls.stringency=0.5"
    )
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["overrides"] == [
        *QUICK,
        "seed=2",
        "policies.start=2018Q1",
        "policies.export_controls.stringency=0.5",
    ]
    assert summary["seed"] == 2


def test_run_folder_names_are_safe_and_long_ones_end_in_a_hash():
    assert rundir.override_tail(["seed=1", "scenario=x.yaml"]) == ""  # already in the name
    assert rundir.override_tail(["policies.research_security.bloc=EU"]) == "policies.research_security.bloc=EU"
    odd = rundir.override_tail(["scenario=a", "+sweep.events.cut={left:x,op:lt}", "x='a b/c'"])
    assert set(odd) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._=-")
    long_a, long_b = rundir.override_tail(["x=" + "1" * 300]), rundir.override_tail(["x=" + "1" * 299 + "2"])
    assert len(long_a) <= rundir.MAX_TAIL and long_a != long_b
