"""Standards cooperation: bilateral or multilateral alignment agreements, joins and withdrawals.

`join` adds the parties to the named agreement (creating it), `withdraw` removes
them. Blocs in a common agreement converge towards its depth (full mutual
recognition = 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec

FAMILY = "standards_agreements"


@dataclass
class Measure:
    name: str = spec("agreement", source="label")
    parties: list[str] = spec(factory=lambda: ["EU", "CN"], source="scenario")
    action: str = spec("join", choices=("join", "withdraw"), source="scenario")
    depth: float = spec(0.6, lo=0.0, hi=1.0, source="assumption: partial mutual recognition")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    from . import bloc_indices

    idx = {i for code in m.parties for i in bloc_indices(code, blocs, f"{key}.parties")}
    parties, depth = levers.agreements.get(m.name, (frozenset(), m.depth))
    parties = parties | idx if m.action == "join" else parties - idx
    levers.agreements[m.name] = (frozenset(parties), m.depth if m.action == "join" else depth)
