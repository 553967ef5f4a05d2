"""Aggregate a sweep folder and draw its plots (the callback's work; also `python -m sim.analyze aggregate`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .aggregate import aggregate


def report(sweep_dir, sweep_cfg: dict, csv: bool = False) -> dict:
    sweep_dir = Path(sweep_dir)
    with_summary = sweep_cfg.get("summary", True)
    result = aggregate(
        sweep_dir, sweep_cfg.get("events") or {}, sweep_cfg.get("quantiles"), csv=csv, summary=with_summary
    )
    if not result["runs"] or not sweep_cfg.get("plots", True):
        return result
    from . import plots

    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    settings = result["settings"]
    keys = list(sweep_cfg.get("key_outcomes") or [])
    figures = sweep_dir / "plots"
    if with_summary:  # the fan charts are drawn from its quantiles
        plots.fan_charts(_key_rows(sweep_dir / "summary.parquet", keys), settings, keys, figures)
    plots.distributions(runs, settings, keys, figures)
    plots.event_chart(pd.read_parquet(sweep_dir / "events.parquet"), settings, figures)
    return result


def _key_rows(path: Path, outcomes: list[str]) -> pd.DataFrame:
    """Only the key outcomes' rows of summary.parquet (it can be large)."""
    return pd.read_parquet(path, filters=[("outcome", "in", outcomes)]) if outcomes else pd.DataFrame()


def sweep_settings(sweep_dir) -> dict:
    """The `sweep` section the sweep ran with (its multirun.yaml), else the configured default."""
    from omegaconf import OmegaConf

    from ..errors import ConfigError

    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise ConfigError("sweep", f"no folder {sweep_dir}", "a multirun folder (hydra.sweep.dir)")
    saved = sweep_dir / "multirun.yaml"
    if saved.is_file():
        section = OmegaConf.select(OmegaConf.load(saved), "sweep")
        if section is not None:
            return OmegaConf.to_container(section, resolve=False)
    from ..compose import compose_config

    return OmegaConf.to_container(compose_config([]).sweep, resolve=True)


def report_dir(sweep_dir) -> dict:
    from omegaconf import OmegaConf

    saved = Path(sweep_dir) / "multirun.yaml"  # CSV copies again if the sweep made them (its output.csv)
    csv = saved.is_file() and OmegaConf.select(OmegaConf.load(saved), "output.csv", default=False) is True
    return report(sweep_dir, sweep_settings(sweep_dir), csv=csv)


def load_runs(sweep_dir) -> pd.DataFrame:
    """runs.parquet of a sweep folder, aggregating it first if the sweep ended without that."""
    from ..errors import ConfigError

    path = Path(sweep_dir) / "runs.parquet"
    if not path.is_file() and not report_dir(sweep_dir)["runs"]:
        raise ConfigError("sweep", f"{sweep_dir} holds no finished run", "a folder a multirun has written into")
    return pd.read_parquet(path)
