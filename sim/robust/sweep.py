"""Every lever setting in every sampled state of the world, on the sweep machinery; then robustness.

The states of the world are a sample file (`sample.parquet`, columns the uncertain parameters'
keys) run as `sweep.row=range(0,N)` beside the `policies.*` grid of the command line, so the
launchers, resume and aggregate are those of every sweep. `problem.json` records the
uncertainties (ranges, reasons) and the levers; `roles.csv` says which column is which.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..atomic import write_csv, write_parquet
from ..errors import ConfigError
from . import metrics as m
from .uncertainties import problem, roles, sample


def _lever_keys(overrides: list[str]) -> list[str]:
    """The levers of the grid: `policies.*` settings, and the scenario when several are swept."""
    keys = {o.partition("=")[0].lstrip("+~") for o in overrides}
    levers = sorted(k for k in keys if k.startswith("policies."))
    swept_scenario = any(o.startswith("scenario=") and "," in o for o in overrides)
    return (["scenario"] if swept_scenario else []) + levers


def sweep(options, overrides: list[str]) -> None:
    from ..analyze.sensitivity import _precheck, run_sample, write_sample
    from . import __main__ as cli

    folder = Path(options.sweep or cli.default_folder("sweep")).resolve()
    levers = _lever_keys(overrides)
    p = problem(options.uncertainties)
    worlds = sample(options.uncertainties, options.n, options.sampler, options.sample_seed)
    p.update(
        method="uncertainties",
        sampler=options.sampler,
        n=options.n,
        sample_seed=options.sample_seed,
        reasons={u.key: u.reason for u in options.uncertainties.values()},
        levers=levers,
    )
    _precheck(p, overrides)
    write_sample(folder, p, worlds.to_numpy())
    write_csv(roles(options.uncertainties, levers), folder / "roles.csv")
    print(f"{len(worlds)} states of the world in {folder}/sample.parquet; levers: {', '.join(levers) or 'none'}")
    if not any(o.startswith("sweep.plots=") for o in overrides):
        overrides = [*overrides, "sweep.plots=false"]  # a fan chart per policy × world says little; tables do
    if not any(o.startswith("sweep.run_tables=") for o in overrides):
        overrides = [*overrides, "sweep.run_tables=[timeseries]"]  # all the aggregate and metrics read
    if not any(o.startswith("sweep.summary=") for o in overrides):
        # quantiles over one run per setting (policy × world): the metrics never read them, and at
        # 1,000 runs they took 0.7 GB and ~5 of the 30 minutes of the sweep
        overrides = [*overrides, "sweep.summary=false"]
    if not any(o.startswith("hydra.output_subdir=") for o in overrides):
        # no .hydra/ folder per run (3 YAML files, ~20 ms of a job): the sweep's multirun.yaml holds
        # the config and each run's summary.json its overrides, which the aggregate reads
        overrides = [*overrides, "hydra.output_subdir=null"]
    if not any(o.startswith("sweep.batch=") for o in overrides):
        # 8 runs per Hydra job: Hydra's per-job work (~0.1 s of CPU) once per 8 runs, the run folders
        # unchanged (sim/sweep/batch.py); at most 7 runs' wait at the end for the last job
        overrides = [*overrides, "sweep.batch=8"]
    run_sample(folder, len(worlds), overrides)
    if options.outcomes:
        options.sweep = str(folder)
        metrics(options)


def metrics(options) -> dict:
    """robustness.parquet, satisficing.parquet, feature_scores.parquet, experiments.parquet and the plot;
    for a Sobol sample also sobol.parquet (indices per policy), sobol_over_time.parquet (the same for
    every full year of the runs) and their plots."""
    from ..analyze.when import label, parse_window, run_values

    if not options.sweep:
        raise ConfigError("sweep", "missing", "a folder made by `python -m sim.robust sweep`")
    folder = Path(options.sweep)
    saved = folder / "problem.json"
    if not saved.is_file() or json.loads(saved.read_text()).get("method") != "uncertainties":
        raise ConfigError(
            "sweep", f"{folder} holds no uncertainty sample", "a folder made by `python -m sim.robust sweep`"
        )
    p = json.loads(saved.read_text())
    objectives = m.parse_objectives(options.outcomes)
    conditions = m.parse_conditions(options.satisfice)
    outcomes = list(dict.fromkeys([*objectives, *(c[0] for c in conditions)]))
    window = parse_window(options.window)
    values = run_values(folder, outcomes, options.year, window)
    uncertain = list(p["names"])
    levers = [k for k in p["levers"] if k in values and values[k].nunique(dropna=False) > 1]
    table = m.policy_world_table(values, levers, outcomes)
    robust = m.robustness(table, levers, objectives)
    robust.insert(0, "when", label(options.year, window))
    write_parquet(robust, folder / "robustness.parquet")
    results = {"robustness": robust}
    if conditions:
        sat = m.satisficing(table, levers, conditions)
        write_parquet(sat, folder / "satisficing.parquet")
        results["satisficing"] = sat
    inputs = [c for c in levers + uncertain if values[c].nunique(dropna=False) > 1]
    scores = m.feature_scores(values[inputs], values[list(objectives)], options.score_seed)
    role = {k: "lever" for k in levers} | {k: "uncertainty" for k in uncertain}
    scored = scores.rename_axis("input").reset_index()
    scored.insert(1, "role", scored["input"].map(role))
    write_parquet(scored, folder / "feature_scores.parquet")
    m.scores_plot(scores, role, folder / "plots")
    write_parquet(m.experiments(values, levers, uncertain, outcomes), folder / "experiments.parquet")
    _show(robust, results.get("satisficing"), scored, levers, label(options.year, window))
    sob = _sobol(folder, p, values, levers, outcomes, label(options.year, window))
    written = "robustness.parquet, satisficing.parquet, feature_scores.parquet, experiments.parquet"
    print(f"-> {folder}/{written}" + (", sobol.parquet, sobol_over_time.parquet" if sob is not None else ""))
    return results | {"feature_scores": scored} | ({"sobol": sob} if sob is not None else {})


def _sobol(folder: Path, p: dict, values, levers: list[str], outcomes: list[str], when: str):
    """sobol.parquet and plots/sobol_<outcome>.png for a Sobol sample; otherwise one line saying why not
    (the other tables stand: they need no complete design)."""
    from . import sobol

    stale = folder / "sobol.parquet"
    if p.get("sampler") != "sobol":
        stale.unlink(missing_ok=True)
        (folder / "sobol_over_time.parquet").unlink(missing_ok=True)
        print(f"\nno Sobol indices: the sample is {p.get('sampler')} (sampler=sobol gives them)")
        return None
    try:
        table = sobol.per_policy(values, p, levers, outcomes)
    except ConfigError as err:
        stale.unlink(missing_ok=True)  # an older table would disagree with the new robustness.parquet
        (folder / "sobol_over_time.parquet").unlink(missing_ok=True)
        print(f"\nno Sobol indices: {err}")
        return None
    table.insert(0, "when", when)
    write_parquet(table, folder / "sobol.parquet")
    sobol.plot(table, folder / "plots")
    _sobol_over_time(folder, p, levers, outcomes)
    with pd.option_context("display.width", 180, "display.max_columns", 30):
        print(f"\nSobol indices per policy ({when}): the top uncertainties by total-order index ST")
        print(sobol.top(table).drop(columns="when").to_string(index=False))
    return table


def _sobol_over_time(folder: Path, p: dict, levers: list[str], outcomes: list[str]) -> None:
    """sobol_over_time.parquet and plots/sobol_over_time_<outcome>.png: the indices of every full year."""
    from ..analyze.when import yearly_values
    from . import sobol

    values = yearly_values(folder, outcomes)  # one row per run and full year
    if values.empty:
        (folder / "sobol_over_time.parquet").unlink(missing_ok=True)
        return
    table = sobol.over_time(dict(tuple(values.groupby("year", sort=True))), p, levers, outcomes)
    write_parquet(table, folder / "sobol_over_time.parquet")
    sobol.plot_over_time(table, folder / "plots")


def _show(robust, sat, scored, levers, when) -> None:
    with pd.option_context("display.width", 180, "display.max_columns", 30, "display.float_format", "{:.4g}".format):
        print(f"\nrobustness over states of the world ({when}); regret against each world's best policy")
        cols = [*levers, "outcome", "direction", "mean", "worst_decile", "regret_mean", "regret_max"]
        print(robust[cols].to_string(index=False))
        if sat is not None:
            print("\nsatisficing: share of worlds where the conditions hold")
            print(sat.to_string(index=False))
        print("\nfeature scores (extra trees)")
        print(scored.to_string(index=False))
