"""Which time an analysis reads: the end of the run, one year, or the mean over a window of years.

End-of-run values hide effects that fade or saturate (Morris on export-control stringency gives
μ* = 0 for China's compute access in 2035, when access has reached 1.0 with or without controls,
while in 2025 it is 0.72 against 1.0). Sensitivity, PRIM, robustness and compare read the same
per-run values through `run_values`, from the sweep's `sweep.parquet` (yearly means of the
quarterly rows, computed out of core by DuckDB).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import ConfigError


def parse_window(value) -> tuple[int, int] | None:
    """`[2025,2030]` (a list from Hydra, or the text `2025,2030` / `2025-2030`) -> (2025, 2030)."""
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        parts = value.strip("[]() ").replace("-", ",").replace(":", ",").split(",")
    else:
        parts = list(value)
    try:
        first, last = (int(p) for p in parts)
    except (TypeError, ValueError):
        raise ConfigError("window", f"'{value}' is not allowed", "two years, first <= last, e.g. [2025,2030]") from None
    if first > last:
        raise ConfigError("window", f"'{value}' is not allowed", "two years, first <= last, e.g. [2025,2030]")
    return first, last


def label(year: int | None, window: tuple[int, int] | None) -> str:
    if window is not None:
        return f"mean {window[0]}-{window[1]}"
    return "end of run" if year is None else str(year)


def years_of(sweep_dir: Path) -> list[int]:
    """The calendar years every run of the sweep covers in full (all four quarters)."""
    import duckdb

    path = str(Path(sweep_dir) / "sweep.parquet")
    rows = duckdb.sql(
        f"SELECT year, min(n) FROM (SELECT run_id, year, count(*) AS n FROM read_parquet('{path}') "
        "GROUP BY run_id, year) GROUP BY year HAVING min(n) = 4 "
        f"AND count(*) = (SELECT count(DISTINCT run_id) FROM read_parquet('{path}')) ORDER BY year"
    ).fetchall()
    return [int(r[0]) for r in rows]


def run_values(
    sweep_dir: Path, outcomes: list[str], year: int | None = None, window: tuple[int, int] | None = None
) -> pd.DataFrame:
    """One row per run (run_id): each outcome at the end of the run (runs.parquet), in `year`, or
    averaged over the years of `window` (the mean of the yearly means)."""
    from ..sweep.report import load_runs

    runs = load_runs(sweep_dir)
    for outcome in outcomes:
        if outcome not in runs:
            raise ConfigError("outcomes", f"no column '{outcome}' in this sweep", "an outcome column of timeseries")
    if year is None and window is None:
        return runs
    if year is not None and window is not None:
        raise ConfigError("year", "given with window", "either year=YYYY or window=[FIRST,LAST]")
    first, last = window if window is not None else (year, year)
    available = years_of(sweep_dir)
    key = "window" if window is not None else "year"
    if not available or first < available[0] or last > available[-1]:
        span = f"{available[0]} to {available[-1]}" if available else "none"
        raise ConfigError(key, f"{first if year is None else year} is out of range", f"full years of every run: {span}")
    import duckdb

    path = str(Path(sweep_dir) / "sweep.parquet")
    cols = ", ".join(f'avg("{o}") AS "{o}"' for o in outcomes)
    yearly = (
        f"SELECT run_id, year, {cols} FROM read_parquet('{path}') "
        f"WHERE year BETWEEN {first} AND {last} GROUP BY run_id, year"
    )
    outer = ", ".join(f'avg("{o}") AS "{o}"' for o in outcomes)
    values = duckdb.sql(f"SELECT run_id, {outer} FROM ({yearly}) GROUP BY run_id").df()
    return runs.drop(columns=outcomes).merge(values, on="run_id", how="left")


def yearly_values(sweep_dir: Path, outcomes: list[str]) -> pd.DataFrame:
    """One row per run and full year: the outcomes' yearly means (for indices over time)."""
    import duckdb

    from ..sweep.report import load_runs

    runs = load_runs(sweep_dir)
    path = str(Path(sweep_dir) / "sweep.parquet")
    cols = ", ".join(f'avg("{o}") AS "{o}"' for o in outcomes)
    values = duckdb.sql(f"SELECT run_id, year, {cols} FROM read_parquet('{path}') GROUP BY run_id, year").df()
    values = values[values["year"].isin(years_of(sweep_dir))]
    params = runs.drop(columns=[c for c in runs.columns if c in outcomes or c.startswith("event:")])
    return params.merge(values, on="run_id").sort_values(["year", "run_id"], kind="stable").reset_index(drop=True)
