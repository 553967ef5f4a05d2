"""Standards cooperation: bilateral or multilateral alignment agreements, joins and withdrawals.

`join` adds the parties to the named agreement (creating it), `withdraw` removes
them. Blocs in a common agreement converge towards its depth (full mutual
recognition = 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import Slider, bloc_indices

FAMILY = "standards_agreements"
GROUP = "Standards agreement (with partner)"


def agreement_name(a: str, b: str) -> str:
    """The bilateral agreement the app's slider sets."""
    return "-".join(sorted((a, b))) + " standards"


def _depth(lv, i, j, a, b) -> float:
    parties, depth = lv.agreements.get(agreement_name(a, b), (frozenset(), 0.0))
    return depth if {i, j} <= parties else 0.0


def slider_values(a: str, b: str, depth: float) -> dict:
    """A depth of 0 withdraws both blocs from their bilateral agreement; above 0 joins at that depth."""
    base = {"name": agreement_name(a, b), "parties": sorted([a, b])}
    if depth <= 0:
        return {**base, "action": "withdraw"}
    return {**base, "action": "join", "depth": round(float(depth), 6)}


SLIDERS = [
    Slider(
        "depth",
        "depth (0 = none)",
        lambda a, b: {"name": agreement_name(a, b), "parties": sorted([a, b])},
        _depth,
        make=slider_values,
    )
]


@dataclass
class Measure:
    name: str = spec("agreement", source="label")
    parties: list[str] = spec(factory=lambda: ["EU", "CN"], source="scenario")
    action: str = spec("join", choices=("join", "withdraw"), source="scenario")
    depth: float = spec(0.6, lo=0.0, hi=1.0, source="assumption: partial mutual recognition")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    idx = {i for code in m.parties for i in bloc_indices(code, blocs, f"{key}.parties")}
    parties, depth = levers.agreements.get(m.name, (frozenset(), m.depth))
    parties = parties | idx if m.action == "join" else parties - idx
    levers.agreements[m.name] = (frozenset(parties), m.depth if m.action == "join" else depth)
