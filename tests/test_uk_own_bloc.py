"""`uk_own_bloc` scored as FACTS does: Europe is the EU and UK blocs together (issue 14 item 5)."""

import importlib
import pkgutil

import numpy as np
import pandas as pd
import pytest
from conftest import mean_over_seeds, timeseries

from sim.compose import compose_config
from sim.mechanisms import investment
from sim.run import build_model
from sim.validation import command as V
from sim.validation.targets import europe_whole


def _tables():
    ts = pd.DataFrame(
        {
            "year": [2017, 2018],
            "papers_CN_EU": [10.0, 20.0],
            "papers_CN_UK": [30.0, 0.0],
            "share_CN_EU_military_linked": [0.1, 0.2],
            "share_CN_UK_military_linked": [0.5, 0.9],
            "deals_CN_to_EU": [1.0, 2.0],
            "deals_CN_to_UK": [3.0, 4.0],
            "papers_EU_UK": [7.0, 7.0],
            "papers_EU_US": [1.0, 1.0],
            "papers_UK_US": [2.0, 2.0],
        }
    )
    deals = pd.DataFrame({"investor_bloc": ["CN", "EU", "UK"], "target_bloc": ["UK", "UK", "US"], "blocked": False})
    countries = pd.DataFrame({"country": ["DE", "UK"], "bloc": ["EU", "UK"]})
    return {"ts": ts, "deals": deals, "countries": countries, "inst": None, "scale": 1.0}


def test_europe_whole_adds_pairs_merges_labels_and_reweights_shares():
    t = europe_whole(_tables())
    ts = t["ts"]
    assert ts["papers_CN_EU"].tolist() == [40.0, 20.0]
    assert ts["deals_CN_to_EU"].tolist() == [4.0, 6.0]
    assert ts["papers_EU_US"].tolist() == [3.0, 3.0]
    # The share of EU-CN papers that are military-linked, weighted by the papers of each part.
    assert ts["share_CN_EU_military_linked"].tolist() == pytest.approx([(0.1 * 10 + 0.5 * 30) / 40, 0.2])
    # A deal between the EU and the UK is domestic to Europe; the others carry Europe's label.
    assert t["deals"][["investor_bloc", "target_bloc"]].values.tolist() == [["CN", "EU"], ["EU", "US"]]
    assert t["countries"]["bloc"].tolist() == ["EU", "EU"]


def test_europe_whole_leaves_a_run_without_a_uk_bloc_alone():
    t = _tables()
    t["ts"] = t["ts"].drop(columns=[c for c in t["ts"].columns if "UK" in c.split("_")])
    assert europe_whole(t) is t


# Counted parts in band for uk_own_bloc scored as Europe = EU + UK (realistic, UK_SEEDS seeds, directions off).
# Until session 10 on 8 seeds (history below); 20 since session 11, as FACTS.md holds the baseline ("the median
# over at least 20 seeds"): on 8 seeds C6 DE_rank's median of 8 ranks and C9's heavy-tailed ratio moved the
# count by one seed.
# Session 8: 43 of 46 (was 38) once the UK bloc inherits what it had inside Europe (sim/split.py: Europe's one
# research lane, people, capacity growth and spillover shared by region; Europe's field mix, investor types and
# compute; I5 depth measured in the region). Out: C1 28,788 (floor 29,561; the baseline's 29,593 sits just
# above it), C15 (out in the baseline too), I4 1.45 (the scenario's UK screening from 2022Q1 blocks Chinese
# deals in the UK that the Europe-wide record kept). Raise it as that improves.
# Merged session 8 model (fields, keyed investment draws): 45 of 48 (out C9 top/second 1.44, C10 share 0.457, C15).
# Session 9 (EU-UK research lane, region-wide investment frictions): 45 of 48 (out C9 1.40, C10 0.458, C15 1.43);
# C9 top/second is a heavy-tailed per-run ratio (>= 1.5 in 20 of 32 baseline seeds): 46 of 48 at 32 seeds.
# After main's open-weight merge (branch s9-uk-invest): 43 of 48 at seeds 0-7 (one seed's G2 moves the median to
# 2.93; paired G2 difference over 32 seeds +0.01, se 0.07), 45 at 32 seeds. Branch s10-divert2 (with keyed
# notable-model counts, G2 3.67): 44 of 48 at seeds 0-7 (C6 DE_rank's median of 8 ranks at 2.5), 45 at 32 seeds
# (main 44) (docs/CALIBRATION.md, "Session 10: diversion, second pass").
# Session 11, 20 seeds (`python -m sim.validation scenario=uk_own_bloc seeds=20 directions=false workers=2`):
# main a900222 43 of 48 (out C9 1.39, C10 0.458, C15 1.43, I4 1.48, I5 share_UK 0.537: the region frictions
# are not on main); branch s11-divert3 45 of 48 (out C9 top/second 1.48, C10 0.459, C15 1.41).
# Session 18 (the session-16 package on by default, `mature_stock` first_draw_ties): 45 of 48 (out C1 29,010,
# C9 top/second 1.39, C10 0.471; C15 in).
UK_IN_BAND = 45
UK_SEEDS = 20


@pytest.mark.slow
def test_uk_own_bloc_keeps_europes_targets_in_band(tmp_path):
    opts = V.options(["scenario=uk_own_bloc", f"seeds={UK_SEEDS}", "directions=false", "workers=2", f"out={tmp_path}"])
    rows = V.validate(opts, progress=False)["rows"]
    n_in = sum(r["counted"] and r["in_band"] for r in rows)
    assert n_in >= UK_IN_BAND, [(r["id"], r["part"]) for r in rows if r["counted"] and not r["in_band"]]


