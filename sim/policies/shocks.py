"""Exogenous shocks (not policy, but dated like it): e.g. the 2020 pandemic.

mobility: share of new research ties that cannot form (travel stops);
productivity: share of research output lost at once (every bloc);
starts: share of new research projects the named bloc's researchers do not start (labs closed): their
papers are missing later, over the projects' lives (sim/mechanisms/projects.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import bloc_indices

FAMILY = "shocks"
ARRAYS = {"start_cut": "bloc"}  # [bloc] share of new research projects not started


@dataclass
class Measure:
    mobility: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    productivity: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    starts: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    bloc: str = spec("all", source="the bloc whose project starts `starts` cuts ('all': every bloc)")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    if m.mobility is not None:
        levers.shock_mobility = m.mobility
    if m.productivity is not None:
        levers.shock_productivity = m.productivity
    if m.starts is not None:
        for i in bloc_indices(m.bloc, blocs, f"{key}.bloc"):
            levers.start_cut[i] = m.starts
