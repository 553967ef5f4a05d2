"""Robust policy search: many-objective optimisation over levers, each candidate judged across worlds.

The EMA Workbench states the problem (levers with bounds, uncertainties, outcomes, one robustness
function per objective over the sampled worlds) and drives platypus's NSGA-II; every candidate's
runs go through `sim.parallel.parallel_map` (one in-process pool, results in order), so a search
is reproducible from `search_seed` whatever the worker count. The levers are `policies.*`
settings in force from `start` (default: the scenario's `rules_from`), and an explicit setting
turns the governments' adaptive rules off for its lever cells (sim/mechanisms/behaviour.py):
the searched value holds for the whole run.

Out: `pareto.parquet` (the non-dominated policies: levers and objective values), `worlds.parquet`
(the states of the world), `evaluations.parquet` (every run: policy, world, outcomes),
`plots/pareto_parcoords.png`, and `policies/policy_<k>.yaml`, a scenario file per Pareto policy
whose runs in the same worlds give the same outcomes (`rerun`).
"""

from __future__ import annotations

import json
import logging
import random
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import write_json, write_parquet
from ..errors import ConfigError

STATS = {
    "mean": np.mean,
    "median": np.median,
    "min": np.min,
    "max": np.max,
    "q10": lambda x: np.quantile(x, 0.1),
    "q90": lambda x: np.quantile(x, 0.9),
}


def parse_objectives(text: str) -> list[tuple[str, str, str]]:
    """`capability_EU:max:q10,papers_CN_EU:min` -> [(outcome, direction, statistic)], statistic default mean."""
    out = []
    for item in filter(None, (t.strip() for t in text.split(","))):
        parts = item.split(":")
        outcome = parts[0]
        direction = parts[1] if len(parts) > 1 else "max"
        stat = parts[2] if len(parts) > 2 else "mean"
        if len(parts) > 3 or direction not in ("max", "min") or stat not in STATS:
            allowed = f"COL:max|min[:{'|'.join(STATS)}], comma-separated"
            raise ConfigError("objectives", f"'{item}' is not allowed", allowed)
        out.append((outcome, direction, stat))
    if not out:
        raise ConfigError("objectives", "missing", "COL:max|min[:mean|q10|...], e.g. capability_EU:max:q10")
    return out


def objective_name(outcome: str, direction: str, stat: str) -> str:
    return f"{stat}({outcome})"


# ---- one run: a policy in a world (module level: pickled by name to the pool's workers) ----


def run_world(job: tuple) -> dict[str, float]:
    """Outcomes of one run: `base` overrides, the policy's levers, the world's parameters; yearly means
    averaged over the years first..last."""
    base, levers, world, outcomes, first, last = job
    from ..api import _model

    settings = [
        *base,
        *(f"{k}={float(v)!r}" for k, v in levers.items()),
        *(f"{k}={float(v)!r}" for k, v in world.items()),
    ]
    scenario = next(s.partition("=")[2] for s in settings if s.startswith("scenario="))
    rest = [s for s in settings if not s.startswith(("scenario=", "seed=", "scale="))]
    seed = int(next(s.partition("=")[2] for s in settings if s.startswith("seed=")))
    scale = next(s.partition("=")[2] for s in settings if s.startswith("scale="))
    model = _model(scenario, seed, scale, rest)
    ts = model.recorder.timeseries()
    model.release()
    yearly = ts[(ts["year"] >= first) & (ts["year"] <= last)].groupby("year")[outcomes].mean()
    return {o: float(yearly[o].mean()) for o in outcomes}


class PoolEvaluator:
    """An EMA Workbench evaluator whose experiments run on sim.parallel's pool, in order."""

    def __new__(cls, *args, **kwargs):  # subclass BaseEvaluator lazily: the workbench imports slowly
        from ema_workbench.em_framework.evaluators import BaseEvaluator
        from ema_workbench.em_framework.points import experiment_generator

        class _PoolEvaluator(BaseEvaluator):
            def __init__(self, model, base, outcomes, first, last, workers, log):
                super().__init__(model)
                self.job = (base, outcomes, first, last)
                self.workers, self.log, self.pool = workers, log, None

            def initialize(self):
                pass

            def finalize(self):
                pass

            def evaluate_experiments(self, scenarios, policies, callback, combine="factorial", **kwargs):
                from ..parallel import parallel_map

                experiments = list(experiment_generator(scenarios, self._msis, policies, combine=combine))
                base, outcomes, first, last = self.job
                jobs = [(base, dict(e.policy), dict(e.scenario), outcomes, first, last) for e in experiments]
                results = parallel_map(run_world, jobs, self.workers, pool=self.pool)
                for e, job, result in zip(experiments, jobs, results):
                    self.log.append(
                        {**{f"lever:{k}": v for k, v in job[1].items()}, "world": e.scenario.name, **result}
                    )
                    callback(e, result)

        return _PoolEvaluator(*args, **kwargs)


