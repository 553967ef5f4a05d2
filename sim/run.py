"""Run one scenario from a resolved config and write its outputs, atomically, into a folder."""

from __future__ import annotations

import dataclasses
import functools
import time
import typing
from pathlib import Path
from typing import TYPE_CHECKING

from omegaconf import DictConfig, OmegaConf

from . import __version__, marker, periods, simd
from .atomic import write_csv, write_json, write_parquet
from .config import EntangleConfig
from .errors import ConfigError
from .limits import check_population
from .policies import FAMILIES
from .scenario import Scenario, load, parse_measures
from .schema import check

if TYPE_CHECKING:
    from .fork import Histories
    from .model import EntangleModel


def prepare(cfg) -> tuple[Scenario, EntangleConfig]:
    """Validate everything (config, scenario, command-line levers) before anything is written."""
    if not isinstance(cfg, EntangleConfig):
        _refuse_unknown_keys(cfg, EntangleConfig, "")
        cfg = OmegaConf.to_object(cfg)
    check(cfg)
    if isinstance(cfg.seed, bool) or not isinstance(cfg.seed, int) or cfg.seed < 0:
        raise ConfigError("seed", f"{cfg.seed} is not allowed", "a non-negative integer")
    scenario = load(cfg.scenario, cfg.end)
    check_population(scenario.bloc_specs, cfg.scale.factor)
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


def _refuse_unknown_keys(node, cls, prefix: str) -> None:
    """A key outside the schema (`+params.collaboration.tie_decayy=0.05`, `+x._target_=...`) is an error.

    Hydra's `+` appends keys that the structured config would otherwise carry along unread.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = _type_hints(cls)
    for key in node.keys():
        if key not in fields:
            raise ConfigError(f"{prefix}{key}", "unknown key", ", ".join(fields))
        child = node._get_node(key)
        if dataclasses.is_dataclass(hints[key]) and isinstance(child, DictConfig):
            _refuse_unknown_keys(child, hints[key], f"{prefix}{key}.")


@functools.cache
def _type_hints(cls) -> dict:
    """A schema class's resolved annotations (each call of `typing.get_type_hints` compiles every
    string annotation again: ~240 a run; the classes do not change within a process)."""
    return typing.get_type_hints(cls)


def build_model(cfg) -> EntangleModel:
    from .model import EntangleModel  # Mesa is imported only where a model is built (not by the precheck)

    scenario, cfg = prepare(cfg)
    return EntangleModel(scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params)


def run(
    cfg,
    out_dir: str | Path,
    progress=None,
    overrides: list[str] | None = None,
    digest: str | None = None,
    histories: Histories | None = None,
    more: bool = False,
) -> dict:
    """Run the model and write the tables, summary and plots into `out_dir`, then its marker `done.json`.

    `overrides` (for summary.json) default to the command line's when Hydra runs this, else none.
    `digest` is the marker's config hash (a sweep job computes it before deciding to run).
    `histories`: a sweep job's shared history (sim/fork.py), which builds the model or forks it from a
    snapshot; `more`: whether later runs of the job may share this run's history.
    """
    scenario, checked = prepare(cfg)
    digest = digest or marker.config_hash(cfg)
    with marker.writing(out_dir) as out:
        marker.begin(out)  # before the first write: no earlier run's files, no marker until the last
        return _run(scenario, checked, out, digest, progress, overrides, histories, more)


def _run(scenario: Scenario, cfg, out: Path, digest: str, progress, overrides, histories=None, more=False) -> dict:
    from .model import EntangleModel

    t0 = time.perf_counter()
    # Built knowing the tables it will write: what only the others read is not computed (sweeps keep one).
    if histories is not None:
        model = histories.build(scenario, cfg, more)
    else:
        model = EntangleModel(
            scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params, tables=cfg.output.tables
        )
    model.run(progress)
    t_model = time.perf_counter() - t0
    ts = model.recorder.timeseries()
    build = {
        "timeseries": lambda: ts,
        "countries": model.recorder.countries,
        "deals": lambda: model.recorder.deals(model),
        "institutions": lambda: model.recorder.institutions(model),
        "policy_events": model.governments.table,
    }
    tables = {name: build[name]() for name in cfg.output.tables}  # only those written (a sweep may keep one)
    model.release()
    written = []
    for name in cfg.output.tables:
        written.append(write_parquet(tables[name], out / f"{name}.parquet"))
        if cfg.output.csv:
            written.append(write_csv(tables[name], out / f"{name}.csv"))
    summary = summarize(ts, scenario, cfg, command_line_overrides() if overrides is None else overrides)
    written.append(write_json(summary, out / "summary.json"))
    if cfg.output.plots:
        from .plots import Story, dated_measures, write_all

        written += write_all(ts, scenario.blocs, out, scenario.name, cfg.output.dpi, Story(dated_measures(scenario)))
    marker.finish(out, digest, [Path(p).name for p in written])
    summary["_seconds_model"] = t_model
    return summary


def command_line_overrides() -> list[str]:
    """The overrides of the run Hydra is running now (none outside a Hydra job)."""
    from hydra.core.hydra_config import HydraConfig

    return list(HydraConfig.get().overrides.task) if HydraConfig.initialized() else []


# summary.json, key by key, for docs/OUTPUTS.md: (key, unit, meaning).
SUMMARY_KEYS = [
    ("overrides", "list of text", "the command-line overrides the run was started with (also in the folder name)"),
    ("scenario", "text", "the scenario's name"),
    ("scenario_file", "path", "the scenario file it was read from"),
    ("seed", "integer", "the seed all randomness flows from"),
    ("scale", "text", "the scale's name (realistic, classroom)"),
    ("scale_factor", "agents per real-world actor", "what scaled counts are divided by"),
    ("version", "text", "Entangle's version"),
    ("simd", "text", "NumPy's SIMD code paths in the run (sim/simd.py): the same paths give the same tables"),
    ("start", "period", "first quarter run"),
    ("end", "period", "last quarter run"),
    ("blocs", "list of bloc codes", "the blocs of the run, in the model's order"),
    ("outcomes_last_year", "as the column", "every timeseries outcome's mean over the run's last year"),
]


def summarize(ts, scenario: Scenario, cfg, overrides=()) -> dict:
    """End-of-run outcomes (last year's mean of each outcome) and the run's identity."""
    outcomes = end_means(ts)
    return {
        "overrides": [str(o) for o in overrides],
        "scenario": scenario.name,
        "scenario_file": scenario.source,
        "seed": cfg.seed,
        "scale": cfg.scale.name,
        "scale_factor": cfg.scale.factor,
        "version": __version__,
        "simd": simd.level(),
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
