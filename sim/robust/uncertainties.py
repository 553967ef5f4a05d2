"""Uncertainties versus levers (EMA's XLRM): what nobody controls, sampled into states of the world.

One declaration, the config group `configs/uncertainties/`: every uncertain parameter once, with
its kind (tuned on the record, or an assumption), the reason it is uncertain, whether it can move
the 2017-2023 history, its analysis range and whether policy analysis samples it. Two readers:

- `python -m sim.robust sweep/search` samples the entries with `sample: true` (LHS or Sobol);
- `python -m sim.validation robustness=true` runs every entry with `history: true` at ±20% of its
  default (the issues' robustness bar), whatever its analysis range.

A lever is a `policies.*` key, what a government sets, and is refused here. A robustness sweep
evaluates every lever setting in every sampled state of the world, and its outputs name each
column's role (`roles.csv`, `experiments.parquet`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..schema import spec

SAMPLERS = ("latin", "sobol")
KINDS = ("tuned", "assumption")
LOW, HIGH = 0.8, 1.2  # the robustness bar (issues 13, 14), and a tuned entry's range unless it states a wider one


@dataclass
class Uncertainty:
    key: str = spec("", source="params.<mechanism>.<field> or catalogue.<bloc>.<attribute>[...] (docs/PARAMETERS.md)")
    kind: str = spec("assumption", source="tuned: calibrated on the record; assumption: set before any run")
    reason: str = spec("", source="why nobody knows this value (what tuned it), and why this range")
    lo: float | None = spec(None, source="lower end of the analysis range (default: 0.8 x the default)")
    hi: float | None = spec(None, source="upper end of the analysis range (default: 1.2 x the default)")
    history: bool = spec(True, source="false: acts only after the record (2025Q3), left out of the validation table")
    sample: bool = spec(True, source="false: declared and in the validation table, not sampled by policy analysis")
    tuned_on: list[str] = spec(
        factory=list,
        source="target parts (C4.share_2017) or whole targets (C9) its value was tuned on or picked after seeing",
    )


def check(uncertainties: dict) -> dict[str, Uncertainty]:
    """Every entry names a model parameter (not a lever) once, a kind, a reason and a range around its default.

    Missing `lo`/`hi` become ±20% of the default. Only a `params.*` number can be sampled (the sweep sets
    it as an override); a catalogue entry or a dict/list parameter is scaled whole by the validation only.
    """
    if not uncertainties:
        raise ConfigError("uncertainties", "empty", "at least one entry of configs/uncertainties/<name>.yaml")
    keys, out = {}, {}
    for name, u in uncertainties.items():
        where = f"uncertainties.{name}"
        if not u.key.startswith(("params.", "catalogue.")):
            allowed = "a params.* or catalogue.* key (levers, policies.*, are set, not sampled)"
            raise ConfigError(f"{where}.key", f"'{u.key}' is not allowed", allowed)
        try:
            value = default(u.key)
        except ValueError as err:
            raise ConfigError(f"{where}.key", str(err), "a parameter of docs/PARAMETERS.md") from None
        if u.kind not in KINDS:
            raise ConfigError(f"{where}.kind", f"'{u.kind}' is not allowed", ", ".join(KINDS))
        if not u.reason.strip():
            raise ConfigError(f"{where}.reason", "missing", "why the value is uncertain and the range plausible")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number:
            if u.lo is not None or u.hi is not None:
                raise ConfigError(f"{where}.lo", "a range for a dict or list parameter", "no lo/hi (scaled ±20%)")
        lo = u.lo if u.lo is not None or not number else LOW * value
        hi = u.hi if u.hi is not None or not number else HIGH * value
        if number and not lo <= value <= hi:
            raise ConfigError(f"{where}.lo", f"[{lo}, {hi}] leaves out the default {value}", "lo <= default <= hi")
        if number and not lo < hi:
            raise ConfigError(f"{where}.lo", f"{lo} is not below hi={hi}", "lo < hi")
        if u.sample and not (u.key.startswith("params.") and isinstance(value, float)):
            allowed = "sample: false (only a params.* float can be sampled; the validation scales this one whole)"
            raise ConfigError(f"{where}.sample", f"'{u.key}' is not a single number", allowed)
        if u.key in keys:
            raise ConfigError(f"{where}.key", f"'{u.key}' is also {keys[u.key]}", "each parameter once")
        _check_tuned_on(where, u)
        keys[u.key] = where
        out[name] = Uncertainty(u.key, u.kind, u.reason, lo, hi, u.history, u.sample, list(u.tuned_on))
    return out


def _check_tuned_on(where: str, u) -> None:
    """A tuned entry names the parts it was tuned on (the report then does not count them as out-of-sample)."""
    from ..validation.seen import parts_of

    if u.kind == "tuned" and not u.tuned_on:
        raise ConfigError(f"{where}.tuned_on", "missing", "the target parts it was tuned on, e.g. [C4.share_2017]")
    for ref in u.tuned_on:
        try:
            parts_of(str(ref))
        except ValueError as err:
            raise ConfigError(f"{where}.tuned_on", str(err), "C<n> or C<n>.<part> of validation_targets.yaml") from None


def sampled(uncertainties: dict[str, Uncertainty]) -> dict[str, Uncertainty]:
    """The entries policy analysis samples (`sample: true`)."""
    out = {name: u for name, u in uncertainties.items() if u.sample}
    if not out:
        raise ConfigError("uncertainties", "no entry has sample: true", "at least one sampled parameter")
    return out


def load(name: str = "default") -> dict[str, Uncertainty]:
    """The group file configs/uncertainties/NAME.yaml, composed and checked as the sweep composes it."""
    from ..compose import command_options
    from .__main__ import SweepOptions

    return check(command_options("robust_sweep", SweepOptions, [f"uncertainties={name}"]).uncertainties)


def _root(key: str, cfg=None):
    from .. import catalogue
    from ..config import EntangleConfig

    head, *path = key.split(".")
    if head == "params":
        return (cfg if cfg is not None else EntangleConfig()).params, path
    if head == "catalogue":
        return catalogue.CATALOGUE, path
    raise ValueError(f"{key}: must start with params. or catalogue.")


def get(obj, k):
    return obj[k] if isinstance(obj, dict) else getattr(obj, k)


def put(obj, k, v):
    if isinstance(obj, dict):
        obj[k] = v
    else:
        setattr(obj, k, v)


def default(key: str):
    """The default value a key names (a number, or a dict/list of numbers)."""
    obj, path = _root(key)
    for k in path:
        try:
            obj = get(obj, k)
        except (KeyError, AttributeError, TypeError) as err:
            raise ValueError(f"'{key}' names no parameter ({k!r} not found)") from err
    return copy.deepcopy(obj)


def scaled(value, factor: float):
    """Every number in `value` times `factor` (integers rounded, at least 1 if they were)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return max(1, round(value * factor)) if value else 0
    if isinstance(value, float):
        return value * factor
    if isinstance(value, dict):
        return {k: scaled(v, factor) for k, v in value.items()}
    if isinstance(value, list):
        return [scaled(v, factor) for v in value]
    raise TypeError(f"cannot scale {value!r}")


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
