"""The 1,000-run uncertainty × lever sweep of issue 18 (goal ≤ 10 min on 2 cores), timed.

    python benchmarks/robust_sweep.py                 # n=250 worlds × 4 policies = 1,000 runs (realistic)
    python benchmarks/robust_sweep.py --n 10          # a quick check: 40 runs
    python benchmarks/robust_sweep.py --n 2 scale=classroom   # any `python -m sim` override passes on

Runs `python -m sim.robust sweep n=N sampler=latin sample_seed=0` with two export-control and two
screening settings, the outcomes capability_EU:max and compute_access_CN:min in 2030, and prints
runs, wall time, the CPU seconds of every process it started (the sweep, its multirun, the joblib
workers: all reaped, so counted), runs per minute, cores busy on average and the load average at
start and end.

Wall time on a shared machine says more about the other work than about the sweep; CPU seconds a
run do not (much). The projection divides 1,000 runs' CPU by the cores: the wall time of the whole
sweep on an otherwise idle machine with every core busy. With a small n the CPU a run includes the
fixed cost (start-up, checks, the aggregate, the metrics) spread over few runs, so the projection
errs high.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MINUTES = 10.0
GOAL_RUNS = 1000
LEVERS = ["policies.export_controls.stringency=0.5,1.0", "policies.research_security.screening=0,0.8"]
POLICIES = 4


def command(n: int, folder: Path, extra: list[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sim.robust",
        "sweep",
        f"n={n}",
        "sampler=latin",
        "sample_seed=0",
        *LEVERS,
        "outcomes=capability_EU:max,compute_access_CN:min",
        "year=2030",
        f"sweep={folder}",
        *extra,
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(n: int, folder: Path, extra: list[str], cores: int) -> dict:
    load0 = os.getloadavg()
    t0, cpu0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run(command(n, folder, extra), cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        print(f"error: the sweep failed: {lines[-1] if lines else proc.returncode}", file=sys.stderr)
        sys.exit(1)
    runs = sum(1 for _ in folder.glob("*/done.json"))
    return {
        "runs": runs,
        "wall": wall,
        "cpu": cpu,
        "cores": cores,
        "load_start": load0,
        "load_end": os.getloadavg(),
        "projected_min": GOAL_RUNS * cpu / runs / cores / 60,
    }


def report(m: dict) -> str:
    load = lambda la: " ".join(f"{x:.1f}" for x in la)  # noqa: E731
    met = "yes" if m["projected_min"] <= GOAL_MINUTES else "NO"
    return "\n".join(
        [
            f"runs            {m['runs']}",
            f"wall            {m['wall']:.1f} s ({60 * m['runs'] / m['wall']:.1f} runs/min)",
            f"CPU             {m['cpu']:.1f} s ({m['cpu'] / m['runs']:.2f} s a run; "
            f"{m['cpu'] / m['wall']:.2f} cores busy)",
            f"load average    {load(m['load_start'])} at start, {load(m['load_end'])} at end",
            f"projected       {GOAL_RUNS:,} runs on {m['cores']} cores, all busy: {m['projected_min']:.1f} min "
            f"(goal <= {GOAL_MINUTES:.0f} min: {met})",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=GOAL_RUNS // POLICIES, help="states of the world (× 4 policies)")
    parser.add_argument("--dir", type=Path, help="sweep folder (default: a temporary one, removed after)")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="cores of the projection")
    args, extra = parser.parse_known_args(argv)
    if args.n < 1:
        print(f"error: --n: {args.n} is not allowed; allowed: a whole number >= 1", file=sys.stderr)
        sys.exit(2)
    if args.dir is not None:
        if args.dir.exists():
            print(f"error: --dir: {args.dir} exists; allowed: a new folder (a rerun would skip runs)", file=sys.stderr)
            sys.exit(2)
        m = measure(args.n, args.dir, extra, args.cores)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            m = measure(args.n, Path(tmp) / "sweep", extra, args.cores)
    print(" ".join(["python -m sim.robust", *command(args.n, Path("DIR"), extra)[3:]]))
    print(report(m))


if __name__ == "__main__":
    main()
