"""Instructions per phase of the step, under callgrind: one realistic baseline run (seed 1, timeseries only;
`--all-tables` for every table, as `python -m sim` writes them, institution counts included).

    valgrind --tool=callgrind --callgrind-out-file=step.cg python benchmarks/step_instructions.py
    callgrind_annotate --inclusive=yes --threshold=100 step.cg | grep -E ':(_operator_call|[a-z_]+_next|\
functools_reduce|defdict_missing|methodcaller_call) \\['

Callgrind counts C functions, not Python ones, so each phase is called (after the model is built) through a C
function no step code uses, whose inclusive count is then that phase's instructions over the 76 quarters:

    the run: _operator_call           investment: starmap_next      mobility: takewhile_next
    new ties: dropwhile_next          tie decay: filterfalse_next   papers: accumulate_next
    capability: defdict_missing       standards: groupby_next       open weights: functools_reduce
    recorder: methodcaller_call       compute: filter_next          behaviour: map_next

Instruction counts do not move with the machine's load, so two versions of the code (e.g. an export of main,
run with its directory as the working directory) compare on a shared machine. Valgrind runs numpy's AVX2 code
paths, not AVX-512 ones: powers, logs and exponentials count more than their share of CPU time.
"""

from __future__ import annotations

import collections
import functools
import itertools
import operator
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _through(kind: str, fn):
    """`fn`, called once through `kind` (`_once`); keyword arguments (`_decay(model, cap=cap)`) are bound first."""
    return lambda *a, **kw: _once(kind, functools.partial(fn, **kw) if kw else fn)(*a)


def _once(kind: str, fn):
    """`fn`, called once through the C-level iterator or helper `kind`; returns what `fn` returns."""
    if kind == "map":
        return lambda *a: list(map(lambda x: fn(*x), [a]))[0]
    if kind == "starmap":
        return lambda *a: list(itertools.starmap(fn, [a]))[0]
    if kind == "accumulate":
        return lambda *a: list(itertools.accumulate([a, None], lambda x, _: fn(*x)))[1]
    if kind == "reduce":
        return lambda *a: functools.reduce(lambda _, x: fn(*x), [a], None)
    if kind == "defaultdict":
        return lambda *a: collections.defaultdict(lambda: fn(*a))[0]
    out = []  # the predicate-style helpers: the predicate keeps the result

    def keep(x):
        out.append(fn(*x))
        return kind in ("dropwhile", "filterfalse")

    iterate = {
        "filter": filter,
        "takewhile": itertools.takewhile,
        "dropwhile": itertools.dropwhile,
        "filterfalse": itertools.filterfalse,
        "groupby": lambda key, items: (k for k, _ in itertools.groupby(items, key=key)),
    }[kind]

    def call(*a):
        out.clear()
        list(iterate(keep, [a]))
        return out[0]

    return call


def main() -> None:
    from benchmarks.tasks import _entangle
    from sim import recorder
    from sim.mechanisms import behaviour, capability, compute, investment, mobility, openweights, standards
    from sim.mechanisms.collaboration import decay, formation, papers

    # `--all-tables`: every table, so the institution counts (papers' home co-authors) run too.
    model = _entangle(1.0, tables=None if "--all-tables" in sys.argv[1:] else ["timeseries"])()
    phases = [
        (behaviour, "step", "map"),
        (compute, "step", "filter"),
        (investment, "step", "starmap"),
        (mobility, "step", "takewhile"),
        (formation, "_form", "dropwhile"),
        (decay, "_decay", "filterfalse"),
        (papers, "_write_papers", "accumulate"),
        (standards, "step", "groupby"),
        (openweights, "step", "reduce"),
        (capability, "step", "defaultdict"),
    ]
    for module, name, kind in phases:  # after the build: collaboration's set-up calls _form too
        setattr(module, name, _through(kind, getattr(module, name)))
    recorder.Recorder._collect_direct = recorder.Recorder.collect
    recorder.Recorder.collect = lambda self, m: operator.methodcaller("_collect_direct", m)(self)
    operator.call(model.run)


if __name__ == "__main__":
    main()
