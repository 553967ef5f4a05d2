"""Compiled kernels for the step's hottest passes: `kernel` is Numba's `njit` with the project's settings.

Why: a quarter at realistic scale is hundreds of whole-array NumPy passes over ~100k elements, each reading
and writing memory; a sweep of a thousand runs spends most of its time there. A kernel fuses such passes into
one loop over the same arrays (still all agents of a kind at once, never a per-agent Python loop).

The rule that keeps a seed's tables the same: a kernel computes exactly what the NumPy code it replaces
computed, bit for bit (`tests/test_checksum.py` pins it). So a kernel
- uses only +, -, *, /, comparisons, integer arithmetic and `sqrt` (all exact under IEEE 754), never `exp`,
  `log` or `**` on floats, whose last bits differ between NumPy's SIMD loops and LLVM's maths library;
- sums in the order NumPy did: `np.cumsum` and `np.add.reduceat` add left to right (a plain loop does the
  same), but `np.sum` of a float array adds pairwise, so a kernel that replaces a `sum` keeps the `sum`;
- draws no random numbers: draws stay with the mechanism's own NumPy stream (`sim/streams.py`).
No fastmath (it would let LLVM reorder sums), and the NumPy error model (x/0 gives inf or nan as in NumPy).
Compiled code is cached beside the source (`__pycache__`), so only a machine's first run compiles.
"""

from __future__ import annotations

import numba

kernel = numba.njit(cache=True, nogil=True, error_model="numpy")
