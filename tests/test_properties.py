"""Property: any scenario file, valid or mutated, either runs or is refused with one line naming the key.

Scenario files are generated from the schema itself (ScenarioFile, the catalogue's BlocSpec and
CountrySpec, every lever family's Measure): each field gets a value of its declared type and range,
or a mutation (wrong type, out of range, NaN, an unknown key), and the run is a short classroom run
(at most two years), so a bounded number of examples stays in the fast tier.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import types
import typing

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim import periods
from sim.catalogue import BlocSpec, CountrySpec
from sim.compose import compose_config
from sim.errors import ConfigError
from sim.policies import FAMILIES
from sim.run import build_model

BLOCS = ["EU", "CN", "US"]
RARELY = st.sampled_from([False] * 19 + [True])  # 1 in 20 (hypothesis shrinks towards the first: never)
SOMETIMES = st.sampled_from([False] * 5 + [True])
BLOC_FIELDS = {"issuer", "target", "bloc", "partner", "source", "host", "from_bloc", "to_bloc", "members"}

MUTANTS = st.sampled_from(["abc", "0.5", [1, 2], {"k": 1}, None, True, -1e12, 1e300, float("inf"), float("nan"), -1])


def _is(hint, kind) -> bool:
    return hint is kind or typing.get_origin(hint) is kind


def _base(hint):
    """`float | None` -> float (the value, when one is given)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def _number(lo, hi, integer: bool):
    lo = -10 if lo is None else lo
    hi = lo + 1000 if hi is None else hi
    if integer:
        return st.integers(int(lo), int(min(hi, lo + 40)))  # few agents: the runs stay short
    return st.floats(float(lo), float(hi), allow_nan=False)


def valid_value(f: dataclasses.Field, hint):
    meta, hint = f.metadata, _base(hint)
    choices = meta.get("choices")
    if hint is bool:
        return st.booleans()
    if hint in (int, float):
        return _number(meta.get("lo"), meta.get("hi"), hint is int)
    if hint is str:
        if choices:
            return st.sampled_from(list(choices))
        return st.sampled_from(BLOCS) if f.name in BLOC_FIELDS else st.text("abcXY_ ", max_size=8)
    if _is(hint, list):
        (item,) = typing.get_args(hint) or (str,)
        if choices:
            return st.lists(st.sampled_from(list(choices)), min_size=1, max_size=3, unique=True)
        if item is str:
            return st.lists(st.sampled_from(BLOCS), min_size=1, max_size=3, unique=True)
        return st.lists(_number(meta.get("lo"), meta.get("hi") or 1.0, item is int), min_size=6, max_size=6)
    if _is(hint, dict):
        key, item = typing.get_args(hint) or (str, float)
        if item is CountrySpec:
            return st.dictionaries(st.sampled_from(["DE", "FR", "CN", "US", "XX"]), record(CountrySpec), max_size=2)
        return st.dictionaries(st.sampled_from(BLOCS), _number(meta.get("lo"), meta.get("hi"), False), max_size=3)
    return MUTANTS


def record(cls):
    """A mapping of some of `cls`'s fields to values: mostly valid, sometimes mutated or unknown."""
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.name != "name"]

    @st.composite
    def build(draw):
        out = {}
        for f in draw(st.lists(st.sampled_from(fields), max_size=4, unique_by=lambda f: f.name)):
            out[f.name] = draw(MUTANTS if draw(SOMETIMES) else valid_value(f, hints[f.name]))
        if draw(RARELY):
            out[draw(st.sampled_from(["unknown", "stringencyy", "_target_"]))] = draw(MUTANTS)
        return out

    return build()


PERIOD_MUTANTS = st.sampled_from(["2017Q5", "2017Q0", "17Q1", "1800Q1", "2200Q1", "", 2018, None, "2018q2"])


@st.composite
def scenario_file(draw) -> dict:
    start = draw(st.integers(periods.parse("2017Q1"), periods.parse("2030Q4")))
    end = start + draw(st.integers(0, 7))  # a run of at most two years
    data: dict = {"name": "generated", "extends": draw(st.sampled_from([None, "baseline"]))}
    label = lambda q: draw(PERIOD_MUTANTS) if draw(RARELY) else periods.label(q)  # noqa: E731
    data["start"], data["end"] = label(start), label(end)
    if draw(st.booleans()):
        data["actors"] = draw(st.dictionaries(st.sampled_from(BLOCS + ["XX"]), record(BlocSpec), max_size=2))
    if draw(st.booleans()):
        data["blocs"] = draw(
            st.lists(st.sampled_from(BLOCS + ["XX"]), min_size=1, max_size=4)
            if draw(RARELY)
            else st.sampled_from([BLOCS, ["EU", "CN"], ["US", "CN", "EU"]])
        )
    families = st.sampled_from(sorted(FAMILIES))
    measures = st.dictionaries(families, st.deferred(lambda: families.flatmap(lambda f: record(FAMILIES[f].Measure))))
    if draw(st.booleans()):
        data["levers"] = draw(st.dictionaries(families, families.flatmap(lambda f: record(FAMILIES[f].Measure))))
    if draw(st.booleans()):
        quarters = st.integers(start, end + 1).map(lambda q: label(q))
        data["timeline"] = draw(st.dictionaries(quarters, measures, max_size=3))
    if draw(RARELY):
        data["behaviour"] = draw(st.sampled_from([{"retaliation": True}, {"retaliation": "yes"}, [1], "x"]))
    if draw(RARELY):
        data[draw(st.sampled_from(["unknown", "extend", "_target_"]))] = draw(MUTANTS)
    return {k: v for k, v in data.items() if v is not None or k != "extends"}


@functools.cache
def _classroom():
    return compose_config(
        ["scale=classroom", "scale.factor=0.04"]
    )  # composed once: Hydra takes longer than most examples


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario_file())
def test_a_generated_scenario_runs_or_gives_one_line(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("gen") / "generated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    cfg = copy.deepcopy(_classroom())
    cfg.scenario = str(path)
    try:
        model = build_model(cfg)
        model.run()
    except ConfigError as err:
        line = str(err)
        event("refused")  # --hypothesis-show-statistics shows how many ran and how many were refused
        assert "\n" not in line and line.split(":")[0].startswith(("scenario", "end")), line
        return
    event("ran")
    ts = model.recorder.timeseries()
    model.release()
    assert 1 <= len(ts) <= 8