# The same at classroom scale, where shares are scored on counts pooled over seeds: the pooled tables fold the
# UK into Europe too (before session 8 they did not, and C4, C5, C6 and I5 read the EU bloc alone: 22 of 37).
# Session 9: 37 of 39 (C8 back in; out C6 DE_rank 3, where Germany and France are within a point at 8 pooled
# seeds, and C15); 38 of 39 at 32 seeds.
# Session 11, 20 seeds (`... scenario=uk_own_bloc scale=classroom seeds=20 directions=false workers=2`): main
# a900222 38 of 39 and branch s11-divert3 38 of 39 (out C15 1.40 on both).
# Session 16 (s16-c15, freed writing time): 38 of 39 (out C10 0.454); uk_own_bloc realistic 45 of 48 (out C5 2021
# 0.0971, C9 top/second 1.45, C10 0.471; C1 30,719 and C15 0.966 in). Session 18 (the package on by default,
# `mature_stock` first_draw_ties): 38 of 39 (out C15 1.02).
UK_CLASSROOM_IN_BAND = 38


@pytest.mark.slow
def test_uk_own_bloc_at_classroom_scale_scores_europe_whole(tmp_path):
    argv = [
        "scenario=uk_own_bloc",
        "scale=classroom",
        f"seeds={UK_SEEDS}",
        "directions=false",
        "workers=2",
        f"out={tmp_path}",
    ]
    rows = V.validate(V.options(argv), progress=False)["rows"]
    n_in = sum(r["counted"] and r["in_band"] for r in rows)
    assert n_in >= UK_CLASSROOM_IN_BAND, [(r["id"], r["part"]) for r in rows if r["counted"] and not r["in_band"]]


# --- the UK and the EU as two blocs of one Europe (sim/split.py) -----------------------------------------------
UK_EU_SECURITY = (
    "scenario=uk_own_bloc",
    "policies.research_security.bloc=UK",
    "policies.research_security.partner=EU",
    "policies.research_security.screening=0.8",
    "policies.research_security.personnel=0.8",
    "policies.research_security.mobility=0.8",
)


@pytest.mark.slow  # whole runs to 2030, paired seeds
def test_a_uk_eu_research_security_lever_cuts_eu_uk_papers():
    # EU-UK ties are an ordinary lane: a UK research-security package on the EU has ties to act on.
    years = range(2027, 2031)
    cut = mean_over_seeds("papers_EU_UK", years, *UK_EU_SECURITY)
    assert cut < 0.8 * mean_over_seeds("papers_EU_UK", years, "scenario=uk_own_bloc")


def test_eu_uk_papers_come_out_of_home_output_so_europes_total_does_not_depend_on_them(tmp_path):
    # EU-UK co-authorship was home output in the Europe-wide calibration: split, EU-UK ties write it, and
    # Europe's total output (EU + UK) is the same however much the two co-author as blocs (same seeds, so the
    # same population): more EU-UK papers, not more papers.
    closer = tmp_path / "closer.yaml"
    closer.write_text("name: closer\nextends: uk_own_bloc\nactors:\n  UK: {countries: {UK: {affinity: {EU: 30.0}}}}\n")
    years = [2017, 2018, 2019]

    def totals(scenario):
        joint = europe = 0.0
        for seed in (0, 1):
            ts = timeseries(f"scenario={scenario}", f"seed={seed}", "scale.factor=0.15", "end=2019Q4")
            ts = ts[ts["year"].isin(years)]
            joint += float(ts["papers_EU_UK"].sum())
            europe += float(ts["papers_total_EU"].sum() + ts["papers_total_UK"].sum())
        return joint, europe

    joint, europe = totals("uk_own_bloc")
    joint_closer, europe_closer = totals(closer)
    assert joint > 0.05 * europe and joint_closer > 1.5 * joint
    # Counted on top of home output, the extra EU-UK papers would add about 20% to Europe's total; what is
    # left is Poisson noise of the two runs (about 1%).
    assert europe_closer == pytest.approx(europe, rel=0.03)


def _investment_modules():
    """The investment package and each of its modules (a module added later is patched too)."""
    names = [m.name for m in pkgutil.iter_modules(investment.__path__)]
    return [investment, *(importlib.import_module(f"{investment.__name__}.{n}") for n in names)]


class _CrossBloc:
    """sim/split.py as investment would read it if the UK were a region of its own (no inherited frictions)."""

    @staticmethod
    def regions(model):
        return np.arange(model.n_blocs)

    @staticmethod
    def is_split(model):
        return False


def test_uk_funds_invest_in_eu_rounds_as_at_home(monkeypatch):
    # Inside Europe in the calibration a UK fund saw Europe's rounds as home deal flow and paid no home bias on
    # them; split, it keeps that: it joins more EU rounds than it would as a foreign investor.
    def uk_into_eu(cross_bloc: bool) -> float:
        n = 0.0
        for seed in (0, 1):
            model = build_model(
                compose_config(["scenario=uk_own_bloc", f"seed={seed}", "scale.factor=0.15", "end=2019Q4"])
            )
            with monkeypatch.context() as m:
                if cross_bloc:  # every investment module that reads sim/split.py, found, not listed
                    for module in _investment_modules():
                        if hasattr(module, "split"):
                            m.setattr(module, "split", _CrossBloc)
                model.run()
            n += float(model.recorder.timeseries()["deals_UK_to_EU"].sum())
        return n

    assert uk_into_eu(cross_bloc=False) > 1.5 * uk_into_eu(cross_bloc=True)
