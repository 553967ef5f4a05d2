"""Entangle: an agent-based model of AI entanglements between the EU, China and the US.

For notebooks: `from sim import run_scenario, evaluate` (sim/api.py, docs/API.md).
"""

from . import simd

simd.pin()  # before anything imports NumPy: same SIMD paths, same tables, on every machine (sim/simd.py)

__version__ = "0.1.0"
__all__ = ["run_scenario", "evaluate", "Tables"]


def __getattr__(name):
    # loaded on first use: `python -m sim` and the sweep workers need not import the API's dependencies
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
