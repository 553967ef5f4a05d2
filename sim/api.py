"""The notebook API: run a scenario into DataFrames, evaluate levers to a dict of outcomes.

    from sim import run_scenario, evaluate
    tables = run_scenario("eu_derisk", seed=1, end="2030Q4")
    evaluate({"policies.export_controls.stringency": 1.0}, outcomes=["compute_access_CN"], year=2026)

Configs are composed exactly as `python -m sim` composes them (the same defaults, overrides and
checks); nothing is written to disk. Bad input raises `sim.errors.ConfigError` (a ValueError)
naming the key and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import ConfigError


@dataclass
class Tables:
    """A run's tables (docs/OUTPUTS.md describes every column); `tables["deals"]` works too."""

    timeseries: pd.DataFrame
    countries: pd.DataFrame
    deals: pd.DataFrame
    institutions: pd.DataFrame

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def _value(v: Any) -> str:
    """A Python value as Hydra override syntax (lists as [a,b], None as null)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_value(x) for x in v) + "]"
    return str(v)


def overrides(settings: Mapping[str, Any] | None = None, prefix: str = "") -> list[str]:
    """`{"policies": {"export_controls": {"stringency": 0.8}}, "end": "2030Q4"}` (nested or dotted keys)
    -> `["policies.export_controls.stringency=0.8", "end=2030Q4"]`."""
    out = []
    for key, value in (settings or {}).items():
        if isinstance(value, Mapping):
            out += overrides(value, f"{prefix}{key}.")
        else:
            out.append(f"{prefix}{key}={_value(value)}")
    return out


def _config(items: list[str]):
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from .compose import compose_config
    from .compose import one_line as _one_line

    for item in items:
        key = item.partition("=")[0]
        if key.startswith("hydra") or key.startswith(("+", "~")):
            raise ConfigError(key, "is not a model setting", "scenario, seed, end, scale, params.*, policies.*")
    try:
        return compose_config(items)
    except (HydraException, OmegaConfBaseException) as err:
        key, _, rest = _one_line(err).partition(": ")
        raise ConfigError(key, rest or "not allowed") from None


def _model(scenario: str, seed: int, scale: str, settings: list[str]):
    from .run import build_model

    cfg = _config([f"scenario={scenario}", f"seed={seed}", f"scale={scale}", *settings])
    model = build_model(cfg)
    model.run()
    return model


def run_scenario(scenario: str = "baseline", seed: int = 0, scale: str = "classroom", **settings) -> Tables:
    """Run one scenario and return its tables, writing nothing.

    `settings` are `python -m sim` overrides as keyword arguments: `end="2030Q4"`,
    `policies={"export_controls": {"stringency": 0.8}}`, or dotted keys through a dict:
    `**{"params.collaboration.tie_decay": 0.05}`.
    """
    model = _model(scenario, seed, scale, overrides(settings))
    tables = Tables(
        timeseries=model.recorder.timeseries(),
        countries=model.recorder.countries(),
        deals=model.recorder.deals(model),
        institutions=model.recorder.institutions(model),
    )
    model.release()
    return tables


def evaluate(
    levers: Mapping[str, Any],
    uncertainties: Mapping[str, Any] | None = None,
    outcomes: Iterable[str] | None = None,
    year: int | None = None,
    seed: int = 0,
    scenario: str = "baseline",
    scale: str = "classroom",
) -> dict[str, float]:
    """Outcomes (yearly means in `year`) of one run with these levers and uncertain parameters.

    `levers` and `uncertainties` map override keys to values (`"policies.export_controls.stringency"`,
    `"params.collaboration.tie_decay"`); they are kept apart for the caller's bookkeeping (EMA
    Workbench, SALib) and set the same way. `outcomes` default to the sweeps' key outcomes, `year`
    to the run's last full year; a run for an earlier year stops at that year's end.
    """
    settings = overrides(levers) + overrides(uncertainties)
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ConfigError("year", f"{year!r} is not allowed", "a calendar year, e.g. 2030")
        from . import periods
        from .run import prepare

        scen, _ = prepare(_config([f"scenario={scenario}", f"scale={scale}", *settings]))
        first, last = scen.start // 4, scen.end // 4 - (scen.end % 4 != 3)
        if not first <= year <= last:
            raise ConfigError("year", f"{year} is out of range", f"a full year of the run, {first} to {last}")
        if year < last and not any(s.startswith("end=") for s in settings):
            settings.append(f"end={periods.label(year * 4 + 3)}")  # nothing after `year` changes its outcomes
    model = _model(scenario, seed, scale, settings)
    ts = model.recorder.timeseries()
    model.release()
    if outcomes is None:
        outcomes = list(_config([]).sweep.key_outcomes)
    outcomes = list(outcomes)
    missing = [o for o in outcomes if o not in ts]
    if missing:
        raise ConfigError("outcomes", f"no column '{missing[0]}'", "timeseries columns (docs/OUTPUTS.md)")
    if year is None:
        counts = ts.groupby("year").size()
        year = int(counts[counts == 4].index.max())
    row = ts[ts["year"] == year]
    return {o: float(row[o].mean()) for o in outcomes}
