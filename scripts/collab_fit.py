"""Score the research-collaboration targets' fit and test parts (sim/validation/collab_parts.py) over seeds.

    python scripts/collab_fit.py seeds=8                         # realistic scale, baseline history
    python scripts/collab_fit.py seeds=8 factor=0.15 params.collaboration.substitution=2
    python scripts/collab_fit.py seeds=8 grid=params.collaboration.tie_rate:0.004,0.005
    python scripts/collab_fit.py seeds=8 scenario=/tmp/no_us_measures.yaml   # a scenario name or path

Overrides as in scripts/calibrate.py (`params.*`, `catalogue.*`). Tune on the `fit` rows only;
the `test` rows are reported. Runs end at 2022Q4 (the last year a collaboration part reads).
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibrate import _set  # noqa: E402

from sim.validation.collab_parts import evaluate, summarize  # noqa: E402
from sim.validation.runs import make_config, run_tables  # noqa: E402


def job(args):
    seed, factor, scenario, overrides = args
    from sim import catalogue

    cfg = make_config(scenario, seed, factor, "2022Q4")
    for key, value in overrides.items():
        root, *path = key.split(".")
        if root == "catalogue":
            _set(catalogue.CATALOGUE, path, value)
        elif root == "params":
            _set(cfg.params, path, value)
        else:
            raise SystemExit(f"{key}: must start with params. or catalogue.")
    return evaluate(run_tables(cfg))


def _fmt(med):
    return "; ".join(f"{k} {v:,.4g}" for k, v in med.items())


def main(argv):
    opts = dict(a.split("=", 1) for a in argv)
    seeds, factor = int(opts.pop("seeds", 8)), float(opts.pop("factor", 1.0))
    workers = int(opts.pop("workers", 2))
    scenario = opts.pop("scenario", "baseline")
    grid = opts.pop("grid", None)
    trials = [{}]
    if grid:
        key, vals = grid.split(":", 1)
        trials = [{key: v} for v in vals.split(",")]
    with ProcessPoolExecutor(workers, max_tasks_per_child=1) as pool:
        for trial in trials:
            t0 = time.time()
            rows = summarize(list(pool.map(job, [(s, factor, scenario, {**opts, **trial}) for s in range(seeds)])))
            print(f"== {trial or opts} ({seeds} seeds, factor {factor}, {time.time() - t0:.0f} s)")
            for group in ("fit", "test"):
                g = [r for r in rows if r["group"] == group]
                print(f"  {group}: {sum(r['in_band'] for r in g)} of {len(g)} in band")
                for r in g:
                    print(f"    {r['id']:12s} {'in ' if r['in_band'] else 'OUT'} {_fmt(r['median'])}   [{r['band']}]")


if __name__ == "__main__":
    main(sys.argv[1:])
