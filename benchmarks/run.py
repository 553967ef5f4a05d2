"""Entangle's benchmarks: one command, one table (issue "Scale and speed").

    python benchmarks/run.py            # full: realistic scale, 100-run sweeps (~10 minutes)
    python benchmarks/run.py --quick    # smoke run: classroom scale, few steps and runs (~1 minute)
    python benchmarks/run.py --only throughput,scaling --json results/benchmarks.json
    python benchmarks/run.py --only room  # seminar room in headless chromium (benchmarks/app_room.py; full only)

Every figure is measured in a fresh process (benchmarks/tasks.py) so start-up and
peak memory are honest. Comparisons are ratios measured inside one run, because
timings on a shared machine drift: the table states the machine and its load.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TASKS = Path(__file__).resolve().parent / "tasks.py"
REALISTIC_PERIOD = "2017Q1-2035Q4"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"  # where --markdown puts the table in a page


def task(name: str, **kwargs) -> dict:
    """Run one measurement of benchmarks/tasks.py in a fresh Python process."""
    args = [sys.executable, str(TASKS), name] + [f"{k}={v}" for k, v in kwargs.items()]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=_env())
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark task {name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    import mesa

    return (
        f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, numpy {np.__version__}, "
        f"Mesa {mesa.__version__}; load average {load:.1f} at start"
    )


# --- the five benchmarks: each returns rows (figure, value, goal, met) ---------------------


def bench_throughput(quick: bool) -> list[tuple]:
    r = task("throughput", factor=0.04 if quick else 1.0, steps=8 if quick else 0, repeats=2 if quick else 3)
    scale = "classroom" if quick else "realistic"
    what = f"{r['agents']:,} agents x {r['steps']} steps, {scale}; best of {r['repeats']} each"
    return [
        (f"1 Entangle agent-steps/s ({what})", f"{r['entangle_agent_steps_per_s']:,.0f}", "", None),
        (
            f"1 Mesa Boltzmann example agent-steps/s (same; {r['grid']}x{r['grid']} grid)",
            f"{r['mesa_agent_steps_per_s']:,.0f}",
            "",
            None,
        ),
        (
            "1 Entangle / Mesa per agent-step (by CPU time)",
            f"{r['ratio']:.1f}x ({r['ratio_cpu']:.1f}x)",
            ">= 50x",
            r["ratio"] >= 50,
        ),
    ], r


def bench_scaling(quick: bool) -> list[tuple]:
    factors = (0.01, 0.02, 0.04) if quick else (0.25, 1.0, 4.0, 16.0)
    runs = [task("scaling", factor=f, repeats=2 if f <= 1 else 1) for f in factors]
    slope = float(np.polyfit(np.log(factors), np.log([r["t_total"] for r in runs]), 1)[0])
    rows = [
        (
            f"2 full run at {f:g}x realistic ({r['agents']:,} agents): build + {r['steps']} steps",
            f"{r['t_total']:.2f} s (build {r['t_build']:.2f}), peak RSS {r['peak_rss_mb']:.0f} MB",
            "",
            None,
        )
        for f, r in zip(factors, runs)
    ]
    rows.append(("2 scaling: log-log slope of run time vs agents", f"{slope:.2f}", "<= 1.1", slope <= 1.1))
    return rows, {"runs": runs, "slope": slope}


def bench_end_to_end(quick: bool) -> list[tuple]:
    scale = "classroom" if quick else "realistic"
    with tempfile.TemporaryDirectory() as tmp:
        walls, cpus = [], []
        for i in range(1 if quick else 2):
            t, cpu = time.perf_counter(), _children_cpu()
            proc = subprocess.run(
                [sys.executable, "-m", "sim", f"scale={scale}", f"hydra.run.dir={tmp}/run{i}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=_env(),
            )
            walls.append(time.perf_counter() - t)
            cpus.append(_children_cpu() - cpu)
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr[-2000:])
        t = time.perf_counter()
        split = task("cli_split", out=f"{tmp}/split", scale=scale)
        split["python_start"] = max(0.0, time.perf_counter() - t - split["in_process_total"])
    whole, model = min(walls), split["build"] + split["model"]
    startup = split["python_start"] + split["imports"] + split["config"]
    rows = [
        (f"3 python -m sim scale={scale}: whole command", f"{whole:.2f} s (CPU {min(cpus):.2f} s)", "< 5 s", whole < 5),
        (
            "3   start-up: interpreter + imports + config (incl. precheck)",
            f"{startup:.2f} s ({split['python_start']:.2f} + {split['imports']:.2f} + {split['config']:.2f};"
            f" precheck {split['precheck']:.2f})",
            "",
            None,
        ),
        (
            "3   model: build agents + run all steps",
            f"{model:.2f} s ({split['build']:.2f} + {split['model']:.2f})",
            "< 1 s",
            model < 1,
        ),
        (
            "3   outputs: tables (parquet, summary) + plots",
            f"{split['tables'] + split['plots']:.2f} s ({split['tables']:.2f} + {split['plots']:.2f})",
            "",
            None,
        ),
    ]
    return rows, {"walls": walls, "cpus": cpus, "split": split}


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes: less sensitive than wall time to a busy machine."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _joblib_installed() -> bool:
    try:
        import hydra_plugins.hydra_joblib_launcher  # noqa: F401

        return True
    except ImportError:
        return False


def bench_sweep(quick: bool, runs: int = 100) -> list[tuple]:
    runs, factor = (4, 0.04) if quick else (runs, 1.0)
    # configs/config.yaml makes joblib the default launcher: the one-process baseline must ask for basic.
    base = ["-m", "sim", "--multirun", f"seed=range({runs})", f"scale.factor={factor}", "output=tables_only"]
    times, cpus = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in (
            ("basic", ["hydra/launcher=basic"]),
            ("joblib", ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]),
        ):
            if name == "joblib" and not _joblib_installed():
                t = time.perf_counter()
                task("pool_sweep", runs=runs, factor=factor, out=f"{tmp}/pool")
                times["process pool (stand-in: joblib launcher not installed)"] = time.perf_counter() - t
                continue
            t, cpu = time.perf_counter(), _children_cpu()
            proc = subprocess.run(
                [sys.executable, *base, *extra, f"hydra.sweep.dir={tmp}/{name}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=_env(),
            )
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr[-2000:])
            times[name] = time.perf_counter() - t
            cpus[name] = _children_cpu() - cpu  # joblib's workers are reaped at exit: their CPU counts
    (basic, t_basic), (parallel, t_par) = list(times.items())
    efficiency = t_basic / t_par / 2
    what = f"{runs} runs at {factor:g}x realistic, tables only"
    # CPU seconds per wall second: below ~2 for the parallel launcher, the other core was busy elsewhere.
    busy = {k: f"CPU {cpus[k]:.0f} s, {cpus[k] / times[k]:.2f} cores busy" if k in cpus else "" for k in times}
    return [
        (
            f"4 sweep, basic launcher ({what})",
            f"{runs / t_basic * 60:.1f} runs/min ({t_basic:.0f} s; {busy[basic]})",
            "",
            None,
        ),
        (
            f"4 sweep, {parallel} launcher, 2 jobs",
            f"{runs / t_par * 60:.1f} runs/min ({t_par:.0f} s; {busy[parallel]})",
            "",
            None,
        ),
        ("4 parallel efficiency on 2 cores", f"{efficiency:.0%}", ">= 85%", efficiency >= 0.85),
    ], {"times": times, "cpus": cpus}


def bench_app(quick: bool) -> list[tuple]:
    """The teaching app: step + chart data in process; click -> charts redrawn in headless chromium."""
    r = _app_step()
    rows = [
        (
            f"5 app step + chart data, classroom ({r['agents']} agents)",
            f"median {r['total']['median_ms']:.1f} ms, p95 {r['total']['p95_ms']:.1f} ms",
            "p95 <= 100 ms",
            r["total"]["p95_ms"] <= 100,
        )
    ]
    if quick or not _browser_ready():
        return rows, {"in_process": r}
    b = _app_step("--browser", "--quarters", "60")
    rows.append(
        (
            f"5 app click Step -> {b['charts_in_view']} charts in view redrawn (headless chromium, "
            f"{b['viewport']}; server {b['server']['median_ms']:.0f} + drawing {b['drawing']['median_ms']:.0f} ms)",
            f"median {b['total']['median_ms']:.1f} ms, p95 {b['total']['p95_ms']:.1f} ms",
            "median <= 100 ms",
            b["total"]["median_ms"] <= 100,
        )
    )
    return rows, {"in_process": r, "browser": b}


def _browser_ready() -> bool:
    return Path("/usr/bin/chromium").is_file() and importlib.util.find_spec("playwright") is not None


def bench_room(quick: bool) -> list[tuple]:
    """A seminar room in headless chromium (a lecturer and three teams), with a seed band running in the
    same server: a round's click -> all four screens redrawn; server RSS over join/leave cycles."""
    if quick or not _browser_ready():
        return [], {}
    raw = {
        "step": _app_step("--band", "--rounds", "20", script="app_room.py"),
        "commit": _app_step("--band", "--auto", "--rounds", "20", script="app_room.py"),
        "join_leave": _app_step("--join-leave", "50", script="app_room.py"),
    }
    rows = [
        (
            f"6 room: {what} -> all 4 screens show the new quarter (3 teams, seed band running)",
            f"median {raw[key]['total']['median_ms']:.0f} ms, p95 {raw[key]['total']['p95_ms']:.0f} ms",
            "median <= 150 ms",
            raw[key]["total"]["median_ms"] <= 150,
        )
        for key, what in (("step", "lecturer's step click"), ("commit", "last team's commit (auto step)"))
    ]
    jl = raw["join_leave"]
    at = jl["rss_mib_at"]
    rows.append(
        (
            f"6 room: server RSS over {jl['cycles']} join/leave cycles of 3 team screens (at "
            + ", ".join(map(str, at))
            + ")",
            ", ".join(f"{v:.0f}" for v in at.values()) + f" MiB (before {jl['start_mib']:.0f})",
            "flat",
            None,
        )
    )
    return rows, raw


