"""Global sensitivity of outcomes to the levers with SALib: Sobol (Saltelli sampling) and Morris.

The sample is a file in the sweep folder (sample.parquet, one row per lever setting, and
problem.json); `python -m sim --multirun sweep.sample=... 'sweep.row=range(0,N)'` runs it
through any launcher (each job sets its row's levers), so resume and aggregation are those
of every sweep. The outcome of a row is its end-of-run value (last year's mean), averaged
over the seeds the sweep ran (common random numbers across rows when one seed is given).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import write_json, write_parquet
from ..errors import ConfigError
from .when import label, parse_window

METHODS = ("sobol", "morris", "latin")


def parse_levers(text: str) -> dict:
    """`KEY:LO:HI,KEY:LO:HI` -> {"names": [...], "bounds": [[lo, hi], ...]}."""
    names, bounds = [], []
    for item in filter(None, (t.strip() for t in text.split(","))):
        parts = item.split(":")
        try:
            lo, hi = float(parts[1]), float(parts[2])
            if len(parts) != 3 or not lo < hi:
                raise ValueError
        except (ValueError, IndexError):
            raise ConfigError("levers", f"'{item}' is not allowed", "KEY:LO:HI with LO < HI, comma-separated") from None
        names.append(parts[0])
        bounds.append([lo, hi])
    if not names:
        raise ConfigError("levers", "missing", "KEY:LO:HI,... e.g. policies.export_controls.stringency:0:1")
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def make_sample(opts: dict) -> tuple[dict, np.ndarray]:
    method = opts.get("method", "sobol")
    if method not in METHODS:
        raise ConfigError("method", f"'{method}' is not allowed", ", ".join(METHODS))
    problem = parse_levers(opts.get("levers", ""))
    n = _int(opts, "n", 64 if method == "sobol" else 10)
    problem.update(
        method=method,
        n=n,
        sample_seed=_int(opts, "sample_seed", 0, lo=0),
        levels=_int(opts, "levels", 4),
        second_order=bool(opts.get("second_order", False)),
    )
    if method == "sobol":
        from SALib.sample import sobol

        x = sobol.sample(_salib(problem), n, calc_second_order=problem["second_order"], seed=problem["sample_seed"])
    elif method == "morris":
        from SALib.sample import morris

        x = morris.sample(_salib(problem), n, num_levels=problem["levels"], seed=problem["sample_seed"])
    else:
        from SALib.sample import latin

        x = latin.sample(_salib(problem), n, seed=problem["sample_seed"])
    return problem, x


def _int(opts, key, default, lo=1):
    try:
        value = int(opts.get(key, default))
        if value < lo:
            raise ValueError
        return value
    except ValueError:
        raise ConfigError(key, f"'{opts[key]}' is not allowed", f"an integer >= {lo}") from None


def _salib(problem: dict) -> dict:
    return {k: problem[k] for k in ("num_vars", "names", "bounds")}


def write_sample(sweep_dir: Path, problem: dict, x: np.ndarray) -> Path:
    """Write sample.parquet and problem.json; an existing identical sample is kept (resume)."""
    saved = sweep_dir / "problem.json"
    if saved.is_file():
        if json.loads(saved.read_text()) != problem:
            raise ConfigError("sweep", f"{sweep_dir} holds a different sample", "a new folder, or the same options")
        return sweep_dir / "sample.parquet"
    write_parquet(pd.DataFrame(x, columns=problem["names"]), sweep_dir / "sample.parquet")
    write_json(problem, saved)
    return sweep_dir / "sample.parquet"


def run_sample(sweep_dir: Path, rows: int, overrides: list[str]) -> None:
    """Run every row through `python -m sim --multirun` (its launcher, resume and aggregate)."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "--multirun",
        f"hydra.sweep.dir={sweep_dir}",
        f"sweep.sample={sweep_dir / 'sample.parquet'}",
        f"sweep.row=range(0,{rows})",
        *overrides,
    ]
    print("running:", " ".join(cmd[1:]), flush=True)
    if subprocess.run(cmd).returncode != 0:
        sys.exit(2)


def indices(sweep_dir: Path, outcomes: list[str], year: int | None = None, window=None) -> pd.DataFrame:
    """Sensitivity indices of each outcome to each lever, from a finished sampled sweep: of the
    end-of-run value, the value in `year`, or the mean over `window` (sim/analyze/when.py)."""
    from .when import run_values

    runs = run_values(sweep_dir, outcomes, year, window)
    table = _indices_of(sweep_dir, runs, outcomes)
    table.insert(2, "when", label(year, window))
    return table


