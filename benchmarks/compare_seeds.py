"""Wall time of a paired comparison (issue goal: 30 seeds at realistic scale in ≤ 2 min on 2 cores).

    python benchmarks/compare_seeds.py [seeds=30] [scenario=eu_derisk] [against=baseline] [extra overrides]

Times the whole `python -m sim.compare` command in a fresh folder, then again into the same folder
(every run reused: what a resumed or re-asked comparison costs), and prints the load average.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    opts = {"seeds": "30", "scenario": "eu_derisk", "against": "baseline"}
    extra = [a for a in argv if a.partition("=")[0] not in opts]
    opts.update(a.partition("=")[::2] for a in argv if a.partition("=")[0] in opts)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cmp"
        cmd = [sys.executable, "-m", "sim.compare", f"sweep={out}", "year=2030", *(f"{k}={v}" for k, v in opts.items())]
        result = {"seeds": int(opts["seeds"]), "load_at_start": os.getloadavg()[0]}
        for label in ("fresh", "reused"):
            t0 = time.perf_counter()
            done = subprocess.run([*cmd, *extra], cwd=ROOT, capture_output=True, text=True)
            if done.returncode:
                sys.exit(done.stderr[-2000:])
            result[f"{label}_s"] = round(time.perf_counter() - t0, 1)
            result[f"{label}_runs_s"] = json.loads((out / "compare.json").read_text())["seconds_runs"]
        print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
