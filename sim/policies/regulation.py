"""AI regulation: each bloc's regime (its AI standard), its compliance cost and strictness.

Compliance cost is the share of R&D a firm spends to comply; strictness places the
regime on the governance axis that standards alignment compares.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import Column, bloc_indices, own_slider

FAMILY = "regulation"
GROUP = "Regulation (own bloc)"
SLIDERS = [
    own_slider("strictness", "strictness"),
    own_slider("compliance_cost", "compliance cost (R&D)", hi=0.5, step=0.005),
]
COLUMNS = [
    Column(
        "compliance_cost",
        lambda lv: lv.compliance_cost,
        unit="share of R&D 0-0.5",
        meaning="compliance cost of the bloc's regime",
    ),
    Column("strictness", lambda lv: lv.strictness, meaning="strictness of the bloc's AI regime"),
]


@dataclass
class Measure:
    bloc: str = spec("EU", source="the regulating bloc")
    compliance_cost: float | None = spec(None, lo=0.0, hi=0.5, source="scenario")
    strictness: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    for i in bloc_indices(m.bloc, blocs, f"{key}.bloc"):
        if m.compliance_cost is not None:
            levers.compliance_cost[i] = m.compliance_cost
        if m.strictness is not None:
            levers.strictness[i] = m.strictness
