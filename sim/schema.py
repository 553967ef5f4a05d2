"""Typed, range-checked dataclasses for everything a user writes.

Types and unknown keys are checked by OmegaConf's structured configs; ranges and
choices are declared next to each field with `spec(...)` and checked by
`check`. Every default also names its source (a FACTS.md id or "assumption: why").
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from omegaconf import OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException, ValidationError

from .errors import ConfigError


def spec(default: Any = None, *, lo=None, hi=None, choices=None, source: str = "", factory=None):
    """A dataclass field with its allowed range or choices and the source of its default."""
    meta = {"lo": lo, "hi": hi, "choices": choices, "source": source}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def _allowed(meta) -> str:
    if meta.get("choices"):
        return "one of " + ", ".join(map(str, meta["choices"]))
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is not None and hi is not None:
        return f"a number in [{lo}, {hi}]"
    if lo is not None:
        return f"a number >= {lo}"
    if hi is not None:
        return f"a number <= {hi}"
    return ""


def check(obj: Any, prefix: str = "") -> None:
    """Check declared ranges and choices of a dataclass instance, recursively."""
    if not dataclasses.is_dataclass(obj):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        meta = f.metadata
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is None:
                continue
            if dataclasses.is_dataclass(v):
                check(v, key + ".")
                continue
            if isinstance(v, dict):
                for k, item in v.items():
                    check(item, f"{key}.{k}.")
                continue
            choices = meta.get("choices")
            if choices and v not in choices:
                raise ConfigError(key, f"'{v}' is not allowed", _allowed(meta))
            lo, hi = meta.get("lo"), meta.get("hi")
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            if (lo is not None and v < lo) or (hi is not None and v > hi) or v != v:
                raise ConfigError(key, f"{v} is out of range", _allowed(meta))


def field_names(cls) -> str:
    return ", ".join(f.name for f in dataclasses.fields(cls))


def _type_allowed(err: ValidationError) -> str:
    """What the field a bad value was given for accepts: its range or choices, else its type."""
    parent, name = getattr(err, "object_type", None), getattr(err, "key", None)
    if not (parent and dataclasses.is_dataclass(parent) and name):
        return ""
    fields = {f.name: f for f in dataclasses.fields(parent)}
    if name not in fields:
        return ""
    allowed = _allowed(fields[name].metadata)
    if allowed:
        return allowed
    hint = str(typing.get_type_hints(parent).get(name, ""))
    for word, text in (("bool", "true or false"), ("int", "an integer"), ("float", "a number"), ("str", "text")):
        if word in hint:
            return text
    return ""


def omegaconf_error(err: OmegaConfBaseException, prefix: str = "", cls=None) -> ConfigError:
    """Turn an OmegaConf error into a one-line ConfigError naming the key."""
    key = prefix + (getattr(err, "full_key", None) or "")
    msg = str(getattr(err, "msg", err)).splitlines()[0]
    if isinstance(err, (ConfigKeyError, ConfigAttributeError)):
        parent = getattr(err, "object_type", None) or cls
        allowed = field_names(parent) if parent and dataclasses.is_dataclass(parent) else ""
        return ConfigError(key.rstrip("."), "unknown key", allowed)
    if isinstance(err, ValidationError):
        return ConfigError(key.rstrip("."), f"wrong type ({msg})", _type_allowed(err))
    return ConfigError(key.rstrip(".") or "config", msg)


def build(cls, data: Any, prefix: str = ""):
    """Validate user data against dataclass `cls` and return an instance.

    Data is plain YAML: it can never instantiate anything (no `_target_`).
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            prefix.rstrip(".") or cls.__name__, f"expected a mapping, got {type(data).__name__}", field_names(cls)
        )
    try:
        conf = OmegaConf.merge(OmegaConf.structured(cls), data)
        obj = OmegaConf.to_object(conf)
    except OmegaConfBaseException as err:
        raise omegaconf_error(err, prefix, cls) from None
    check(obj, prefix)
    return obj
