"""The measurements behind `benchmarks/run.py`, each run in a fresh process.

`python benchmarks/tasks.py <task> [key=value ...]` prints one JSON line. A fresh
process per measurement keeps peak memory (RSS) and start-up honest.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()  # before any import: the start-up split counts from here

import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _entangle(factor: float, seed: int = 1, tables=None):
    """A function building an Entangle model at `factor` times realistic scale (baseline scenario) that will
    write `tables` (default all); the config is composed and validated beforehand, so a timer around the
    call counts only the model."""
    import logging

    from sim.compose import compose_config
    from sim.model import EntangleModel
    from sim.run import prepare

    logging.getLogger("MESA").setLevel(logging.WARNING)
    scenario, cfg = prepare(compose_config(["scenario=baseline", f"scale.factor={factor}", f"seed={seed}"]))
    kw = {} if tables is None else {"tables": tables}
    return lambda: EntangleModel(scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params, **kw)


def _time_steps(model, steps: int) -> tuple[float, float]:
    """Wall and CPU seconds of `steps` steps, starting from a clean heap (no garbage of earlier work)."""
    import gc

    gc.collect()
    t, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t, time.process_time() - cpu


def throughput(factor: float = 1.0, steps: int = 0, seed: int = 1, repeats: int = 3) -> dict:
    """Agent-steps per second: Entangle vs Mesa's Boltzmann wealth example, same agents, same steps.

    Both sides are timed `repeats` times, alternating (Entangle, Mesa, Entangle, ...), each on a
    freshly built model with the other side's model already freed, so neither pays for the
    other's objects in the garbage collector. Each side's figure is its best repeat (wall and CPU
    separately): on a shared machine the best is the repeat least disturbed by other work.
    Only stepping is timed, not building. The Boltzmann grid keeps the example's density
    (its default is 100 agents on 10 x 10 cells: one agent per cell).
    """
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

    build = _entangle(factor, seed)
    first = build()
    n_agents = len(first.agents)
    steps = steps or (first.scenario.end - first.scenario.start + 1)
    side = math.ceil(math.sqrt(n_agents))
    entangle, mesa = [], []
    for r in range(repeats):
        model, first = (first if r == 0 else build()), None
        entangle.append(_time_steps(model, steps))
        model = None  # freed before Mesa's run
        model = BoltzmannWealth(n=n_agents, width=side, height=side, seed=seed)
        mesa.append(_time_steps(model, steps))
        model = None
    t_entangle, cpu_entangle = min(t for t, _ in entangle), min(c for _, c in entangle)
    t_mesa, cpu_mesa = min(t for t, _ in mesa), min(c for _, c in mesa)
    return {
        "agents": n_agents,
        "steps": steps,
        "grid": side,
        "repeats": repeats,
        "t_entangle": t_entangle,
        "t_mesa": t_mesa,
        "cpu_entangle": cpu_entangle,
        "cpu_mesa": cpu_mesa,
        "t_entangle_all": [t for t, _ in entangle],
        "t_mesa_all": [t for t, _ in mesa],
        "entangle_agent_steps_per_s": n_agents * steps / t_entangle,
        "mesa_agent_steps_per_s": n_agents * steps / t_mesa,
        "ratio": t_mesa / t_entangle,
        "ratio_cpu": cpu_mesa / cpu_entangle,
    }


def scaling(factor: float = 1.0, repeats: int = 1, seed: int = 1) -> dict:
    """Wall time of a full run (2017Q1-2035Q4: build and all steps) and the process's peak RSS."""
    build = _entangle(factor, seed)
    best_build, best_run = math.inf, math.inf
    for _ in range(repeats):
        t = time.perf_counter()
        model = build()
        built = time.perf_counter()
        model.run()
        best_build, best_run = min(best_build, built - t), min(best_run, time.perf_counter() - built)
        n_agents, steps = len(model.agents), model.steps
        del model
    return {
        "factor": factor,
        "agents": n_agents,
        "steps": steps,
        "t_build": best_build,
        "t_run": best_run,
        "t_total": best_build + best_run,
        "peak_rss_mb": _peak_rss_mb(),
    }


def cli_split(out: str, scale: str = "realistic") -> dict:
    """`python -m sim scale=<scale>` in this process, with timers around its phases."""
    t_import = time.perf_counter()
    import sim.cli
    import sim.plots
    import sim.run
    from sim.model import EntangleModel

    phases = {"imports": time.perf_counter() - t_import}
    timed: dict[str, list[float]] = {}

    def wrap(owner, name, label):
        original = getattr(owner, name)

        def timed_call(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timed.setdefault(label, []).append(time.perf_counter() - t)

        setattr(owner, name, timed_call)

    wrap(sim.cli, "precheck", "precheck")
    wrap(sim.run, "run", "run")
    wrap(sim.run, "prepare", "prepare")
    wrap(sim.run, "write_parquet", "tables")
    wrap(sim.plots, "write_all", "plots")
    wrap(EntangleModel, "__init__", "build")
    wrap(EntangleModel, "run", "model")
    t_main = time.perf_counter()
    sim.cli.main([f"scale={scale}", f"hydra.run.dir={out}"])
    main_total = time.perf_counter() - t_main
    total = {k: sum(v) for k, v in timed.items()}
    prepare_in_run = timed["prepare"][-1]  # the last validation is run()'s own; the others are the precheck's
    hydra_compose = main_total - total["precheck"] - total["run"]
    phases["config"] = total["precheck"] + hydra_compose + prepare_in_run
    phases["precheck"] = total["precheck"]
    phases["build"] = total["build"]
    phases["model"] = total["model"]
    phases["plots"] = total.get("plots", 0.0)
    phases["tables"] = total["run"] - prepare_in_run - total["build"] - total["model"] - phases["plots"]
    phases["in_process_total"] = time.perf_counter() - T_START
    return phases


def _sweep_job(args) -> float:
    """One sweep run (the stand-in for Hydra's joblib launcher): compose, run, write tables."""
    seed, factor, out = args
    from sim.compose import compose_config
    from sim.run import run

    cfg = compose_config([f"scale.factor={factor}", f"seed={seed}", "output=tables_only"])
    t = time.perf_counter()
    run(cfg, Path(out) / str(seed))
    return time.perf_counter() - t


def pool_sweep(runs: int, factor: float, out: str, workers: int = 2) -> dict:
    """`runs` runs on a process pool of `workers`: used only when the joblib launcher is not installed."""
    from sim.parallel import parallel_map

    t = time.perf_counter()
    parallel_map(_sweep_job, [(s, factor, out) for s in range(runs)], workers)
    return {"runs": runs, "workers": workers, "t_total": time.perf_counter() - t}


TASKS = {"throughput": throughput, "scaling": scaling, "cli_split": cli_split, "pool_sweep": pool_sweep}


def _value(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


if __name__ == "__main__":
    task, *pairs = sys.argv[1:]
    kwargs = {k: _value(v) for k, v in (p.split("=", 1) for p in pairs)}
    print(json.dumps(TASKS[task](**kwargs)))
