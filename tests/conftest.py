"""Shared helpers: build and run models from the same configs the command line uses."""

from __future__ import annotations

import functools

import pytest

from sim.compose import compose_config
from sim.run import build_model


@functools.lru_cache(maxsize=64)
def _run(overrides: tuple[str, ...]):
    model = build_model(compose_config(list(overrides)))
    model.run()
    return model


def run(*overrides: str, scale: str = "classroom"):
    """A finished model for these overrides (cached: treat it as read-only)."""
    return _run(tuple(sorted((f"scale={scale}",) + overrides)))


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
