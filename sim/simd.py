"""One set of NumPy's SIMD code paths on every machine, so a config and seed give the same tables anywhere.

NumPy picks its loops at import by the CPU: AVX-512 machines sum, sort and take logarithms with other
kernels than AVX2 ones, whose last bits differ, and in a model where a draw is compared against such a value
a last bit becomes a different history within a few quarters. The same seed then gave other tables on a
cluster's newer nodes (the pinned checksum, made on an AVX-512 machine, failed on an AVX2 one). So the
AVX-512 paths are switched off through NumPy's own `NPY_DISABLE_CPU_FEATURES` before NumPy is imported: every
x86-64 machine with AVX2 (x86-64-v3: Intel since 2013, AMD since 2015) then runs the same kernels.
Older x86-64 CPUs and other architectures run, but their last bits may differ; `level()` says which paths
a run took (summary.json's `simd`). The model also avoids BLAS (`@` on float arrays), whose kernels OpenBLAS
chooses by CPU on its own.

`sim/__init__.py` imports this first. Code that imports NumPy before `sim` (a notebook) keeps NumPy's
choice; `python -m sim`, the sweeps, the app and the tests all import `sim` first.
"""

from __future__ import annotations

import os
import sys

ENV = "NPY_DISABLE_CPU_FEATURES"
# Dispatch targets above x86-64-v3, by the names NumPy gives them: groups from NumPy 2.4, features before.
ABOVE_V3 = {
    "new": "X86_V4 AVX512_ICL AVX512_SPR",
    "old": "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR",
}


def _numpy_names() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = (int(x) for x in version("numpy").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return ABOVE_V3["new"]
    return ABOVE_V3["new"] if (major, minor) >= (2, 4) else ABOVE_V3["old"]


def pin() -> None:
    """Switch NumPy's AVX-512 paths off, unless NumPy is already loaded or the user set the variable."""
    if "numpy" not in sys.modules and ENV not in os.environ:
        os.environ[ENV] = _numpy_names()  # also inherited by sweep workers and the app's processes


def level() -> str:
    """The SIMD paths this process's NumPy runs: its highest active dispatch target (or its baseline)."""
    try:
        from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    except ImportError:  # NumPy < 2
        from numpy.core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__
    active = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    return (active or list(__cpu_baseline__) or ["none"])[-1]


def above_v3() -> bool:
    """Whether this process runs an AVX-512 path (NumPy imported before `sim`): its results may differ."""
    return level() in set(" ".join(ABOVE_V3.values()).split())
