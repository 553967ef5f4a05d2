"""Exogenous shocks (not policy, but dated like it): e.g. the 2020 pandemic.

mobility: share of new research ties that cannot form (travel stops);
productivity: share of research output lost (labs closed, projects delayed).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec

FAMILY = "shocks"


@dataclass
class Measure:
    mobility: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    productivity: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    if m.mobility is not None:
        levers.shock_mobility = m.mobility
    if m.productivity is not None:
        levers.shock_productivity = m.productivity
