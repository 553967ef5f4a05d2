"""Where a quarter's time goes: milliseconds per quarter for each phase of the step.

    python benchmarks/profile_step.py                 # realistic scale, best of 3 full runs
    python benchmarks/profile_step.py --factor 0.04 --repeats 5
    python benchmarks/profile_step.py --cpu           # CPU time of this process (a shared, loaded machine)
    python benchmarks/profile_step.py --tables timeseries   # a sweep's run: no institution-level counts

Each phase of `EntangleModel.step` (the mechanisms, collaboration's parts, the recorder) is
timed with a wall clock (or, with --cpu, the process's CPU time) around its call, over full
baseline runs (2017Q1-2035Q4); the run with the least total time counts, as in benchmark 1.
For line-level detail use line_profiler or pyinstrument on the same runs; this table is the
summary docs/PERFORMANCE.md's "where the time goes" cites.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.tasks import _entangle  # noqa: E402

# (module, function, label): collaboration's three parts are timed inside its step, so "collaboration"
# is their sum plus the capacity it computes for them.
PHASES = [
    ("compute", "step", "compute (chips, export controls)"),
    ("investment", "step", "investment (rounds, screening, turnover)"),
    ("mobility", "step", "mobility (researchers' moves, who is where)"),
    ("collaboration", "step", "collaboration, in all"),
    ("collaboration.formation", "_form", "  new ties (rates, partner draw, screening, merge)"),
    ("collaboration.decay", "_decay", "  tie decay and bans"),
    ("collaboration.papers", "_write_papers", "  papers and knowledge flows"),
    ("collaboration.papers", "_home_coauthors", "    home co-authors (institution counts only)"),
    ("standards", "step", "standards (compliance, alignment)"),
    ("openweights", "step", "open weights (labs' release choices, spillover)"),
    ("capability", "step", "capability (growth, index, notable models)"),
]


def profile(
    factor: float, repeats: int, clock=time.perf_counter, tables=None
) -> tuple[dict[str, float], float, int, int]:
    from sim import recorder
    from sim.mechanisms import capability, collaboration, compute, investment, mobility, openweights, standards
    from sim.mechanisms.collaboration import decay, formation, papers

    modules = {
        "compute": compute,
        "investment": investment,
        "mobility": mobility,
        "collaboration": collaboration,
        "collaboration.formation": formation,  # collaboration's parts, wrapped where its step looks them up
        "collaboration.decay": decay,
        "collaboration.papers": papers,
        "standards": standards,
        "openweights": openweights,
        "capability": capability,
    }
    spent: dict[str, float] = {}

    def timed(fn, label):
        def call(*args, **kwargs):
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + clock() - t

        return call

    for mod, name, label in PHASES:
        setattr(modules[mod], name, timed(getattr(modules[mod], name), label))
    recorder.Recorder.collect = timed(recorder.Recorder.collect, "recorder (one row per quarter)")

    build, best = _entangle(factor, tables=tables), None
    for _ in range(repeats):
        model = build()
        gc.collect()
        spent.clear()
        t = clock()
        model.run()
        total = clock() - t
        if best is None or total < best[1]:
            best = (dict(spent), total, model.steps, len(model.agents))
        model.release()
        model = None
    return best


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factor", type=float, default=1.0, help="scale factor (1 = realistic)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cpu", action="store_true", help="time with the process's CPU clock instead of the wall clock")
    ap.add_argument("--tables", nargs="*", help="the tables the run would write (default all; a sweep: timeseries)")
    args = ap.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter
    spent, total, steps, agents = profile(args.factor, args.repeats, clock, args.tables)
    top = [label for _, _, label in PHASES if not label.startswith("  ")] + ["recorder (one row per quarter)"]
    rest = total - sum(spent.get(label, 0.0) for label in top)
    print(
        f"{agents:,} agents, {steps} quarters: {total:.3f} s, {total / steps * 1e3:.2f} ms a quarter (best of "
        f"{args.repeats}, {'CPU' if args.cpu else 'wall'} time)"
    )
    width = max(len(label) for _, _, label in PHASES) + 2
    for label in [label for _, _, label in PHASES] + ["recorder (one row per quarter)"]:
        ms = spent.get(label, 0.0) / steps * 1e3
        print(f"{label:<{width}} {ms:6.2f} ms  {ms / (total / steps * 1e3):5.0%}")
    print(f"{'rest (measures due, bloc adaptation, calendar)':<{width}} {rest / steps * 1e3:6.2f} ms")


if __name__ == "__main__":
    main()