def _app_step(*args: str, script: str = "app_step.py") -> dict:
    proc = subprocess.run(
        [sys.executable, str(TASKS.parent / script), "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark {script} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


BENCHMARKS = {
    "throughput": bench_throughput,
    "scaling": bench_scaling,
    "end_to_end": bench_end_to_end,
    "sweep": bench_sweep,
    "app": bench_app,
    "room": bench_room,
}


def table(rows: list[tuple]) -> str:
    head = ("Figure", "Value", "Goal", "Met")
    cells = [head] + [(f, v, g, "" if met is None else ("yes" if met else "NO")) for f, v, g, met in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(4)]
    line = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    out = [line.format(*head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join(out + [line.format(*r) for r in cells[1:]])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: classroom scale, few steps and runs")
    ap.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    ap.add_argument("--json", help="also write the raw measurements to this JSON file")
    ap.add_argument(
        "--markdown",
        help="also write the table, with the command, commit and date, to this file: between its "
        "benchmarks:start/end markers if it has them, else as a page of its own "
        "(docs/PERFORMANCE.md keeps the latest full table)",
    )
    ap.add_argument("--sweep-runs", type=int, default=100, help="runs per launcher in the sweep benchmark")
    args = ap.parse_args(argv)
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = [b for b in chosen if b not in BENCHMARKS]
    if unknown:
        print(
            f"error: --only: unknown benchmark {', '.join(unknown)} (allowed: {', '.join(BENCHMARKS)})", file=sys.stderr
        )
        return 2
    header = f"Entangle benchmarks{' (quick)' if args.quick else ''} - {machine()}"
    rows, raw = [], {"machine": header, "quick": args.quick}
    for name in chosen:
        t = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        options = {"runs": args.sweep_runs} if name == "sweep" else {}
        got, raw[name] = BENCHMARKS[name](args.quick, **options)
        rows += got
        print(f"  {name}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
        print("\n".join(f"  {f}: {v}" for f, v, _, _ in got), file=sys.stderr, flush=True)
    print(header)
    print(table(rows))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(raw, indent=2) + "\n")
    if args.markdown:
        _write_markdown(Path(args.markdown), header, table(rows), argv if argv is not None else sys.argv[1:])
    return 0


def _write_markdown(path: Path, header: str, text: str, argv: list[str]) -> None:
    """The table, with what was run, on which commit, when, on what machine (written atomically).

    A page with `<!-- benchmarks:start -->` and `<!-- benchmarks:end -->` lines (docs/PERFORMANCE.md)
    gets the table between them and keeps the rest; any other path gets a page of its own.
    """
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    outputs = {"--json", "--markdown"}  # where the results went: not part of what was measured
    argv = [
        a
        for i, a in enumerate(argv)
        if a not in outputs and (i == 0 or argv[i - 1] not in outputs) and a.split("=")[0] not in outputs
    ]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = (
        f"Measured {when} with `python benchmarks/run.py {' '.join(argv)}`"
        f" at commit `{commit.stdout.strip() or 'unknown'}`.\n\n{header}\n\n{text}\n"
    )
    old = path.read_text() if path.is_file() else ""
    if START in old and END in old:
        page = old[: old.index(START) + len(START)] + "\n" + block + old[old.index(END) :]
    else:
        page = (
            f"# Entangle benchmarks\n\n{block}\nGoals and what each figure measures: docs/PERFORMANCE.md. "
            "Where a quarter's time goes: `python benchmarks/profile_step.py`.\n"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