def indices_over_time(sweep_dir: Path, outcomes: list[str]) -> pd.DataFrame:
    """The indices of every full year of the runs (one block of rows per year)."""
    from .when import yearly_values

    values = yearly_values(sweep_dir, outcomes)
    frames = []
    for year, runs in values.groupby("year", sort=True):
        table = _indices_of(sweep_dir, runs, outcomes)
        table.insert(2, "year", int(year))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def _indices_of(sweep_dir: Path, runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    problem = json.loads((sweep_dir / "problem.json").read_text())
    if problem["method"] not in ("sobol", "morris"):
        raise ConfigError(
            "method", f"a {problem['method']} sample has no sensitivity indices", "sobol, morris (use discover on it)"
        )
    x = pd.read_parquet(sweep_dir / "sample.parquet").to_numpy()
    frames = [_indices(problem, x, in_sample_order(runs, outcome, len(x)), outcome) for outcome in outcomes]
    return pd.concat(frames, ignore_index=True)


def in_sample_order(runs: pd.DataFrame, outcome: str, rows: int) -> np.ndarray:
    """One value per sample row, in the sample's order (SALib's analyses read position), averaged over
    the seeds the sweep ran; every row must have a finished run."""
    if outcome not in runs:
        raise ConfigError("outcomes", f"no column '{outcome}' in this sweep", "an outcome column of timeseries")
    y = runs.groupby("sample_row")[outcome].mean().reindex(range(rows))
    if y.isna().any():
        raise ConfigError(
            "sweep",
            f"{int(y.isna().sum())} of {rows} sample rows have no finished run",
            "rerun the same command to finish the sweep",
        )
    return y.to_numpy(dtype=float)


def sobol_indices(problem: dict, y: np.ndarray, seed: int = 0, second_order: bool = False) -> dict[str, np.ndarray]:
    """SALib's first-order and total Sobol indices (S1, S1_conf, ST, ST_conf, one value per input) of
    outputs `y` of a Saltelli/Sobol design, in sample order. A constant outcome gets 0 everywhere
    (no variance to apportion; SALib would divide by zero). The bootstrap intervals are reproducible
    from `seed` (SALib falls back to numpy's global generator for seed 0)."""
    columns = ("S1", "S1_conf", "ST", "ST_conf")
    if np.ptp(y) == 0:
        return {c: np.zeros(problem["num_vars"]) for c in columns}
    from SALib.analyze import sobol

    state = np.random.get_state()
    np.random.seed(seed)
    try:
        si = sobol.analyze(_salib(problem), y, calc_second_order=second_order, seed=seed)
    finally:
        np.random.set_state(state)
    return {c: np.asarray(si[c], dtype=float) for c in columns}


def _indices(problem: dict, x: np.ndarray, y: np.ndarray, outcome: str) -> pd.DataFrame:
    seed = problem["sample_seed"]
    if problem["method"] == "sobol":
        si = sobol_indices(problem, y, seed, problem["second_order"])
        columns = ("S1", "S1_conf", "ST", "ST_conf")
        rank_by = "ST"
    elif problem["method"] == "morris":
        from SALib.analyze import morris

        si = morris.analyze(_salib(problem), x, y, num_levels=problem["levels"], seed=seed)
        columns = ("mu", "mu_star", "mu_star_conf", "sigma")
        rank_by = "mu_star"
    else:
        raise ConfigError("method", "a latin sample has no sensitivity indices", "sobol, morris (use discover)")
    table = pd.DataFrame(
        {
            "method": problem["method"],
            "outcome": outcome,
            "lever": problem["names"],
            **{c: np.asarray(si[c], dtype=float) for c in columns},
        }
    )
    table["rank"] = table[rank_by].rank(ascending=False, method="first").astype(int)
    return table.sort_values("rank", kind="stable")


def bar_plot(table: pd.DataFrame, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic import save_figure

    paths = []
    for outcome, t in table.groupby("outcome", sort=False):
        sobol = t["method"].iloc[0] == "sobol"
        bars = [("S1", "S1_conf"), ("ST", "ST_conf")] if sobol else [("mu_star", "mu_star_conf")]
        fig, ax = plt.subplots(figsize=(7, 1.5 + 0.45 * len(t)))
        height = 0.8 / len(bars)
        for k, (col, conf) in enumerate(bars):
            y = np.arange(len(t)) + k * height
            ax.barh(y, t[col], height=height, xerr=t[conf], capsize=3, label=col)
        ax.set_yticks(np.arange(len(t)) + 0.4 - height / 2, [lv.removeprefix("policies.") for lv in t["lever"]])
        ax.invert_yaxis()
        when = f", {t['when'].iloc[0]}" if "when" in t else ""
        ax.set_title(f"{outcome}: {'Sobol indices' if sobol else 'Morris μ*'}{when} (95% intervals)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        paths.append(save_figure(fig, out / f"sensitivity_{outcome}.png", dpi=110))
        plt.close(fig)
    return paths


def time_plot(table: pd.DataFrame, out: Path) -> list[Path]:
    """Per outcome, each lever's index (ST or μ*) by year, with its 95% interval as a band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from ..atomic import save_figure

    paths = []
    for outcome, t in table.groupby("outcome", sort=False):
        sobol = t["method"].iloc[0] == "sobol"
        col, conf = ("ST", "ST_conf") if sobol else ("mu_star", "mu_star_conf")
        fig, ax = plt.subplots(figsize=(7.5, 4))
        for lever, rows in t.groupby("lever", sort=False):
            rows = rows.sort_values("year")
            line = ax.plot(rows["year"], rows[col], marker="o", ms=3, label=lever.removeprefix("policies."))[0]
            ax.fill_between(
                rows["year"], rows[col] - rows[conf], rows[col] + rows[conf], color=line.get_color(), alpha=0.15
            )
        ax.set_xlabel("year")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("total-order index ST" if sobol else "Morris μ*")
        ax.set_title(f"{outcome}: {'Sobol ST' if sobol else 'Morris μ*'} by year (95% intervals)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        paths.append(save_figure(fig, out / f"sensitivity_time_{outcome}.png", dpi=110))
        plt.close(fig)
    return paths


def main(command: str, opts: dict, overrides: list[str]) -> None:
    sweep = opts.get("sweep")
    sweep_dir = Path(sweep or f"results/sensitivity/{time.strftime('%Y-%m-%d_%H-%M-%S')}_{opts.get('method', 'sobol')}")
    if command == "sample" or opts.get("levers"):
        problem, x = make_sample(opts)
        _precheck(problem, overrides)
        write_sample(sweep_dir.resolve(), problem, x)
        print(f"{len(x)} sample rows in {sweep_dir}/sample.parquet")
        if command == "sample":
            print(
                f"run them: python -m sim --multirun hydra.sweep.dir={sweep_dir} "
                f"sweep.sample={sweep_dir}/sample.parquet 'sweep.row=range(0,{len(x)})' [overrides]"
            )
            return
        run_sample(sweep_dir.resolve(), len(x), overrides)
    elif not sweep:
        raise ConfigError("levers", "missing", "KEY:LO:HI,... (or sweep=DIR of a sampled sweep)")
    elif overrides:
        raise ConfigError(overrides[0].partition("=")[0], "unknown option", "sweep, outcomes (or levers=... to run)")
    if not (sweep_dir / "problem.json").is_file():
        raise ConfigError("sweep", f"{sweep_dir} holds no sample", "a folder made by sim.analyze sensitivity/sample")
    outcomes = [o for o in opts.get("outcomes", "").split(",") if o]
    if not outcomes:
        raise ConfigError("outcomes", "missing", "outcome columns, comma-separated, e.g. compute_access_CN")
    year, window = opts.get("year"), parse_window(opts.get("window"))
    table = indices(sweep_dir, outcomes, year, window)
    write_parquet(table, sweep_dir / "sensitivity.parquet")
    bar_plot(table, sweep_dir / "plots")
    if opts.get("over_time"):
        over_time = indices_over_time(sweep_dir, outcomes)
        write_parquet(over_time, sweep_dir / "sensitivity_time.parquet")
        time_plot(over_time, sweep_dir / "plots")
        print(f"-> {sweep_dir}/sensitivity_time.parquet, {sweep_dir}/plots/sensitivity_time_*.png")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(f"-> {sweep_dir}/sensitivity.parquet, {sweep_dir}/plots/sensitivity_*.png")


def _precheck(problem: dict, overrides: list[str]) -> None:
    """Every lever at both bounds must be a valid config before anything runs."""
    from ..compose import precheck

    keys = {o.partition("=")[0].lstrip("+~") for o in overrides}
    for name in problem["names"]:
        if name in keys:
            raise ConfigError(name, "is both sampled and set", "sample it or set it, not both")
    lo_hi = [f"{n}={lo},{hi}" for n, (lo, hi) in zip(problem["names"], problem["bounds"])]
    precheck([o for o in overrides if not o.startswith("hydra")] + lo_hi)
