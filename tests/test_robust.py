"""Uncertainties vs levers, robustness across worlds, and the robust policy search (issue 18).

Fast: the uncertainty group is well-formed and valid for the model, samples are reproducible
from their seed, the robustness metrics and the Pareto filter compute what they say, a lever
set to the value already in force changes nothing, and a searched lever holds against the
governments' rules. Slow: a robustness sweep end to end, and a small search whose Pareto set is
non-dominated, reproducible from its seed, and whose exported scenarios rerun to the evaluated
outcomes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.robust import metrics as m
from sim.robust.__main__ import main as robust
from sim.robust.__main__ import parse
from sim.robust.search import measures, nondominated, run_world
from sim.robust.uncertainties import problem, sample

ROOT = Path(__file__).resolve().parent.parent
SHORT = ["scenario=baseline", "seed=0", "scale=classroom", "end=2026Q4", "policies.start=2025Q3"]


def default_uncertainties():
    options, _ = parse("sweep", [])
    return options.uncertainties


def test_every_uncertainty_is_a_model_parameter_with_a_reason_and_valid_bounds():
    from sim.api import _config
    from sim.run import prepare

    unc = default_uncertainties()
    assert len(unc) >= 6
    for name, u in unc.items():
        assert u.key.startswith("params.") and u.lo < u.hi and len(u.reason) > 20, name
        for value in (u.lo, u.hi):
            prepare(_config([f"{u.key}={value}"]))  # raises on a value the model refuses
        default = _config([]).params
        for part in u.key.split(".")[1:]:
            default = getattr(default, part)
        assert u.lo <= default <= u.hi, f"{name}: the model's default {default} lies outside its range"


@pytest.mark.parametrize(
    "args, key",
    [
        (["uncertainties.tie_decay.key=policies.export_controls.stringency"], "uncertainties.tie_decay.key"),
        (["uncertainties.tie_decay.lo=0.5"], "uncertainties.tie_decay.lo"),
        (["uncertainties.tie_decay.reason="], "uncertainties.tie_decay.reason"),
        (["uncertainties=nosuch"], "uncertainties"),
        (["sampler=sobolx"], "sampler"),
        (["sweep.run_tables=[summary]"], "sweep.run_tables"),
    ],
)
def test_bad_uncertainties_are_one_line_naming_the_key(args, key, capsys):
    with pytest.raises(SystemExit) as stop:
        robust(["sweep", *args])
    err = capsys.readouterr().err.strip()
    assert stop.value.code == 2 and err.startswith(f"error: {key}") and "\n" not in err


def test_samples_are_reproducible_from_their_seed_and_fill_the_ranges():
    unc = default_uncertainties()
    a, b, c = sample(unc, 10, "latin", 3), sample(unc, 10, "latin", 3), sample(unc, 10, "latin", 4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    lo, hi = np.array(problem(unc)["bounds"]).T
    assert list(a.columns) == problem(unc)["names"] and ((a >= lo) & (a <= hi)).all().all()
    # Latin hypercube: each of the 10 strata of every range holds exactly one world
    strata = np.floor((a.to_numpy() - lo) / (hi - lo) * 10).clip(0, 9)
    assert all(sorted(col) == list(range(10)) for col in strata.T.astype(int))
    assert len(sample(unc, 4, "sobol", 0)) == 4 * (len(unc) + 2)


def test_regret_worst_decile_and_satisficing_per_policy():
    # two policies in three worlds; policy 1 is best in worlds 0 and 1, policy 0 in world 2
    table = pd.DataFrame(
        {"lever": [0, 0, 0, 1, 1, 1], "sample_row": [0, 1, 2] * 2, "y": [1.0, 2.0, 5.0, 2.0, 4.0, 3.0]}
    )
    r = m.robustness(table, ["lever"], {"y": "max"}).set_index("lever")
    assert r.loc[0, "regret_max"] == 2.0 and r.loc[1, "regret_max"] == 2.0
    assert r.loc[0, "regret_mean"] == pytest.approx(1.0) and r.loc[1, "regret_mean"] == pytest.approx(2 / 3)
    assert r.loc[0, "worst_decile"] == pytest.approx(np.quantile([1, 2, 5], 0.1))
    low = m.robustness(table, ["lever"], {"y": "min"}).set_index("lever")
    assert (
        low.loc[0, "regret_max"] == 2.0
        and low.loc[1, "regret_max"] == 2.0
        and low.loc[0, "worst_decile"] == pytest.approx(np.quantile([1, 2, 5], 0.9))
    )
    s = m.satisficing(table, ["lever"], m.parse_conditions("y>=2")).set_index("lever")
    assert s.loc[0, "all"] == pytest.approx(2 / 3) and s.loc[1, "all"] == 1.0


def test_nondominated_keeps_exactly_the_pareto_front():
    values = np.array([[1.0, 5.0], [2.0, 4.0], [1.5, 3.0], [3.0, 1.0], [2.0, 4.0]])
    # maximise both: [1.5, 3] is dominated by [2, 4]; duplicates do not dominate each other
    assert nondominated(values, ["max", "max"]).tolist() == [True, True, False, True, True]
    # minimise the second: [3, 1] dominates all but [1, 5]? no: [1, 5] loses on both
    assert nondominated(values, ["max", "min"]).tolist() == [False, False, False, True, False]


def test_a_lever_set_to_the_value_in_force_has_zero_effect_in_every_world():
    worlds = [{"params.collaboration.tie_decay": 0.05}, {"params.collaboration.tie_decay": 0.11}]
    outcomes = ["compute_access_CN", "capability_EU", "papers_CN_EU"]
    in_force = {"policies.export_controls.stringency": 0.95}  # US -> CN chips since 2024Q4 (baseline)
    # A setting by a person also switches the US tightening rule off for that lever (precedence), and that
    # rule can fire in the baseline: the value in force is a no-op only where no rule would move it.
    no_rule = [*SHORT, "params.behaviour.tighten.blocs=[]"]
    for world in worlds:
        assert run_world((no_rule, in_force, world, outcomes, 2026, 2026)) == run_world(
            (no_rule, {}, world, outcomes, 2026, 2026)
        )


def test_a_searched_lever_holds_against_the_governments_rules():
    """In `decoupling` the US rule tightens chip controls while China closes the gap; a searched
    setting locks its lever cell from policies.start, and the rule is logged as switched off."""
    from sim.api import _model
    from sim.levers import SCOPES

    model = _model(
        "decoupling",
        0,
        "classroom",
        ["end=2029Q4", "policies.start=2025Q3", "policies.export_controls.stringency=0.3"],
    )
    us, cn = model.blocs.index("US"), model.blocs.index("CN")
    assert model.levers.export[SCOPES.index("chips"), us, cn] == 0.3
    events = model.governments.table()
    model.release()
    off = events[(events["kind"] == "switched_off") & (events["rule"] == "tighten_on_gap")]
    assert len(off) and (off["lever"] == "export_chips").any()


def test_exported_measures_are_the_families_measures_with_their_defaults():
    out = measures(
        [
            "policies.export_controls.stringency=0.5",
            "policies.research_security.screening=0.25",
            "policies.investment_screening.inbound=0.75",
            "policies.investment_screening.partner=CN",  # a fixed setting of a searched family goes with it
        ]
    )
    assert out["export_controls"] == {"issuer": "US", "target": "CN", "scope": ["chips"], "stringency": 0.5}
    assert out["research_security"]["screening"] == 0.25 and out["research_security"]["bloc"] == "EU"
    assert out["investment_screening"]["partner"] == "CN" and out["investment_screening"]["inbound"] == 0.75


# ---- slow: runs through the launcher and a search ----


def _cli(args, cwd):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.robust", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.slow
def test_robustness_sweep_marks_levers_and_uncertainties(tmp_path):
    out = tmp_path / "robust"
    _cli(
        [
            "sweep",
            "n=3",
            f"sweep={out}",
            "outcomes=compute_access_CN:min,capability_EU:max",
            "satisfice=compute_access_CN<0.95",
            "year=2026",
            "policies.export_controls.stringency=0.2,1.0",
            "scale=classroom",
            "end=2026Q4",
            "hydra/launcher=basic",
        ],
        tmp_path,
    )
    lever = "policies.export_controls.stringency"
    roles = pd.read_csv(out / "roles.csv").set_index("column")["role"]
    assert roles[lever] == "lever" and (roles.drop(lever) == "uncertainty").all()
    assert len(pd.read_parquet(out / "runs.parquet")) == 2 * 3
    # the runs keep the one table the aggregate and the metrics read
    assert len(list(out.glob("*/timeseries.parquet"))) == 6 and not list(out.glob("*/deals.parquet"))
    assert not (out / "summary.parquet").exists()  # quantiles over one run per setting: left out
    ex = pd.read_parquet(out / "experiments.parquet")
    assert f"lever:{lever}" in ex and "outcome:compute_access_CN" in ex
    assert sum(c.startswith("uncertainty:") for c in ex) == len(roles) - 1
    r = pd.read_parquet(out / "robustness.parquet").set_index([lever, "outcome"])
    assert r.loc[(1.0, "compute_access_CN"), "regret_max"] == 0  # strict controls: best in every world
    assert r.loc[(0.2, "compute_access_CN"), "regret_mean"] > 0
    sat = pd.read_parquet(out / "satisficing.parquet").set_index(lever)["all"]
    assert sat[1.0] == 1.0 and sat[0.2] == 0.0
    scores = pd.read_parquet(out / "feature_scores.parquet").set_index("input")
    assert scores["compute_access_CN"].idxmax() == lever and scores.loc[lever, "role"] == "lever"
    assert (out / "plots" / "feature_scores.png").is_file()


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    from sim.robust.search import search

    args = [
        "levers=policies.export_controls.stringency:0:1,policies.research_security.screening:0:1",
        "objectives=compute_access_CN:min:mean,capability_EU:max:q10",
        "nfe=8",
        "population=4",
        "sows=2",
        "workers=2",
    ]
    runs = {}
    for name, extra in (("a", []), ("b", ["workers=1"])):
        folder = f"sweep={tmp_path_factory.mktemp(name) / 's'}"
        fixed = ["end=2026Q4", "policies.export_controls.evasion=0.2"]  # a fixed setting of a searched family
        options, rest = parse("search", [*args, *extra, folder, *fixed])
        runs[name] = search(options, rest, "test")
    return runs


@pytest.mark.slow
def test_search_pareto_set_is_non_dominated_and_reproducible_from_its_seed(searched):
    pareto = searched["a"]["pareto"]
    objectives = ["mean(compute_access_CN)", "q10(capability_EU)"]
    assert len(pareto) >= 1 and nondominated(pareto[objectives].to_numpy(), ["min", "max"]).all()
    pd.testing.assert_frame_equal(pareto, searched["b"]["pareto"])  # same seed, other worker count
    folder = searched["a"]["folder"]
    assert (folder / "plots" / "pareto_parcoords.png").is_file()
    runs = pd.read_parquet(folder / "evaluations.parquet")
    # each candidate in both worlds; platypus skips a child identical to an evaluated parent
    assert 0 < len(runs) <= 8 * 2 and (runs.groupby("world").size() == len(runs) // 2).all()


@pytest.mark.slow
def test_each_exported_policy_reruns_to_its_evaluated_outcomes(searched):
    from sim.robust.search import rerun

    folder, pareto = searched["a"]["folder"], searched["a"]["pareto"]
    for k, row in pareto.iterrows():
        again = rerun(folder / "policies" / f"policy_{k}.yaml", folder, workers=1)
        assert again == {name: row[name] for name in again}


@pytest.mark.slow
def test_a_search_folder_makes_a_brief_with_its_pareto_set(searched):
    import re

    from sim.report.__main__ import build

    html_path, _ = build(searched["a"]["folder"])
    html = html_path.read_text()
    for section in ("The question", "Headline: the Pareto set", "Charts", "Robustness and sensitivity", "Reproduce"):
        assert f"<h2>{section}</h2>" in html, section
    assert "policies.export_controls.stringency in [0, 1]" in html and 'src="data:image/png;base64,' in html
    assert not re.search(r"https?://", html)