def nondominated(values: np.ndarray, directions: list[str]) -> np.ndarray:
    """Boolean mask of the rows no other row dominates (max: higher is better, min: lower)."""
    signed = values * np.array([1.0 if d == "max" else -1.0 for d in directions])
    n = len(signed)
    keep = np.ones(n, dtype=bool)
    for i in range(n):  # a Pareto set is small (a population): a pairwise check is cheap
        better_eq = (signed >= signed[i]).all(axis=1)
        strictly = (signed > signed[i]).any(axis=1)
        if (better_eq & strictly).any():
            keep[i] = False
    return keep


def search(options, overrides: list[str], command: str) -> dict:
    from ..analyze.sensitivity import parse_levers
    from . import __main__ as cli
    from .uncertainties import sample

    folder = Path(options.sweep or cli.default_folder("search")).resolve()
    levers = parse_levers(options.levers)
    for name in levers["names"]:
        if not name.startswith("policies."):
            raise ConfigError("levers", f"'{name}' is not a lever", "policies.* keys (uncertainties are sampled)")
    objectives = parse_objectives(options.objectives)
    base, first, last, start = _base(options, overrides, levers)
    outcomes = list(dict.fromkeys(o for o, _, _ in objectives))
    _check_outcomes(base, outcomes)
    worlds = sample(options.uncertainties, options.sows, "latin", options.search_seed)
    log: list[dict] = []
    pareto = optimise(options, levers, objectives, worlds, base, outcomes, first, last, log)
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(worlds.rename_axis("world").reset_index(), folder / "worlds.parquet")
    write_parquet(pd.DataFrame(log), folder / "evaluations.parquet")
    write_parquet(pareto, folder / "pareto.parquet")
    parcoords(pareto, levers["names"], objectives, folder / "plots" / "pareto_parcoords.png")
    scenario = next(s.partition("=")[2] for s in base if s.startswith("scenario="))
    fixed = [s for s in base if s.startswith("policies.") and not s.startswith("policies.start=")]
    files = [export(row, levers["names"], fixed, scenario, start, folder / "policies" / f"policy_{k}.yaml", command)
             for k, row in pareto.iterrows()]  # fmt: skip
    write_json(
        {
            "command": command,
            "base_overrides": base,
            "levers": dict(zip(levers["names"], levers["bounds"])),
            "objectives": [list(o) for o in objectives],
            "years": [first, last],
            "start": start,
            "nfe": options.nfe,
            "population": options.population,
            "sows": options.sows,
            "search_seed": options.search_seed,
            "uncertainties": {u.key: [u.lo, u.hi, u.reason] for u in options.uncertainties.values()},
        },
        folder / "search.json",
    )
    with pd.option_context("display.width", 180, "display.max_columns", 30, "display.float_format", "{:.4g}".format):
        print(f"\nPareto set: {len(pareto)} policies, each over {len(worlds)} states of the world ({first}-{last})")
        print(pareto.to_string())
    print(f"-> {folder}/pareto.parquet, plots/pareto_parcoords.png, policies/policy_*.yaml ({len(files)})")
    return {"folder": folder, "pareto": pareto, "worlds": worlds, "base": base, "years": (first, last)}


