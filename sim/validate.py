"""`python -m sim.validate`: hold a scenario's 2017-2023 history against ../shared/FACTS.md.

    python -m sim.validate                          # baseline, 20 seeds, realistic scale
    python -m sim.validate seeds=50 scale=classroom
    python -m sim.validate scenario=uk_own_bloc directions=false workers=2

Runs the scenario over seeds (and, for the directions checks, each seed again with one
lever changed at policies.start) in parallel, then writes report.md, targets.csv,
directions.csv, fans.png and overview.png into results/validation/<timestamp>/ (the
folder appears only when complete). Prints the headline and the failing targets; exits 0
whatever the score (a report, not a gate), 2 on bad arguments, 1 if runs fail.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path

import yaml

from . import periods
from .errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
KEYS = {
    "seeds": "a positive integer",
    "scale": "classroom|realistic or a factor like 0.1",
    "scenario": "a name in scenarios/ or a path to a scenario YAML",
    "directions": "true|false",
    "workers": "a positive integer",
    "out": "a folder path",
    "seed0": "a non-negative integer (first seed)",
}


class ArgError(Exception):
    pass


def _scale(value: str) -> tuple[str, float]:
    path = ROOT / "configs" / "scale" / f"{value}.yaml"
    if path.exists():
        return value, float(yaml.safe_load(path.read_text())["factor"])
    try:
        factor = float(value)
    except ValueError:
        raise ArgError(f"scale: '{value}' is not allowed; allowed: {KEYS['scale']}") from None
    if not 0.001 <= factor <= 64:
        raise ArgError(f"scale: {factor} is out of range; allowed: 0.001 to 64")
    return f"factor {factor}", factor


def _positive(key, value, minimum=1):
    try:
        n = int(value)
    except ValueError:
        n = None
    if n is None or n < minimum:
        raise ArgError(f"{key}: '{value}' is not allowed; allowed: {KEYS[key]}")
    return n


def parse_args(argv: list[str]) -> dict:
    opts = {
        "seeds": 20,
        "scale": ("realistic", 1.0),
        "scenario": "baseline",
        "directions": True,
        "workers": os.cpu_count() or 1,
        "out": str(ROOT / "results" / "validation"),
        "seed0": 0,
    }
    for arg in argv:
        key, eq, value = arg.partition("=")
        if not eq or key not in KEYS:
            raise ArgError(f"{arg}: unknown argument; allowed keys: {', '.join(KEYS)} (as key=value)")
        if key in ("seeds", "workers"):
            opts[key] = _positive(key, value)
        elif key == "seed0":
            opts[key] = _positive(key, value, 0)
        elif key == "scale":
            opts[key] = _scale(value)
        elif key == "directions":
            if value.lower() not in ("true", "false"):
                raise ArgError(f"directions: '{value}' is not allowed; allowed: true|false")
            opts[key] = value.lower() == "true"
        else:
            opts[key] = value
    return opts


def _run_end(scenario_name: str, directions: bool) -> tuple[str | None, bool]:
    """Runs stop after the last year anything reads: 2030 with directions, else 2023 (or the scenario's end)."""
    from .scenario import load
    from .validation.runs import DIRECTION_YEAR

    scenario = load(scenario_name, None)
    want = periods.parse(f"{DIRECTION_YEAR}Q4" if directions else "2023Q4", "end")
    if scenario.end <= want:
        return None, directions and scenario.end >= want
    return periods.label(want), directions


def validate(opts: dict, progress: bool = True) -> dict:
    """Run everything and write the report folder; returns the summary rows and the folder."""
    from tqdm import tqdm

    from .run import prepare
    from .validation import report
    from .validation.runs import DIRECTIONS, history_job, judge_directions, lever_job, make_config

    name, factor = opts["scale"]
    seeds = list(range(opts["seed0"], opts["seed0"] + opts["seeds"]))
    end, directions = _run_end(opts["scenario"], opts["directions"])
    prepare(make_config(opts["scenario"], seeds[0], factor, end))  # bad scenario: fail before any run
    jobs = [(history_job, (opts["scenario"], s, factor, end, None)) for s in seeds]
    if directions:
        jobs += [
            (lever_job, (opts["scenario"], s, factor, end, None, i)) for s in seeds for i in range(len(DIRECTIONS))
        ]
    t0 = time.perf_counter()
    history, levered = {}, []
    with ProcessPoolExecutor(max_workers=opts["workers"]) as pool:
        futures = {pool.submit(fn, args): fn for fn, args in jobs}
        for fut in tqdm(
            as_completed(futures), total=len(futures), desc="validation runs", disable=not progress, file=sys.stderr
        ):
            res = fut.result()
            if futures[fut] is history_job:
                history[res["seed"]] = res
            else:
                levered.append(res)
    seconds = time.perf_counter() - t0
    ordered = [history[s] for s in seeds]
    rows = report.summarize_targets([h["values"] for h in ordered])
    levered.sort(key=lambda r: (r["index"], r["seed"]))
    dirs = judge_directions({s: history[s]["ts"] for s in seeds}, levered) if directions else []
    meta = {"scenario": opts["scenario"], "seeds": len(seeds), "scale": name, "factor": factor, "seconds": seconds}

    # Write into a hidden temporary folder, then rename it: the report folder appears complete or not at all.
    base = Path(opts["out"])
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H-%M-%S")
    tmp = Path(tempfile.mkdtemp(prefix=f".{stamp}.", dir=base))
    try:
        report.write_text(report.markdown(rows, dirs, meta), tmp / "report.md")
        report.targets_frame(rows).to_csv(tmp / "targets.csv", index=False)
        import pandas as pd

        pd.DataFrame(dirs).to_csv(tmp / "directions.csv", index=False)
        report.plot_fans([h["ts"] for h in ordered], rows, tmp / "fans.png")
        report.plot_overview(rows, dirs, tmp / "overview.png")
        final = base / stamp
        k = 1
        while final.exists():
            final, k = base / f"{stamp}_{k}", k + 1
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {"rows": rows, "directions": dirs, "folder": final, "meta": meta}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_args(argv)
        result = validate(opts)
    except ArgError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a run failed: say so in one line; the report folder was not written
        print(f"error: validation runs failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    rows, dirs = result["rows"], result["directions"]
    n_in = sum(r["in_band"] for r in rows)
    print(
        f"{n_in} of {len(rows)} targets in band ({result['meta']['seeds']} seeds, scale {result['meta']['scale']}, "
        f"{result['meta']['seconds']:.0f} s of runs)"
    )
    for r in rows:
        if not r["in_band"]:
            print(f"  out: {r['id']} {r['median']}  (band: {r['band']})")
    if dirs:
        print(f"{sum(d['holds'] for d in dirs)} of {len(dirs)} direction checks hold")
        for d in dirs:
            if not d["holds"]:
                print(f"  fails: {d['direction']}: {d['check']} ({d['seeds_holding']} seeds)")
    print(f"report: {result['folder'] / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
