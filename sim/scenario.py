"""Scenario files: actors, initial levers, a dated timeline of measures, behavioural rules.

A scenario is plain YAML data, validated field by field; it can never make Hydra or
Python instantiate anything. A scenario may `extends:` another one and add to it:
its levers and timeline measures come after the parent's, its actors override the
parent's field by field.

    name: us_chip_controls
    extends: baseline
    timeline:
      2025Q2:
        export_controls: {issuer: US, target: CN, scope: [chips, tools], stringency: 0.95}
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import periods
from .catalogue import CATALOGUE, FIELDS, BlocSpec, resolve
from .errors import ConfigError
from .limits import MAX_MEASURES, MAX_SCENARIO_BYTES, MAX_YAML_NODES, check_span
from .policies import FAMILIES
from .schema import build, spec

ROOT = Path(__file__).resolve().parent.parent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe loader, in C where libyaml is there
SCENARIO_DIRS = (Path.cwd() / "scenarios", ROOT / "scenarios")


@dataclass
class Behaviour:
    """The blocs' policy rules (sim/mechanisms/behaviour.py): on after the record unless a scenario turns them off."""

    rules_from: str = spec("2025Q3", source="the first quarter after the historical record (FACTS timeline to 2025Q2)")
    tighten_on_gap: bool = spec(True, source="FACTS timeline 2022-24: the US tightened yearly")
    tier_allies: bool = spec(True, source="FACTS timeline 2025Q1: the US AI diffusion rule")
    retaliation: bool = spec(True, source="FACTS timeline 2023-25: China's critical-mineral controls")
    derisk: bool = spec(True, source="FACTS timeline 2023Q2-Q4: EU Economic Security Strategy")
    join_agreements: bool = spec(False, source="assumption: no evidence of agreements formed by the market-size logic")
    # A seminar room's teams (sim/app/room.py): a bloc played by people, from the quarter its team took the seat,
    # follows no rule (the markets issue's precedence: a lever a person sets wins over the rules).
    teams: dict[str, str] = spec(factory=dict, source="assumption: none by default; the app's room exports its teams")


@dataclass
class ScenarioFile:
    name: str = ""
    description: str = ""
    extends: str | None = None
    start: str = "2017Q1"
    end: str = "2035Q4"
    blocs: list[str] = field(default_factory=lambda: ["EU", "CN", "US"])
    actors: dict[str, Any] = field(default_factory=dict)
    levers: dict[str, Any] = field(default_factory=dict)
    timeline: dict[str, Any] = field(default_factory=dict)
    behaviour: Behaviour = field(default_factory=Behaviour)


@dataclass
class Scenario:
    """A validated scenario, ready for the model: measures keyed by quarter index."""

    name: str
    description: str
    start: int
    end: int
    blocs: list[str]
    bloc_specs: dict[str, BlocSpec]
    measures: dict[int, list[tuple[str, Any, str]]]  # quarter -> [(family, measure, key)]
    behaviour: Behaviour
    source: str = ""
    rules_from: int = 0  # quarter index from which the blocs' policy rules act
    # Measures announced before they take effect: (announced quarter, effect quarter, family, measure, key).
    announcements: list[tuple[int, int, str, Any, str]] = field(default_factory=list)
    teams_from: dict[str, int] = field(default_factory=dict)  # bloc -> quarter from which people play it

    def play(self, bloc: str, quarter: int) -> None:
        """People play `bloc` from `quarter` on: its levers move only by their measures, never by a rule."""
        self.behaviour.teams[bloc] = periods.label(quarter)
        self.teams_from[bloc] = quarter

    def add(self, quarter: int, family: str, measure, key: str) -> None:
        self.measures.setdefault(quarter, []).append((family, measure, key))


def available() -> list[str]:
    names = set()
    for d in SCENARIO_DIRS:
        names |= {p.stem for p in d.glob("*.yaml")}
    return sorted(names)


def find(name_or_path: str) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml"):
        if p.is_file():
            return p
        raise ConfigError("scenario", f"file '{name_or_path}' not found", "a scenario name or an existing .yaml file")
    for d in SCENARIO_DIRS:
        if (d / f"{name_or_path}.yaml").is_file():
            return d / f"{name_or_path}.yaml"
    raise ConfigError("scenario", f"unknown scenario '{name_or_path}'", ", ".join(available()) + " or a .yaml path")