def _base(options, overrides: list[str], levers: dict):
    """The runs' fixed overrides (scenario, seed, scale and the rest), the years read, and `start`."""
    from ..analyze.when import parse_window
    from ..api import _config
    from ..compare.__main__ import full_years
    from ..run import prepare

    for o in overrides:
        key = o.partition("=")[0].lstrip("+~")
        if key.startswith("hydra") or "," in o.partition("=")[2]:
            raise ConfigError(key, "is not allowed here", "one value per fixed setting (the search sets the levers)")
        if key in levers["names"]:
            raise ConfigError(key, "is both searched and set", "search it or set it, not both")
        if key == "policies.start":
            raise ConfigError(key, "is not allowed here", "start=QUARTER (when the searched levers take effect)")
    given = {o.partition("=")[0]: o.partition("=")[2] for o in overrides}
    base = [f"scenario={given.pop('scenario', 'baseline')}", f"seed={given.pop('seed', '0')}",
            f"scale={given.pop('scale', 'classroom')}", *(f"{k}={v}" for k, v in given.items())]  # fmt: skip
    scen, _ = prepare(_config([s for s in base if not s.startswith("seed=")]))
    from .. import periods

    start = options.start or periods.label(scen.rules_from)
    base.append(f"policies.start={start}")
    for name, (lo, hi) in zip(levers["names"], levers["bounds"]):  # every lever at both bounds is a valid run
        for value in (lo, hi):
            prepare(_config([s for s in base if not s.startswith("seed=")] + [f"{name}={value}"]))
    years = full_years(scen)
    window = parse_window(options.window)
    if window is not None and options.year is not None:
        raise ConfigError("year", "given with window", "either year=YYYY or window=[FIRST,LAST]")
    first, last = window or ((options.year, options.year) if options.year is not None else (years[-1], years[-1]))
    if not len(years) or first < years[0] or last > years[-1]:
        key = "window" if window is not None else "year"
        raise ConfigError(key, f"{first}-{last} is out of range", f"full years of the run, {years[0]} to {years[-1]}")
    return base, first, last, start


def _check_outcomes(base: list[str], outcomes: list[str]) -> None:
    from ..api import _config
    from ..compare.__main__ import outcome_columns

    columns = outcome_columns(_config(base))
    missing = [o for o in outcomes if o not in columns]
    if missing:
        raise ConfigError("objectives", f"no column '{missing[0]}'", "timeseries columns (docs/OUTPUTS.md)")


def optimise(options, levers, objectives, worlds, base, outcomes, first, last, log) -> pd.DataFrame:
    """NSGA-II (platypus) through the EMA Workbench's robust optimisation; the non-dominated policies."""
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import Model, RealParameter, ScalarOutcome, Scenario
        from platypus import NSGAII, Archive

    model = Model("entangle", function=_never)
    model.levers = [RealParameter(n, lo, hi) for n, (lo, hi) in zip(levers["names"], levers["bounds"])]
    model.uncertainties = [RealParameter(c, float(worlds[c].min()), float(worlds[c].max()) + 1e-12) for c in worlds]
    model.outcomes = [ScalarOutcome(o) for o in outcomes]
    functions = [
        ScalarOutcome(
            objective_name(o, d, s),
            kind=ScalarOutcome.MAXIMIZE if d == "max" else ScalarOutcome.MINIMIZE,
            variable_name=o,
            function=STATS[s],
        )
        for o, d, s in objectives
    ]
    scenarios = [Scenario(f"world{k}", **row) for k, row in worlds.iterrows()]
    evaluator = PoolEvaluator(model, base, outcomes, first, last, options.workers, log)
    state = (random.getstate(), np.random.get_state())
    random.seed(options.search_seed)  # platypus draws from `random`; the workbench from numpy
    np.random.seed(options.search_seed)
    from ..parallel import worker_pool

    try:
        with warnings.catch_warnings(), worker_pool(options.workers) as pool:
            warnings.simplefilter("ignore")
            evaluator.pool = pool  # one pool for every generation: workers import the package once
            result = evaluator.robust_optimize(
                functions,
                scenarios,
                algorithm=NSGAII,
                nfe=options.nfe,
                population_size=options.population,
                archive=Archive(),  # the non-dominated policies of every generation (the workbench reads it)
            )
    finally:
        random.setstate(state[0])
        np.random.set_state(state[1])
    result = result[0] if isinstance(result, tuple) else result
    names = [f.name for f in functions]
    result = result[levers["names"] + names].drop_duplicates().reset_index(drop=True)
    keep = nondominated(result[names].to_numpy(float), [d for _, d, _ in objectives])
    pareto = result[keep].sort_values(names[0], ascending=objectives[0][1] == "min", kind="stable")
    return pareto.reset_index(drop=True).rename_axis("policy")


def _never(**kwargs):  # the workbench's model function: the pool evaluator runs the model instead
    raise RuntimeError("runs go through sim.robust.search.run_world")


