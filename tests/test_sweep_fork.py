"""Shared histories (`sweep.fork`, sim/fork.py): a run forked from another's snapshot at `policies.start` writes the
same tables as the run made on its own, table for table (pandas `equals`); runs that cannot share run fresh."""

from __future__ import annotations

import itertools
import json

import mesa
import pandas as pd
import pytest
from test_sweep_batch import multirun, runs

from sim.compose import compose_config
from sim.fork import Histories, copy_model
from sim.model import EntangleModel
from sim.run import prepare

BASE = ["scale=classroom", "end=2018Q2", "policies.start=2017Q4"]
# three lever settings: none at all (changes nothing), one lever, two levers
LEVERS = [
    [],
    ["policies.export_controls.stringency=0.5"],
    ["policies.export_controls.stringency=1.0", "policies.research_security.screening=0.8"],
]


def tables(model) -> dict[str, pd.DataFrame]:
    return {
        "timeseries": model.recorder.timeseries(),
        "countries": model.recorder.countries(),
        "deals": model.recorder.deals(model),
        "institutions": model.recorder.institutions(model),
        "policy_events": model.governments.table(),
    }


def fresh(overrides: list[str]) -> dict[str, pd.DataFrame]:
    scenario, cfg = prepare(compose_config(overrides))
    model = EntangleModel(scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params).run()
    out = tables(model)
    model.release()
    return out


def through(histories: Histories, runs_: list[list[str]]) -> list[dict[str, pd.DataFrame]]:
    """The runs one after another as a batch runs them: each may fork from the last kept history."""
    keys = [[o for o in r if not o.startswith("policies.") or o.startswith("policies.start")] for r in runs_]
    out = []
    for i, overrides in enumerate(runs_):
        scenario, cfg = prepare(compose_config(overrides))
        model = histories.build(scenario, cfg, more=keys[i] in keys[i + 1 :]).run()
        out.append(tables(model))
        model.release()
    histories.close()
    return out