def _read(path: Path, key: str = "scenario") -> dict:
    """A scenario file's data: plain YAML, size-capped, no duplicate keys, no alias bombs, no interpolation."""
    size = path.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        raise ConfigError(key, f"{path.name} has {size:,} bytes", f"a scenario file of at most {MAX_SCENARIO_BYTES:,}")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(key, f"{path.name} is not UTF-8 text (byte {err.start})", "a UTF-8 YAML file") from None
    # A sweep process reads the same few files for every run (twice a run: the marker's hash, the
    # scenario); parsing them is ~2 ms each. The same text gives the same data; callers get a copy.
    cached = _parsed.get((path.name, key, text))
    if cached is None:
        cached = _parse(path, key, text)
        if len(_parsed) >= 32:
            _parsed.clear()
        _parsed[(path.name, key, text)] = cached
    return copy.deepcopy(cached)


_parsed: dict[tuple[str, str, str], dict] = {}


def _parse(path: Path, key: str, text: str) -> dict:
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(node, path.name, key)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(key, f"{path.name}{where} is not valid YAML") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ConfigError(key, f"{path.name} must hold a mapping", "keys " + ", ".join(ScenarioFile.__annotations__))
    _refuse_interpolation(data, "scenario")
    return data


def _check_nodes(root: yaml.Node, fname: str, key: str) -> None:
    """Refuse duplicate keys, recursive aliases and documents that expand past MAX_YAML_NODES.

    An alias reuses a node, so a few hundred bytes can expand to billions of values when loaded
    ("billion laughs"); the expanded size is counted on the node graph, once per distinct node.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        ident = id(node)
        if ident in sizes:
            return sizes[ident]
        if ident in active:
            raise ConfigError(key, f"{fname} line {node.start_mark.line + 1} has a recursive alias", "plain data")
        active.add(ident)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        line = k.start_mark.line + 1
                        raise ConfigError(key, f"{fname} line {line}: duplicate key '{k.value}'", "each key once")
                    seen.add(k.value)
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v) for v in node.value)
        active.discard(ident)
        if total > MAX_YAML_NODES:
            raise ConfigError(key, f"{fname} expands to more than {MAX_YAML_NODES:,} values", "plain data, few aliases")
        sizes[ident] = total
        return total

    size(root)


def _refuse_interpolation(data, key: str) -> None:
    """Scenario files are data: `${...}` would make OmegaConf resolve it (environment variables, say)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if "${" in str(k):
                raise ConfigError(key, f"key '{k}' holds an interpolation", "plain values, no ${...}")
            _refuse_interpolation(v, f"{key}.{k}")
    elif isinstance(data, list):
        for n, v in enumerate(data):
            _refuse_interpolation(v, f"{key}[{n}]")
    elif isinstance(data, str) and "${" in data:
        raise ConfigError(key, "holds an interpolation (${...})", "plain values")


def read_own(name_or_path: str) -> dict:
    """A scenario file's own data, without its `extends:` parents (plain YAML data, not validated)."""
    return _read(find(name_or_path))


def shipped() -> list[str]:
    """The scenarios that come with Entangle (what an uploaded scenario may extend)."""
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def files_read(name_or_path: str) -> list[Path]:
    """Every file a scenario is read from: the file itself, then its `extends:` parents in turn."""
    paths: list[Path] = []
    name = name_or_path
    while isinstance(name, str) and name:
        path = find(name)
        if path.resolve() in (p.resolve() for p in paths):
            break  # a cycle: read_merged refuses it with one line
        paths.append(path)
        name = _read(path).get("extends")
    return paths


