"""The output contract of a single run: files, columns, ranges, reproducibility."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.compose import compose_config
from sim.run import run

ROOT = Path(__file__).resolve().parent.parent

CONTRACT = (
    "papers_CN_EU papers_CN_US papers_EU_US papers_total_CN papers_total_EU papers_total_US "
    "share_EU_output_with_CN share_CN_output_with_EU share_CN_EU_military_linked deals_CN_to_EU "
    "deals_EU_to_CN deals_US_to_CN deals_total_EU deals_total_CN capital_CN_to_EU capital_EU_to_CN "
    "capability_CN capability_EU capability_US compute_access_CN chip_capacity_CN alignment_CN_EU "
    "alignment_EU_US alignment_CN_US"
).split()
MORE = [
    "papers_CN_EU_vision",
    "papers_CN_EU_robotics",
    "share_CN_EU_corporate",
    "citation_CN_EU",
    "citation_EU_domestic",
    "compliance_share_EU",
    "cross_compliance_EU_with_CN",
    "exposure_EU",
    "innovation_EU",
    "convergence_CN_EU",
    "gap_CN_US",
    "compute_access_EU",
    "frontier_models_US",
]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "scale=classroom", "seed=3", f"hydra.run.dir={out}"],
        cwd=out,
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_run_writes_tables_summary_config_and_plots(cli_run):
    for name in (
        "timeseries.parquet",
        "countries.parquet",
        "deals.parquet",
        "institutions.parquet",
        "summary.json",
        ".hydra/config.yaml",
        "papers.png",
        "capability.png",
        "investment.png",
        "standards.png",
    ):
        assert (cli_run / name).is_file(), name
    assert not list(cli_run.glob("**/*.tmp"))


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_timeseries_has_every_period_and_the_contract_columns(cli_run):
    ts = pd.read_parquet(cli_run / "timeseries.parquet")
    assert list(ts["period"][:2]) == ["2017Q1", "2017Q2"] and ts["period"].iloc[-1] == "2035Q4"
    assert len(ts) == 19 * 4 and (ts["year"] == ts["period"].str[:4].astype(int)).all()
    missing = [c for c in CONTRACT + MORE if c not in ts]
    assert not missing
    shares = [
        c
        for c in ts
        if c.startswith(
            (
                "share_",
                "alignment_",
                "compute_access_",
                "compliance_share_",
                "cross_compliance_",
                "convergence_",
                "chip_capacity_",
            )
        )
    ]
    assert ((ts[shares] >= 0) & (ts[shares] <= 1)).all().all()
    counts = [c for c in ts if c.startswith(("papers_", "deals_", "capital_", "ties_"))]
    assert (ts[counts] >= 0).all().all()


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_countries_and_deals_tables(cli_run):
    countries = pd.read_parquet(cli_run / "countries.parquet")
    assert {"period", "year", "country", "papers_with_CN", "papers_total", "institutions_with_CN"} <= set(countries)
    assert {"UK", "DE", "FR", "IT", "ES", "NL", "CH", "other"} <= set(countries["country"])
    assert (countries["papers_with_CN"] <= countries["papers_total"] + 1e-9).all()
    deals = pd.read_parquet(cli_run / "deals.parquet")
    assert {
        "period",
        "year",
        "investor_bloc",
        "investor_country",
        "target_bloc",
        "target_country",
        "stage",
        "amount_eur",
        "reviewed",
        "blocked",
        "round_id",
        "company_id",
        "round_total_eur",
        "investor_type",
        "investor_id",
    } <= set(deals)
    assert (deals["investor_bloc"] != deals["target_bloc"]).all()
    assert set(deals["stage"]) <= {"seed", "A", "B", "C", "D", "E", "F+"}
    assert set(deals["investor_type"]) <= {"venture", "corporate", "state", "growth"}
    # An investor id names one fund: its bloc, country and type never change across its deals.
    assert (
        (deals.groupby("investor_id")[["investor_bloc", "investor_country", "investor_type"]].nunique() == 1)
        .to_numpy()
        .all()
    )
    # A deal is one (round, investor bloc): the foreign share never exceeds the round, and a company
    # that raises several rounds is one company (I7 counts companies).
    assert not deals.duplicated(["round_id", "investor_bloc"]).any()
    assert (deals["amount_eur"] <= deals["round_total_eur"] + 1e-6).all()
    assert deals["company_id"].nunique() <= deals["round_id"].nunique()
    assert (deals.loc[deals["blocked"], "reviewed"]).all()


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_summary_names_the_run(cli_run):
    summary = json.loads((cli_run / "summary.json").read_text())
    assert summary["scenario"] == "baseline" and summary["seed"] == 3 and summary["scale"] == "classroom"
    assert summary["version"] and "capability_US" in summary["outcomes_last_year"]


def _tables(tmp_path, *overrides):
    cfg = compose_config(["scale=classroom", "scale.factor=0.04", "end=2021Q4", "output.plots=false", *overrides])
    run(cfg, tmp_path)
    return {p.name: p.read_bytes() for p in sorted(tmp_path.glob("*.parquet"))}


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_same_seed_gives_byte_identical_tables_and_another_seed_differs(tmp_path):
    a = _tables(tmp_path / "a", "seed=7")
    b = _tables(tmp_path / "b", "seed=7")
    c = _tables(tmp_path / "c", "seed=8")
    assert a == b
    assert a["timeseries.parquet"] != c["timeseries.parquet"]


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_runs_in_one_process_do_not_keep_their_models(tmp_path):
    """A sweep worker runs job after job: each finished model must be freed, not pile up."""
    import gc

    from sim.model import EntangleModel

    def alive():
        gc.collect()
        return sum(isinstance(o, EntangleModel) for o in gc.get_objects())

    before = alive()
    for seed in range(3):
        _tables(tmp_path / str(seed), f"seed={seed}")
    assert alive() == before


def test_a_run_writing_fewer_tables_writes_them_as_a_run_writing_all(tmp_path):
    # A sweep writes only the timeseries: the model then skips the institution-level counts no table of it
    # reads (home co-authors); every table it does write must be the one a full run writes, byte for byte.
    short = ("end=2018Q4", "seed=4")
    every = _tables(tmp_path / "all", *short)
    assert _tables(tmp_path / "ts", *short, "output.tables=[timeseries]") == {
        "timeseries.parquet": every["timeseries.parquet"]
    }
    for name in ("countries", "institutions"):
        alone = _tables(tmp_path / name, *short, f"output.tables=[{name}]")
        assert alone == {f"{name}.parquet": every[f"{name}.parquet"]}


def test_a_model_built_without_the_institution_tables_refuses_to_make_them():
    from sim.model import EntangleModel
    from sim.run import build_model, prepare

    scenario, cfg = prepare(compose_config(["scale=classroom", "scale.factor=0.04", "end=2017Q2"]))
    model = EntangleModel(scenario, scale=cfg.scale.factor, seed=0, params=cfg.params, tables=["timeseries"])
    model.run()
    assert not model.counts_institutions and build_model(cfg).counts_institutions
    with pytest.raises(RuntimeError, match="tables="):
        model.recorder.institutions(model)
    with pytest.raises(RuntimeError, match="tables="):
        model.recorder.countries()