def assert_equal(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert set(a) == set(b)
    for name in a:
        assert a[name].equals(b[name]), name


@pytest.mark.parametrize("scenario", ["baseline", "uk_own_bloc"])
def test_forked_runs_equal_runs_made_one_by_one(scenario):
    grid = [[*BASE, f"scenario={scenario}", "seed=2", *lv] for lv in LEVERS]
    histories = Histories()
    forked = through(histories, grid)
    assert histories.forks == len(LEVERS) - 1  # one history, run once
    for overrides, got in zip(grid, forked):
        assert_equal(fresh(overrides), got)
    assert len(forked[2]["policy_events"]) > len(forked[0]["policy_events"])  # the levers do lock rules


def test_runs_that_cannot_share_a_history_run_fresh():
    cases = [
        # a lever at the run's first quarter is applied while the model is built
        [[*BASE, "policies.start=2017Q1", *lv] for lv in LEVERS[:2]],
        # another scenario (another timeline), another seed, other parameters
        [[*BASE, "scenario=baseline"], [*BASE, "scenario=eu_derisk", *LEVERS[1]]],
        [[*BASE, "seed=0"], [*BASE, "seed=1", *LEVERS[1]]],
        [[*BASE], [*BASE, "params.collaboration.tie_decay=0.06", *LEVERS[1]]],
    ]
    for grid in cases:
        histories = Histories()
        got = through(histories, grid)
        assert histories.forks == 0, grid
        assert_equal(fresh(grid[-1]), got[-1])


def test_a_fork_is_a_whole_model_with_its_own_agents_and_generators():
    scenario, cfg = prepare(compose_config(BASE))
    model = EntangleModel(scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params)
    while model.quarter < scenario.start + 6:
        model.step()
    twin = copy_model(model)
    assert [a.unique_id for a in twin.agents] == [a.unique_id for a in model.agents]
    assert all(a.model is twin for a in twin.agents)
    assert {k: len(v) for k, v in twin.agents_by_type.items()} == {k: len(v) for k, v in model.agents_by_type.items()}
    assert next(mesa.Agent._ids[twin]) == next(mesa.Agent._ids[model])  # the next agent gets the same id
    assert twin.rng is not model.rng and twin.network is not model.network
    twin.step()  # stepping the copy leaves the original where it was
    assert twin.quarter == model.quarter + 1 and len(model.recorder.timeseries()) == 6
    model.step()
    assert model.recorder.timeseries().equals(twin.recorder.timeseries())
    twin.release()
    model.release()
    assert twin not in mesa.Agent._ids


def test_batches_keep_a_worlds_lever_settings_together():
    from sim.sweep.batch import _batches

    # levers before the world in the sweep's order: Hydra lists each lever setting across all worlds
    jobs = [[f"policies.x.s={s}", f"sweep.row={r}"] for s, r in itertools.product((0, 1, 2), range(4))]
    batches = _batches(jobs, 8)
    assert [len(b) for b in batches] == [6, 6]  # two worlds of three settings each: none split
    rows = [[o[1] for o in b] for b in batches]
    assert rows[0] == ["sweep.row=0"] * 3 + ["sweep.row=1"] * 3
    assert sorted(map(tuple, itertools.chain(*batches))) == sorted(map(tuple, jobs))
    assert [len(b) for b in _batches(jobs, 2)] == [2, 1] * 4  # a world larger than a batch is cut
    assert [len(b) for b in _batches([[f"seed={s}"] for s in range(5)], 2)] == [2, 2, 1]  # no levers


# A sweep: two scenarios x three lever settings x one seed; every table of each run
SWEEP = [
    *BASE,
    "scenario=baseline,uk_own_bloc",
    "policies.export_controls.stringency=null,0.5,1.0",
    "seed=0",
    "sweep.run_tables=[timeseries,countries,deals,institutions,policy_events]",
    "sweep.plots=false",
    "hydra.output_subdir=null",
]
TABLES = ("timeseries", "countries", "deals", "institutions", "policy_events")


def assert_same_runs(one, forked) -> None:
    a, b = runs(one), runs(forked)
    assert len(a) == 6 and set(a) == set(b)
    for name, folder in a.items():
        for table in TABLES:
            assert pd.read_parquet(folder / f"{table}.parquet").equals(pd.read_parquet(b[name] / f"{table}.parquet"))
        assert (b[name] / "done.json").read_text() == (folder / "done.json").read_text()


@pytest.mark.slow
def test_a_forked_sweep_equals_one_run_per_job_and_resumes(tmp_path):
    for side in ("one", "forked"):
        (tmp_path / side).mkdir()
    one = multirun(tmp_path / "one" / "sweep", *SWEEP)
    forked = multirun(tmp_path / "forked" / "sweep", *SWEEP, "sweep.batch=6")
    logs = "".join(p.read_text() for p in forked.glob("*/cli.log"))
    assert "4 of 6 runs forked" in logs
    assert_same_runs(one, forked)
    for table in ("sweep.parquet", "runs.parquet", "summary.parquet"):
        assert pd.read_parquet(one / table).equals(pd.read_parquet(forked / table)), table
    # killed: the baseline's history-keeping run stays done; its two forks are cut off
    folders = runs(forked)
    killed = [n for n in folders if "scenario=baseline" in n and "stringency=null" not in n]
    assert len(killed) == 2
    for name in killed:
        (folders[name] / "done.json").unlink()
        (folders[name] / "timeseries.parquet").write_bytes(b"cut off")
    before = {n: (f / "timeseries.parquet").stat().st_mtime_ns for n, f in folders.items() if n not in killed}
    multirun(forked, *SWEEP, "sweep.batch=6")
    after = runs(forked)
    assert {n: (after[n] / "timeseries.parquet").stat().st_mtime_ns for n in before} == before  # reused
    assert_same_runs(one, forked)
    assert json.loads((after[killed[0]] / "summary.json").read_text())["overrides"][-1] == "sweep.batch=6"
