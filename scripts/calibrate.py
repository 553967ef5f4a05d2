"""Calibration helper: run the baseline history over seeds with parameter overrides and score the targets.

    python scripts/calibrate.py seeds=8 params.collaboration.tie_rate=0.0006 catalogue.EU.countries.UK.affinity.CN=4
    python scripts/calibrate.py seeds=8 grid=params.collaboration.tie_rate:0.0004,0.0006,0.0008
    python scripts/calibrate.py seeds=8 scenario=/tmp/no_us_measures.yaml   # a counterfactual history

`params.<module>.<field>` sets a mechanism/population Params field; `catalogue.<bloc>.<attr>[...]`
sets an actor-catalogue default (dict keys and attributes by dots). With `grid=key:v1,v2,...` each
value is tried in turn (a one-dimensional search; combine by hand). Prints each target part's median
and status, and the count of counted parts in band (tune on fit parts: configs/validation_targets.yaml).
Runs end at 2023Q4 (the last year any target reads).
"""

from __future__ import annotations

import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from sim.parallel import parallel_map
from sim.validation.report import headline_text, summarize_targets
from sim.validation.runs import make_config, run_tables
from sim.validation.targets import evaluate


def _set(obj, path, value):
    *head, last = path
    for k in head:
        obj = obj[k] if isinstance(obj, dict) else getattr(obj, k)
    old = obj[last] if isinstance(obj, dict) else getattr(obj, last)
    if isinstance(old, bool):
        value = str(value).lower() in ("1", "true", "yes")
    elif isinstance(old, list):
        value = [float(x) for x in str(value).split("/")]
    elif isinstance(old, (int, float)) and not isinstance(old, bool):
        value = type(old)(float(value))
    if isinstance(obj, dict):
        obj[last] = value
    else:
        setattr(obj, last, value)


def job(args):
    seed, factor, scenario, overrides = args
    from sim import catalogue

    cfg = make_config(scenario, seed, factor, "2023Q4")
    for key, value in overrides.items():
        root, *path = key.split(".")
        if root == "catalogue":
            _set(catalogue.CATALOGUE, path, value)
        elif root == "params":
            _set(cfg.params, path, value)
        else:
            raise SystemExit(f"{key}: must start with params. or catalogue.")
    return evaluate(run_tables(cfg))


def score(seeds, factor, overrides, scenario="baseline"):
    # a fresh process per job: a job edits the actor catalogue, module state the next job must not see
    values = parallel_map(job, [(s, factor, scenario, overrides) for s in range(seeds)], fresh_workers=True)
    return summarize_targets(values, factor)


def main(argv):
    opts = dict(a.split("=", 1) for a in argv)
    seeds, factor = int(opts.pop("seeds", 8)), float(opts.pop("factor", 1.0))
    grid = opts.pop("grid", None)
    scenario = opts.pop("scenario", "baseline")
    trials = [{}]
    if grid:
        key, vals = grid.split(":", 1)
        trials = [{key: v} for v in vals.split(",")]
    for trial in trials:
        t0 = time.time()
        rows = score(seeds, factor, {**opts, **trial}, scenario)
        print(f"== {trial or opts}: {headline_text(rows)} ({time.time() - t0:.0f} s)")
        for r in rows:
            print(f"  {r['id']:4s} {r['group']:4s} {r['status'][:40]:40s} {r['median']}")


if __name__ == "__main__":
    main(sys.argv[1:])
