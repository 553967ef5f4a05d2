"""Uncertainties versus levers (EMA's XLRM): what nobody controls, sampled into states of the world.

An uncertainty is a `params.*` key with a plausible range and a stated reason (the config group
`configs/uncertainties/`); a lever is a `policies.*` key, what a government sets. The two never
overlap: a robustness sweep evaluates every lever setting in every sampled state of the world,
and its outputs name each column's role (`roles.csv`, `experiments.parquet`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..schema import spec

SAMPLERS = ("latin", "sobol")


@dataclass
class Uncertainty:
    key: str = spec("", source="a params.* key of the model config (docs/PARAMETERS.md)")
    lo: float = spec(0.0, source="lower end of the plausible range")
    hi: float = spec(1.0, source="upper end of the plausible range")
    reason: str = spec("", source="why nobody knows this value, and why this range")


def check(uncertainties: dict) -> dict[str, Uncertainty]:
    """Every uncertainty names a model parameter (not a lever), a range lo < hi, and a reason."""
    if not uncertainties:
        raise ConfigError("uncertainties", "empty", "at least one entry of configs/uncertainties/<name>.yaml")
    keys = {}
    for name, u in uncertainties.items():
        where = f"uncertainties.{name}"
        if not u.key.startswith("params."):
            allowed = "a params.* key (levers, policies.*, are set, not sampled)"
            raise ConfigError(f"{where}.key", f"'{u.key}' is not allowed", allowed)
        if not u.lo < u.hi:
            raise ConfigError(f"{where}.lo", f"{u.lo} is not below hi={u.hi}", "lo < hi")
        if not u.reason.strip():
            raise ConfigError(f"{where}.reason", "missing", "why the value is uncertain and the range plausible")
        if u.key in keys:
            raise ConfigError(f"{where}.key", f"'{u.key}' is also {keys[u.key]}", "each parameter once")
        keys[u.key] = where
    return dict(uncertainties)


def problem(uncertainties: dict[str, Uncertainty]) -> dict:
    """SALib's problem dict (names are the override keys)."""
    return {
        "num_vars": len(uncertainties),
        "names": [u.key for u in uncertainties.values()],
        "bounds": [[float(u.lo), float(u.hi)] for u in uncertainties.values()],
    }


def sample(uncertainties: dict[str, Uncertainty], n: int, sampler: str = "latin", seed: int = 0) -> pd.DataFrame:
    """States of the world, one row each, columns the parameters' keys: `n` Latin-hypercube rows, or a
    Sobol (Saltelli) design of n × (uncertainties + 2) rows whose outcomes SALib can decompose.
    The same `seed` gives the same rows."""
    if sampler not in SAMPLERS:
        raise ConfigError("sampler", f"'{sampler}' is not allowed", ", ".join(SAMPLERS))
    p = problem(uncertainties)
    if sampler == "latin":
        from SALib.sample import latin

        x = latin.sample(p, n, seed=seed)
    else:
        from SALib.sample import sobol

        x = sobol.sample(p, n, calc_second_order=False, seed=seed)
    return pd.DataFrame(np.asarray(x, dtype=float), columns=p["names"])


def roles(uncertainties: dict[str, Uncertainty], levers: list[str]) -> pd.DataFrame:
    """Which swept column is a lever and which an uncertainty, with ranges and reasons."""
    lever = {"role": "lever", "lo": np.nan, "hi": np.nan, "reason": "set by a government (policies.*)"}
    rows = [{"column": k, "name": k.removeprefix("policies."), **lever} for k in levers]
    rows += [
        {"column": u.key, "role": "uncertainty", "name": name, "lo": u.lo, "hi": u.hi, "reason": u.reason}
        for name, u in uncertainties.items()
    ]
    return pd.DataFrame(rows)