def measures(settings: list[str]) -> dict:
    """`policies.*` overrides (`policies.export_controls.stringency=0.8`) -> scenario timeline measures,
    one per family: the measure `python -m sim` adds for them, composed the same way, defaults filled in."""
    import dataclasses

    from omegaconf import OmegaConf

    from ..api import _config
    from ..policies import FAMILIES

    policies = OmegaConf.to_object(_config(settings)).policies
    out = {}
    for family, module in FAMILIES.items():
        given = {k: v for k, v in vars(getattr(policies, family)).items() if v is not None}
        if given:
            out[family] = {k: v for k, v in dataclasses.asdict(module.Measure(**given)).items() if v is not None}
    return out


def export(
    row: pd.Series, lever_names: list[str], fixed: list[str], scenario: str, start: str, path: Path, command: str
) -> Path:
    """A scenario file: the base scenario with the policy's levers as measures from `start`."""
    import yaml

    from ..atomic import write_text

    policy = [*fixed, *(f"{n}={float(row[n])!r}" for n in lever_names)]  # the searched and the fixed levers
    outcomes = {k: float(v) for k, v in row.items() if k not in lever_names}
    doc = {
        "name": path.stem,
        "extends": scenario,
        "description": f"A Pareto policy of a robust search ({command}); evaluated: "
        + ", ".join(f"{k} = {v:.6g}" for k, v in outcomes.items()),
        "timeline": {start: measures(policy)},
    }
    return write_text(yaml.safe_dump(doc, sort_keys=False), path)


def rerun(scenario_file: Path, search_dir: Path, workers: int | None = None) -> dict[str, float]:
    """The objectives of an exported policy, rerun in the search's worlds with its settings."""
    from ..parallel import parallel_map

    info = json.loads((search_dir / "search.json").read_text())
    worlds = pd.read_parquet(search_dir / "worlds.parquet").drop(columns="world")
    base = [s for s in info["base_overrides"] if not s.startswith(("scenario=", "policies."))]  # in the file
    base = [f"scenario={Path(scenario_file).resolve()}", *base]
    outcomes = list(dict.fromkeys(o for o, _, _ in info["objectives"]))
    first, last = info["years"]
    jobs = [(base, {}, row.to_dict(), outcomes, first, last) for _, row in worlds.iterrows()]
    results = pd.DataFrame(parallel_map(run_world, jobs, workers))
    return {objective_name(o, d, s): float(STATS[s](results[o].to_numpy())) for o, d, s in info["objectives"]}


def parcoords(pareto: pd.DataFrame, lever_names: list[str], objectives, path: Path) -> Path:
    """Parallel coordinates of the Pareto set: levers then objectives, each axis on its own range."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic import save_figure

    columns = lever_names + [objective_name(*o) for o in objectives]
    data = pareto[columns].astype(float)
    lo, hi = data.min(), data.max()
    scaled = (data - lo) / (hi - lo).replace(0, 1)
    fig, ax = plt.subplots(figsize=(2.0 + 1.6 * len(columns), 4.5))
    colours = plt.cm.viridis(np.linspace(0, 1, max(len(data), 2)))
    order = data[columns[len(lever_names)]].rank(method="first").astype(int) - 1
    for k, (_, row) in enumerate(scaled.iterrows()):
        ax.plot(range(len(columns)), row.to_numpy(), color=colours[order.iloc[k]], alpha=0.8, lw=1.4)
    for j, c in enumerate(columns):
        ax.axvline(j, color="0.6", lw=0.8)
        ax.annotate(f"{hi[c]:.3g}", (j, 1.0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8)
        ax.annotate(f"{lo[c]:.3g}", (j, 0.0), xytext=(0, -12), textcoords="offset points", ha="center", fontsize=8)
    labels = [c.removeprefix("policies.").replace(".", ".\n", 1) for c in lever_names]
    labels += [f"{objective_name(*o)}\n({o[1]})" for o in objectives]
    ax.set_xticks(range(len(columns)), labels, fontsize=8)
    ax.set_yticks([])
    ax.set_ylim(-0.12, 1.1)
    ax.set_title(f"Pareto set: {len(data)} policies (levers | objectives; colour: first objective)")
    fig.tight_layout()
    path = save_figure(fig, path, dpi=110)
    plt.close(fig)
    return path
