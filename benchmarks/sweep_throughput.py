"""Runs per minute of a sweep with the basic (one process) and joblib (all cores) launchers.

    python benchmarks/sweep_throughput.py [runs=8] [scale=realistic] [launchers=basic,joblib] [extra overrides]

Wall time of the whole `python -m sim --multirun` command (start-up, checks, runs, aggregate)
and of the runs alone (first job started to last `done.json` written).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    opts = {"runs": "8", "scale": "realistic", "launchers": "basic,joblib"}
    extra = []
    for arg in argv:
        key, _, value = arg.partition("=")
        if key in opts:
            opts[key] = value
        else:
            extra.append(arg)
    n = int(opts["runs"])
    for launcher in opts["launchers"].split(","):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "sweep"
            cmd = [
                sys.executable,
                "-m",
                "sim",
                "--multirun",
                f"hydra/launcher={launcher}",
                f"scale={opts['scale']}",
                f"seed=range(0,{n})",
                f"hydra.sweep.dir={out}",
                "sweep.plots=false",
                *extra,
            ]
            t0 = time.time()
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
            total = time.time() - t0
            started = min(p.stat().st_mtime for p in out.glob("*/.hydra/config.yaml"))
            finished = max(p.stat().st_mtime for p in out.glob("*/done.json"))
            runs = finished - started
            print(
                f"{launcher:8s} {n} runs at scale={opts['scale']}: command {total:6.1f} s "
                f"({60 * n / total:5.1f} runs/min); runs alone {runs:6.1f} s ({60 * n / runs:5.1f} runs/min)"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