def read_merged(name_or_path: str, seen=(), shipped_parents_only: bool = False) -> dict:
    """A scenario file's data with its `extends:` parents merged in (plain YAML data, not yet validated).

    `shipped_parents_only` (the app's uploads): `extends:` may name only a shipped scenario, so an
    upload can neither read other files on the server nor learn whether they exist.
    """
    path = find(name_or_path)
    data = _read(path)
    data.setdefault("name", path.stem)
    parent = data.get("extends")
    if parent:
        if not isinstance(parent, str):
            raise ConfigError("scenario.extends", f"{parent!r} is not a scenario name", ", ".join(available()))
        if shipped_parents_only and parent not in shipped():
            raise ConfigError("scenario.extends", f"'{parent}' is not a shipped scenario", ", ".join(shipped()))
        if parent in seen:
            raise ConfigError("scenario.extends", f"'{parent}' extends itself in a cycle")
        if shipped_parents_only:
            parent = str(ROOT / "scenarios" / f"{parent}.yaml")
        base = read_merged(str(parent), seen + (parent,))
        merged = copy.deepcopy(base)
        for k, v in data.items():
            if k == "timeline" and isinstance(v, dict):
                tl = merged.setdefault("timeline", {}) or {}
                for period, measures in v.items():
                    tl[period] = _concat(tl.get(period), measures)
                merged["timeline"] = tl
            elif k == "levers" and isinstance(v, dict):
                lv = merged.setdefault("levers", {}) or {}
                for fam, m in v.items():
                    lv[fam] = _as_list(lv.get(fam)) + _as_list(m)
                merged["levers"] = lv
            elif k in ("actors", "behaviour") and isinstance(v, dict):
                merged[k] = _deep_merge(merged.get(k) or {}, v)
            else:
                merged[k] = v
        data = merged
    data["_path"] = str(path)
    return data


def _as_list(v):
    return [] if v is None else (list(v) if isinstance(v, list) else [v])


def _concat(a, b):
    if not isinstance(a, dict) or not isinstance(b, dict):
        return b if a is None else a if b is None else b
    out = dict(a)
    for fam, m in b.items():
        out[fam] = _as_list(a.get(fam)) + _as_list(m)
    return out


def _deep_merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _refuse_degenerate(specs: dict[str, BlocSpec]) -> None:
    """Actors the mechanisms cannot work with (they would divide by zero and write NaN)."""
    for code, bloc in specs.items():
        key = f"scenario.actors.{code}"
        if not bloc.countries:
            raise ConfigError(f"{key}.countries", "is empty", "at least one country")
        for cname, c in bloc.countries.items():
            if min(c.institutions, c.firms, c.investors) < 1:
                raise ConfigError(
                    f"{key}.countries.{cname}", "has no institutions, firms or investors", "at least 1 of each"
                )
        if len(bloc.field_mix) != len(FIELDS) or sum(bloc.field_mix) <= 0:
            raise ConfigError(
                f"{key}.field_mix",
                f"{bloc.field_mix} is not a field mix",
                f"{len(FIELDS)} weights ({', '.join(FIELDS)}), not all 0",
            )


def parse_measures(family: str, value: Any, blocs: list[str], key: str) -> list:
    """Validate one family's measure (or list of measures) against its dataclass."""
    if family not in FAMILIES:
        raise ConfigError(key, f"unknown lever family '{family}'", ", ".join(FAMILIES))
    module = FAMILIES[family]
    out = []
    items = _as_list(value)
    for n, item in enumerate(items):
        k = f"{key}[{n}]" if len(items) > 1 else key
        m = build(module.Measure, item, k + ".")
        # Dry-run on scratch levers so an unknown bloc fails now, not mid-run.
        from .levers import Levers

        module.apply(Levers(len(blocs)), m, blocs, k)
        out.append(m)
    return out


_VALIDATED: dict[str, Scenario] = {}  # by the scenario's merged data: each is validated once per process


def load(name_or_path: str, end: str | None = None, shipped_parents_only: bool = False) -> Scenario:
    """The validated scenario (a fresh copy: callers may add measures to it)."""
    raw = read_merged(name_or_path, shipped_parents_only=shipped_parents_only)
    key = repr((raw, end))  # the files' content, not their names: an edited file is validated again
    if key not in _VALIDATED:
        _VALIDATED[key] = _validate(raw, end)
    return copy.deepcopy(_VALIDATED[key])


