"""Same config and seed, same tables on any machine: NumPy's SIMD paths are pinned, and no BLAS (sim/simd.py)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
PROBE = "import os, sim, numpy; from sim import simd; print(os.environ.get(simd.ENV)); print(simd.level())"


def _probe(env: dict) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return out.stdout.split("\n")[:2]


def test_importing_sim_first_switches_numpys_avx512_paths_off():
    env = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    disabled, level = _probe(env)
    assert "AVX512_SPR" in disabled.split()
    from sim import simd

    assert level not in " ".join(simd.ABOVE_V3.values()).split()


def test_a_users_own_setting_is_kept():
    env = dict(os.environ, NPY_DISABLE_CPU_FEATURES="")
    assert _probe(env)[0] == ""


def test_this_test_process_runs_the_pinned_paths():
    # conftest imports sim before NumPy, so the checksum test compares like with like on any machine
    from sim import simd

    assert not simd.above_v3(), simd.level()


def _blas_calls(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"dot", "matmul", "inner", "vdot", "tensordot", "einsum"}:
                lines.append(node.lineno)
    return lines


def test_the_model_does_not_call_blas():
    # OpenBLAS picks its kernels by CPU on its own, past NumPy's pin: a model's `@` would differ by machine
    found = []
    for path in sorted(SIM.rglob("*.py")):
        found += [f"{path.relative_to(SIM.parent)}:{n}" for n in _blas_calls(ast.parse(path.read_text()))]
    assert found == [], f"matrix products through BLAS in {found}; write them as sums (sim/simd.py)"


def test_blas_finder_finds_a_matrix_product():
    assert _blas_calls(ast.parse("y = a @ b\nz = np.dot(a, b)\nw = a * b")) == [1, 2]


def test_summary_records_the_simd_paths(tmp_path):
    from sim import simd
    from sim.compose import compose_config
    from sim.run import run

    summary = run(compose_config(["scale=classroom", "scale.factor=0.04", "seed=0"]), tmp_path / "run")
    assert summary["simd"] == simd.level()
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["simd"] == simd.level()
