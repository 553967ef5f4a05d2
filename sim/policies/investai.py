"""InvestAI-style public programmes: a budget paid out evenly over its duration.

The compute share builds public compute (AI gigafactories); the rest goes to the
bloc's startups (seed to B), each public euro drawing in `private_leverage` private euros.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..levers import Programme
from ..schema import spec

FAMILY = "investai"


@dataclass
class Measure:
    bloc: str = spec("EU", source="G5: InvestAI is an EU programme")
    name: str = spec("InvestAI", source="label")
    budget_eur_bn: float = spec(200.0, lo=0.0, source="G5: EUR 200 bn announced February 2025")
    years: float = spec(5.0, lo=0.25, hi=30.0, source="assumption: paid out 2025-2030")
    compute_share: float = spec(0.5, lo=0.0, hi=1.0, source="assumption: G5 names gigafactories and startups")
    private_leverage: float = spec(1.0, lo=0.0, hi=10.0, source="assumption: one private euro per public euro")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    from . import bloc_indices

    quarters = max(1, int(round(m.years * 4)))
    for i in bloc_indices(m.bloc, blocs, f"{key}.bloc"):
        # A programme of the same name is replaced: the command line can resize a scenario's programme.
        levers.programmes[m.name] = Programme(
            i, m.budget_eur_bn / quarters, quarters, m.compute_share, m.private_leverage, m.name
        )
