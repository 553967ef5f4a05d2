"""Export controls: an issuer restricts what it supplies to a target.

Scopes: chips (advanced AI accelerators), tools (chip-making equipment, which slows
the target's domestic substitution), models (access to frontier models and their
weights, which slows spillovers), assistance (technical assistance, which cuts
research ties in dual-use fields). Evasion is the share of controlled supply that
still reaches the target (smuggling, cloud access, stockpiles).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..levers import SCOPES
from ..schema import spec
from .family import Column, Slider, bloc_indices

FAMILY = "export_controls"
GROUP = "Export controls (towards partner)"


def _scope_slider(scope: str) -> Slider:
    k = SCOPES.index(scope)
    return Slider(
        "stringency",
        f"{scope}: stringency",
        lambda a, b: {"issuer": a, "target": b, "scope": [scope]},
        lambda lv, i, j, a, b: lv.export[k, i, j],
    )


SLIDERS = [
    *(_scope_slider(s) for s in SCOPES),
    Slider(
        "evasion",
        "evasion (leakage)",
        lambda a, b: {"issuer": a, "target": b},
        lambda lv, i, j, a, b: lv.evasion[i, j],
    ),
]
COLUMNS = [
    Column(
        "export_chips",
        lambda lv: lv.export[SCOPES.index("chips")],
        "to",
        unit="stringency 0-1",
        meaning="A's export controls on chips to B",
    ),
    Column(
        "export_tools",
        lambda lv: lv.export[SCOPES.index("tools")],
        "to",
        unit="stringency 0-1",
        meaning="A's export controls on chip-making tools to B",
    ),
]


@dataclass
class Measure:
    issuer: str = spec("US", source="the US controls most advanced-chip supply (G1)")
    target: str = spec("CN", source="the historical target (FACTS timeline 2022Q4)")
    scope: list[str] = spec(factory=lambda: ["chips"], choices=SCOPES, source="FACTS timeline 2022Q4")
    stringency: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    evasion: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    for i in bloc_indices(m.issuer, blocs, f"{key}.issuer"):
        for j in bloc_indices(m.target, blocs, f"{key}.target", exclude=i):
            if m.stringency is not None:
                for s in m.scope:
                    levers.export[SCOPES.index(s), i, j] = m.stringency
            if m.evasion is not None:
                levers.evasion[i, j] = m.evasion
