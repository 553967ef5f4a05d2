"""Scenario discovery with the EMA Workbench's PRIM: which lever ranges lead to an outcome of interest.

Cases are the sweep's runs (runs.parquet): the inputs are the parameters the sweep varied
(or `levers=`), the case of interest is the end-of-run outcome above (or below) a threshold.
Writes prim_trajectory.parquet (coverage, density, mass and restricted dimensions of every
box on the peeling trajectory), prim_box.parquet (the chosen box's limits with quasi-p-values,
most significant first) and plots/prim_tradeoff.png, plots/prim_box.png.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import write_parquet
from ..errors import ConfigError

NOT_INPUTS = ("run_id", "seed", "sample_row")


def _float(opts, key, default, lo=None, hi=None):
    try:
        value = float(opts.get(key, default))
        if (lo is not None and value < lo) or (hi is not None and value > hi) or value != value:
            raise ValueError
        return value
    except ValueError:
        allowed = "a number" + (f" in [{lo}, {hi}]" if lo is not None and hi is not None else "")
        raise ConfigError(key, f"'{opts.get(key)}' is not allowed", allowed) from None


def cases(sweep_dir: Path, outcome: str, threshold: float, direction: str, levers: list[str], year=None, window=None):
    """The inputs of each run and whether it is a case of interest (the outcome at the end of the run,
    in `year`, or averaged over `window`)."""
    from .when import run_values

    try:
        runs = run_values(sweep_dir, [outcome], year, window)
    except ConfigError as err:
        if err.key == "outcomes":
            raise ConfigError(
                "outcome", f"no column '{outcome}' in this sweep", "an outcome column of timeseries"
            ) from None
        raise
    inputs = levers or [
        c
        for c in runs.columns
        if c not in NOT_INPUTS
        and not c.startswith("event:")
        and c in _params(sweep_dir, runs)
        and runs[c].nunique(dropna=False) > 1
    ]
    for lever in inputs:
        if lever not in runs:
            raise ConfigError("levers", f"'{lever}' was not varied in this sweep", ", ".join(_params(sweep_dir, runs)))
    if not inputs:
        raise ConfigError("sweep", "varies no parameter", "a sweep over at least one lever")
    x = runs[inputs].copy()
    for c in x:
        if not pd.api.types.is_numeric_dtype(x[c]):
            x[c] = x[c].astype(str).astype("category")
        else:
            x[c] = x[c].astype(float)
    y = (runs[outcome] > threshold) if direction == "above" else (runs[outcome] < threshold)
    return x, y.to_numpy()


def _params(sweep_dir: Path, runs: pd.DataFrame) -> list[str]:
    """The parameter columns of runs.parquet: those of sweep.parquet that are not timeseries columns."""
    import pyarrow.parquet as pq

    names = pq.read_schema(sweep_dir / "sweep.parquet").names
    return [c for c in names[: names.index("period")] if c not in NOT_INPUTS]


def discover(x: pd.DataFrame, y: np.ndarray, density: float, peel_alpha: float, mass_min: float):
    logging.getLogger("EMA").setLevel(logging.WARNING)
    renamed = x.rename(columns={"scenario": "scenario_"})  # PRIM drops a column named "scenario"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional parallel back-ends on import
        from ema_workbench.analysis import prim

        p = prim.Prim(renamed, y, threshold=density, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
    trajectory = box.peeling_trajectory.reset_index(drop=True)
    ok = trajectory.index[trajectory["density"] >= density]
    chosen = int(trajectory.loc[ok, "coverage"].idxmax()) if len(ok) else int(trajectory["density"].idxmax())
    box.select(chosen)
    return box, trajectory, chosen


def box_table(box, chosen: int, x: pd.DataFrame) -> pd.DataFrame:
    """The chosen box: per input, its limits, the full range, and PRIM's quasi-p-value of the restriction."""
    limits = box.box_lims[chosen]
    qp = box.qp[chosen]
    rows = []
    for col in limits.columns:
        name = "scenario" if col == "scenario_" else col
        lo, hi = limits[col].iloc[0], limits[col].iloc[1]
        numeric = not isinstance(lo, set)
        full = (x[name].min(), x[name].max()) if numeric else (set(x[name].cat.categories), None)
        restricted = (lo, hi) != full if numeric else lo != full[0]
        q = [v for v in qp.get(col, []) if v >= 0]
        rows.append(
            {
                "lever": name,
                "min": float(lo) if numeric else np.nan,
                "max": float(hi) if numeric else np.nan,
                "values": "" if numeric else ",".join(sorted(map(str, lo))),
                "range_min": float(full[0]) if numeric else np.nan,
                "range_max": float(full[1]) if numeric else np.nan,
                "restricted": bool(restricted),
                "qp_value": min(q) if q else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    table = table.sort_values(["restricted", "qp_value"], ascending=[False, True], kind="stable", na_position="last")
    return table.reset_index(drop=True)


def main(opts: dict) -> None:
    for key in ("sweep", "outcome", "threshold"):
        if opts.get(key) in (None, ""):
            raise ConfigError(key, "missing", "sweep=DIR outcome=COLUMN threshold=NUMBER")
    direction = opts.get("direction", "above")
    if direction not in ("above", "below"):
        raise ConfigError("direction", f"'{direction}' is not allowed", "above, below")
    sweep_dir = Path(opts["sweep"])
    if not sweep_dir.is_dir():
        raise ConfigError("sweep", f"no folder {sweep_dir}", "a multirun folder (hydra.sweep.dir)")
    threshold = _float(opts, "threshold", None)
    levers = [v for v in opts.get("levers", "").split(",") if v]
    from .when import label, parse_window

    year, window = opts.get("year"), parse_window(opts.get("window"))
    x, y = cases(sweep_dir, opts["outcome"], threshold, direction, levers, year, window)
    if not y.any():
        raise ConfigError(
            "threshold",
            f"no run has {opts['outcome']} {direction} {threshold}",
            f"a threshold inside the sweep's range of {opts['outcome']}",
        )
    box, trajectory, chosen = discover(
        x,
        y,
        _float(opts, "density", 0.8, 0, 1),
        _float(opts, "peel_alpha", 0.05, 0.01, 0.5),
        _float(opts, "mass_min", 0.05, 0, 1),
    )
    table = box_table(box, chosen, x)
    trajectory.insert(0, "box", range(len(trajectory)))
    trajectory["chosen"] = trajectory["box"] == chosen
    write_parquet(
        trajectory[["box", "coverage", "density", "mass", "mean", "res_dim", "chosen"]],
        sweep_dir / "prim_trajectory.parquet",
    )
    write_parquet(table, sweep_dir / "prim_box.parquet")
    _plots(box, chosen, sweep_dir / "plots")
    stats = trajectory.loc[chosen]
    print(
        f"{int(y.sum())} of {len(y)} runs have {opts['outcome']} ({label(year, window)}) {direction} {threshold}; "
        f"box {chosen}: "
        f"coverage {stats['coverage']:.2f}, density {stats['density']:.2f}"
    )
    for _, r in table[table["restricted"]].iterrows():
        where = f"[{r['min']:.3g}, {r['max']:.3g}]" if r["values"] == "" else "{" + r["values"] + "}"
        print(f"  {r['lever']} in {where}  (qp {r['qp_value']:.2g})")
    print(f"-> {sweep_dir}/prim_box.parquet, prim_trajectory.parquet, plots/prim_tradeoff.png, plots/prim_box.png")


def _plots(box, chosen: int, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic import save_figure

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = box.show_tradeoff()
        save_figure(fig, out / "prim_tradeoff.png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        fig = box.inspect(chosen, style="graph")[0]
        fig = fig if hasattr(fig, "savefig") else fig[0].figure
        save_figure(fig, out / "prim_box.png", dpi=110, bbox_inches="tight")
        plt.close("all")
