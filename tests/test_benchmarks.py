"""The benchmark command runs and prints its table (a smoke run: no timing is asserted here)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # sweeps, launchers and subprocess runs

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmarks_print_a_table_with_goals():
    proc = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--only", "throughput,app"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Entangle benchmarks (quick)") and "cores" in out
    assert "Entangle / Mesa per agent-step" in out and ">= 50x" in out
    assert "app step" in out and "p95 <= 100 ms" in out


def test_unknown_benchmark_is_refused_in_one_line():
    proc = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--only", "nope"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "throughput" in proc.stderr


def test_step_profile_accounts_for_every_phase_of_a_quarter():
    proc = subprocess.run(
        [sys.executable, "benchmarks/profile_step.py", "--factor", "0.01", "--repeats", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "76 quarters" in lines[0] and "ms a quarter" in lines[0]
    for phase in (
        "compute",
        "investment",
        "collaboration, in all",
        "new ties",
        "tie decay",
        "papers",
        "standards",
        "capability",
        "recorder",
        "rest",
    ):
        assert any(line.strip().startswith(phase) for line in lines[1:]), phase


def test_robust_sweep_benchmark_prints_runs_cpu_and_the_projection():
    proc = subprocess.run(
        [sys.executable, "benchmarks/robust_sweep.py", "--n", "1", "scale=classroom", "hydra/launcher=basic"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "runs            4" in proc.stdout and "s a run" in proc.stdout and "goal <= 10 min" in proc.stdout


def test_robust_sweep_benchmark_refuses_a_bad_n_in_one_line():
    proc = subprocess.run(
        [sys.executable, "benchmarks/robust_sweep.py", "--n", "0"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--n" in proc.stderr
