"""Shared helpers: build and run models from the same configs the command line uses."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pytest

from sim.compose import compose_config
from sim.run import build_model


@functools.lru_cache(maxsize=64)
def _run(overrides: tuple[str, ...]):
    model = build_model(compose_config(list(overrides)))
    model.run()
    return model


# The tests' model size: they check behaviour, not calibration, and run many models, so they keep the former
# classroom factor (the shipped classroom scale is 0.5, configs/scale/classroom.yaml). A test that sets
# scale.factor itself keeps its own.
FAST_FACTOR = 0.04


def fast(overrides) -> tuple[str, ...]:
    """`overrides` plus scale.factor=FAST_FACTOR unless they set a factor."""
    overrides = tuple(overrides)
    return (
        overrides
        if any(o.startswith("scale.factor=") for o in overrides)
        else (*overrides, f"scale.factor={FAST_FACTOR}")
    )


def run(*overrides: str, scale: str = "classroom"):
    """A finished model for these overrides (cached: treat it as read-only)."""
    overrides = (f"scale={scale}",) + overrides
    return _run(tuple(sorted(fast(overrides) if scale == "classroom" else overrides)))


def timeseries(*overrides: str, scale: str = "classroom"):
    return run(*overrides, scale=scale).recorder.timeseries()


def mean_over_seeds(column: str, years, *overrides: str, seeds=(0, 1, 2), factor: float = 0.15):
    """Mean of an outcome over the given years and seeds: a paired, low-noise comparison."""
    values = []
    for seed in seeds:
        ts = timeseries(f"seed={seed}", f"scale.factor={factor}", *overrides)
        values.append(ts.loc[ts["year"].isin(list(years)), column].mean())
    return sum(values) / len(values)


@pytest.fixture
def classroom():
    return run("seed=0")


def load_script(name: str):
    """A script of `scripts/` as a module (scripts are not a package), for tests of its reading of the model."""
    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