def _validate(raw: dict, end: str | None) -> Scenario:
    raw = dict(raw)
    path = raw.pop("_path")
    sf: ScenarioFile = build(ScenarioFile, raw, "scenario.")
    start = periods.parse(sf.start, "scenario.start")
    stop = periods.parse(end or sf.end, "end" if end else "scenario.end")
    if stop < start:
        key = "end" if end else "scenario.end"
        raise ConfigError(key, f"{end or sf.end} is before the start {sf.start}", f"a period from {sf.start} on")
    check_span(start, stop, "end" if end else "scenario.end")
    n_measures = sum(len(_as_list(v)) for v in (sf.levers or {}).values()) + sum(
        sum(len(_as_list(v)) for v in entry.values()) if isinstance(entry, dict) else 1
        for entry in (sf.timeline or {}).values()
    )
    if n_measures > MAX_MEASURES:
        raise ConfigError("scenario.timeline", f"holds {n_measures:,} measures", f"at most {MAX_MEASURES:,}")
    if len(sf.blocs) < 2 or len(set(sf.blocs)) != len(sf.blocs):
        raise ConfigError("scenario.blocs", f"{sf.blocs} needs two or more distinct blocs")
    overrides = {}
    for code, data in sf.actors.items():
        if code not in sf.blocs:
            raise ConfigError(f"scenario.actors.{code}", "is not in scenario.blocs", ", ".join(sf.blocs))
        base = copy.deepcopy(CATALOGUE.get(code, BlocSpec(name=code)))
        overrides[code] = build(base, data, f"scenario.actors.{code}.")
    for code in sf.blocs:
        if code not in CATALOGUE and code not in overrides:
            raise ConfigError(
                "scenario.blocs",
                f"bloc '{code}' is not in the catalogue",
                f"{', '.join(CATALOGUE)}, or define it under scenario.actors.{code}",
            )
    specs = resolve(sf.blocs, overrides)
    _refuse_degenerate(specs)
    scen = Scenario(sf.name, sf.description, start, stop, list(sf.blocs), specs, {}, sf.behaviour, path)
    scen.rules_from = periods.parse(sf.behaviour.rules_from, "scenario.behaviour.rules_from")
    for code, period in sf.behaviour.teams.items():
        if code not in sf.blocs:
            raise ConfigError(f"scenario.behaviour.teams.{code}", "is not in scenario.blocs", ", ".join(sf.blocs))
        scen.teams_from[code] = periods.parse(period, f"scenario.behaviour.teams.{code}")
    for family, value in (sf.levers or {}).items():
        for m in parse_measures(family, value, sf.blocs, f"scenario.levers.{family}"):
            scen.add(start, family, m, f"scenario.levers.{family}")
    for period, entry in (sf.timeline or {}).items():
        key = f"scenario.timeline.{period}"
        q = periods.parse(period, key)
        if end and q > stop:
            continue  # the run was cut short on the command line: later measures never come due
        if not start <= q <= stop:
            raise ConfigError(
                key, "lies outside the run", f"periods from {periods.label(start)} to {periods.label(stop)}"
            )
        if not isinstance(entry, dict):
            raise ConfigError(key, "must map lever families to measures", ", ".join(FAMILIES))
        for family, value in entry.items():
            items = _as_list(value)
            for n, item in enumerate(items):
                k = f"{key}.{family}[{n}]" if len(items) > 1 else f"{key}.{family}"
                item, announced = _announced(item, q, start, k)
                for m in parse_measures(family, item, sf.blocs, k):
                    scen.add(q, family, m, f"{key}.{family}")
                    if announced < q:
                        scen.announcements.append((announced, q, family, m, f"{key}.{family}"))
    return scen


def _announced(item, effect: int, start: int, key: str) -> tuple[Any, int]:
    """A timeline measure without its `announced:` period, and that period (the effect quarter if none).

    A measure may be announced before it takes effect (the US chip rules of 2022 were signalled in
    August and took effect in October): between the two, buyers know it is coming (compute stockpiling).
    """
    if not isinstance(item, dict) or "announced" not in item:
        return item, effect
    item = dict(item)
    label = item.pop("announced")
    q = periods.parse(str(label), f"{key}.announced")
    if not start <= q <= effect:
        allowed = f"a period from {periods.label(start)} to {periods.label(effect)} (when it takes effect)"
        raise ConfigError(f"{key}.announced", f"{label} is not before the measure takes effect", allowed)
    return item, q
