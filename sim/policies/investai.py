"""InvestAI-style public programmes: a budget paid out evenly over its duration.

The compute share builds public compute (AI gigafactories); the rest goes to the
bloc's startups (seed to B), each public euro drawing in `private_leverage` private euros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..levers import Programme
from ..schema import spec
from .family import Column, Slider, bloc_indices

FAMILY = "investai"
GROUP = "InvestAI-style programme (own bloc)"


def programme_name(bloc: str) -> str:
    """The programme the app's slider resizes: the EU's is InvestAI."""
    return "InvestAI" if bloc == "EU" else f"{bloc} AI programme"


def _per_year(lv, i, j, a, b) -> float:
    p = lv.programmes.get(programme_name(a))
    return p.quarterly_eur_bn * 4 if p and p.quarters_left > 0 else 0.0


def _paying_out(lv) -> np.ndarray:
    """[bloc] EUR bn a quarter of the bloc's programmes still paying out."""
    return np.array(
        [
            float(sum(p.quarterly_eur_bn for p in lv.programmes.values() if p.bloc == b and p.quarters_left > 0))
            for b in range(lv.n_blocs)
        ]
    )


SLIDERS = [
    Slider(
        "budget_eur_bn",
        "budget (EUR bn a year)",
        lambda a, b: {"bloc": a, "name": programme_name(a), "years": 5.0},
        _per_year,
        hi=100,
        step=1,
        scale=5.0,
    )
]
COLUMNS = [
    Column("programme_eur_bn", _paying_out, unit="EUR bn per quarter", meaning="public AI programmes being paid out")
]


@dataclass
class Measure:
    bloc: str = spec("EU", source="G5: InvestAI is an EU programme")
    name: str = spec("InvestAI", source="label")
    budget_eur_bn: float = spec(200.0, lo=0.0, source="G5: EUR 200 bn announced February 2025")
    years: float = spec(5.0, lo=0.25, hi=30.0, source="assumption: paid out 2025-2030")
    compute_share: float = spec(0.5, lo=0.0, hi=1.0, source="assumption: G5 names gigafactories and startups")
    private_leverage: float = spec(1.0, lo=0.0, hi=10.0, source="assumption: one private euro per public euro")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    quarters = max(1, int(round(m.years * 4)))
    for i in bloc_indices(m.bloc, blocs, f"{key}.bloc"):
        # A programme of the same name is replaced: the command line can resize a scenario's programme.
        levers.programmes[m.name] = Programme(
            i, m.budget_eur_bn / quarters, quarters, m.compute_share, m.private_leverage, m.name
        )
