"""Compiled kernels of the step's mechanisms, one module per mechanism (rules in `sim/jit.py`).

Each kernel replaces a run of whole-array NumPy passes with one compiled loop over the same arrays and gives
the same bits; the mechanism module keeps the model's logic and calls its kernels.
"""
