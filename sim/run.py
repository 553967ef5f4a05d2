"""Run one scenario from a resolved config and write its outputs, atomically, into a folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from omegaconf import OmegaConf

from . import __version__, periods
from .atomic import write_json, write_parquet
from .config import EntangleConfig
from .errors import ConfigError
from .policies import FAMILIES
from .scenario import Scenario, load, parse_measures
from .schema import check

if TYPE_CHECKING:
    from .model import EntangleModel


def prepare(cfg) -> tuple[Scenario, EntangleConfig]:
    """Validate everything (config, scenario, command-line levers) before anything is written."""
    cfg = cfg if isinstance(cfg, EntangleConfig) else OmegaConf.to_object(cfg)
    check(cfg)
    if isinstance(cfg.seed, bool) or not isinstance(cfg.seed, int) or cfg.seed < 0:
        raise ConfigError("seed", f"{cfg.seed} is not allowed", "a non-negative integer")
    scenario = load(cfg.scenario, cfg.end)
    start = periods.parse(cfg.policies.start, "policies.start")
    for family in FAMILIES:
        lever = getattr(cfg.policies, family)
        given = {k: v for k, v in vars(lever).items() if v is not None}
        if not given:
            continue
        key = f"policies.{family}"
        if not scenario.start <= start <= scenario.end:
            raise ConfigError(
                "policies.start",
                f"{cfg.policies.start} lies outside the run",
                f"{periods.label(scenario.start)} to {periods.label(scenario.end)}",
            )
        for m in parse_measures(family, given, scenario.blocs, key):
            scenario.add(start, family, m, key)
    return scenario, cfg


def build_model(cfg) -> EntangleModel:
    from .model import EntangleModel  # Mesa is imported only where a model is built (not by the precheck)

    scenario, cfg = prepare(cfg)
    return EntangleModel(scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params)


def run(cfg, out_dir: str | Path, progress=None) -> dict:
    """Run the model and write the tables, summary and plots into `out_dir`."""
    from .model import EntangleModel

    scenario, cfg = prepare(cfg)
    out = Path(out_dir)
    t0 = time.perf_counter()
    model = EntangleModel(scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params)
    model.run(progress)
    t_model = time.perf_counter() - t0
    ts = model.recorder.timeseries()
    tables = {
        "timeseries": ts,
        "countries": model.recorder.countries(),
        "deals": model.recorder.deals(model),
        "institutions": model.recorder.institutions(model),
        "policy_events": model.governments.table(),
    }
    model.release()
    for name in cfg.output.tables:
        write_parquet(tables[name], out / f"{name}.parquet")
    summary = summarize(ts, scenario, cfg)
    write_json(summary, out / "summary.json")
    if cfg.output.plots:
        from .plots import write_all

        write_all(ts, scenario.blocs, out, scenario.name, cfg.output.dpi)
    summary["_seconds_model"] = t_model
    return summary


def summarize(ts, scenario: Scenario, cfg) -> dict:
    """End-of-run outcomes (last year's mean of each outcome) and the run's identity."""
    outcomes = end_means(ts)
    return {
        "scenario": scenario.name,
        "scenario_file": scenario.source,
        "seed": cfg.seed,
        "scale": cfg.scale.name,
        "scale_factor": cfg.scale.factor,
        "version": __version__,
        "start": periods.label(scenario.start),
        "end": periods.label(scenario.end),
        "blocs": scenario.blocs,
        "outcomes_last_year": outcomes,
    }


def end_means(ts) -> dict[str, float]:
    """Each outcome's mean over the run's last year (what summaries and sweeps report at the end)."""
    last_year = ts[ts["year"] == ts["year"].max()]
    means = last_year.drop(columns=[c for c in ("period", "year", "quarter") if c in ts]).mean()
    return {c: float(v) for c, v in means.items()}
