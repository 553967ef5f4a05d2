"""Every scenario file runs, tells its own story, and more blocs extend the pair columns."""

import pytest
from conftest import run, timeseries

from sim.scenario import available, load

NAMES = available()


def test_at_least_six_scenarios_ship():
    assert {
        "baseline",
        "us_chip_controls",
        "eu_derisk",
        "investai",
        "eu_cn_standards",
        "decoupling",
        "uk_own_bloc",
    } <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_scenario_runs_to_2035_and_differs_from_baseline(name):
    ts = timeseries(f"scenario={name}", "seed=0")
    assert ts["period"].iloc[-1] == "2035Q4"
    if name != "baseline":
        base = timeseries("scenario=baseline", "seed=0")
        common = [c for c in base.columns if c in ts.columns and c not in ("period", "year", "quarter")]
        assert not base[common].equals(ts[common])


def test_uk_as_own_bloc_extends_pair_columns_by_the_same_rule():
    ts = timeseries("scenario=uk_own_bloc", "seed=0")
    for col in (
        "papers_CN_UK",
        "papers_EU_UK",
        "papers_UK_US",
        "deals_CN_to_UK",
        "alignment_CN_UK",
        "capability_UK",
        "share_UK_output_with_CN",
    ):
        assert col in ts
    scen = load("uk_own_bloc")
    assert "UK" not in scen.bloc_specs["EU"].countries and "UK" in scen.bloc_specs["UK"].countries


def test_extends_appends_measures_after_the_parent():
    base, child = load("baseline"), load("us_chip_controls")
    assert sum(map(len, child.measures.values())) > sum(map(len, base.measures.values()))
    assert load("eu_cn_standards").behaviour.join_agreements and not base.behaviour.join_agreements


def test_decoupling_cuts_eu_cn_papers_and_china_compute():
    late = lambda ts, c: ts.loc[ts["year"].between(2028, 2030), c].mean()  # noqa: E731
    base = timeseries("scenario=baseline", "seed=0")
    dec = timeseries("scenario=decoupling", "seed=0")
    assert late(dec, "papers_CN_EU") < 0.6 * late(base, "papers_CN_EU")
    assert late(dec, "compute_access_CN") < late(base, "compute_access_CN")


def test_uk_entry_bans_bar_uk_travellers_from_the_us_as_the_record_does():
    # Proclamation 9996: the US barred travellers from the UK from 16 Mar 2020 to 8 Nov 2021, as from Schengen.
    def ban(end):
        model = run("scenario=uk_entry_bans", "seed=0", f"end={end}")
        us, uk, eu = (model.blocs.index(b) for b in ("US", "UK", "EU"))
        return model.levers.entry_ban[us, uk], model.levers.entry_ban[us, eu], model.levers.entry_ban[uk].max()

    assert ban("2019Q4") == (0.0, 0.0, 0.0)
    assert ban("2020Q3") == (1.0, 1.0, 0.0)  # the UK itself barred no one (quarantine only)
    assert ban("2022Q1") == (0.0, 0.0, 0.0)
