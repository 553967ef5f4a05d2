"""Aggregate a sweep folder and draw its plots (the callback's work; also `python -m sim.analyze aggregate`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .aggregate import aggregate, setting_columns


def report(sweep_dir, sweep_cfg: dict) -> dict:
    sweep_dir = Path(sweep_dir)
    result = aggregate(sweep_dir, sweep_cfg.get("events") or {}, sweep_cfg.get("quantiles"))
    if not result["runs"] or not sweep_cfg.get("plots", True):
        return result
    from . import plots

    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    settings = result["settings"]
    keys = list(sweep_cfg.get("key_outcomes") or [])
    summary = _key_rows(sweep_dir / "summary.parquet", keys)
    figures = sweep_dir / "plots"
    plots.fan_charts(summary, settings, keys, figures)
    plots.distributions(runs, settings, keys, figures)
    plots.event_chart(pd.read_parquet(sweep_dir / "events.parquet"), settings, figures)
    return result


def _key_rows(path: Path, outcomes: list[str]) -> pd.DataFrame:
    """Only the key outcomes' rows of summary.parquet (it can be large)."""
    return pd.read_parquet(path, filters=[("outcome", "in", outcomes)]) if outcomes else pd.DataFrame()


__all__ = ["report", "setting_columns"]
