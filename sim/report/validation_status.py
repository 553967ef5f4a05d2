"""The latest `python -m sim.validation` result recorded for this model version, in one sentence."""

from __future__ import annotations


def latest() -> str | None:
    return None
