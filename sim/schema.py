"""Typed, range-checked dataclasses for everything a user writes.

Types and unknown keys are checked by OmegaConf's structured configs; ranges and
choices are declared next to each field with `spec(...)` and checked by
`check`. Every default also names its source (a FACTS.md id or "assumption: why").
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from omegaconf import OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException, ValidationError

from .errors import ConfigError
from .limits import MAX_MAGNITUDE


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
        if isinstance(value, dict):
            items = [(f"{key}.{k}", v) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [(key, v) for v in value]
        else:
            items = [(key, value)]
        for key, v in items:
            if v is None:
                continue
            if dataclasses.is_dataclass(v):
                check(v, key + ".")
                continue
            choices = meta.get("choices")
            if choices and v not in choices:
                raise ConfigError(key, f"'{v}' is not allowed", _allowed(meta))
            lo, hi = meta.get("lo"), meta.get("hi")
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            if (lo is not None and v < lo) or (hi is not None and v > hi) or v != v:
                raise ConfigError(key, f"{v} is out of range", _allowed(meta))
            if hi is None and not abs(v) <= MAX_MAGNITUDE:  # also inf: size is cost, and inf breaks arithmetic
                raise ConfigError(key, f"{v} is out of range", _allowed({**meta, "hi": MAX_MAGNITUDE}))


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


def _refuse_text_for_numbers(cls, data: dict, prefix: str) -> None:
    """A quoted number ("0.85") is text: OmegaConf would convert it, the README promises a type error."""
    hints = typing.get_type_hints(cls)
    for name, value in data.items():
        if name in hints:
            _check_type(hints[name], value, f"{prefix}{name}")


def _check_type(hint, value, key: str) -> None:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        hint, origin, args = args[0], typing.get_origin(args[0]), list(typing.get_args(args[0]))
    if hint in (int, float) and isinstance(value, str):
        raise ConfigError(key, f"wrong type: '{value}' is text", "a number")
    if hint is bool and isinstance(value, str):
        raise ConfigError(key, f"wrong type: '{value}' is text", "true or false")
    if origin is list and isinstance(value, list) and args:
        for n, item in enumerate(value):
            _check_type(args[0], item, f"{key}[{n}]")
    elif origin is dict and isinstance(value, dict) and len(args) == 2:
        for k, item in value.items():
            _check_type(args[1], item, f"{key}.{k}")
    elif dataclasses.is_dataclass(hint) and isinstance(value, dict):
        _refuse_text_for_numbers(hint, value, key + ".")


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
    _refuse_text_for_numbers(cls if isinstance(cls, type) else type(cls), data, prefix)
    try:
        conf = OmegaConf.merge(OmegaConf.structured(cls), data)
        obj = OmegaConf.to_object(conf)
    except OmegaConfBaseException as err:
        raise omegaconf_error(err, prefix, cls) from None
    check(obj, prefix)
    return obj
