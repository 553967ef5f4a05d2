"""Critical-mineral export controls: an issuer restricts exports of chip-making minerals to a target.

Gallium, germanium, graphite and rare earths are mostly refined in China; licences
on their export raise the cost of making chips elsewhere and slow the growth of
the target's chip capacity (FACTS timeline 2023Q3, 2023Q4, 2025Q2).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import Column, pair_slider, set_pairs

FAMILY = "critical_minerals"
GROUP = "Critical-mineral export controls (towards partner)"
ARRAYS = {"minerals": "pair"}  # [issuer, target] stringency 0-1
SLIDERS = [pair_slider("stringency", "minerals: stringency", "issuer", "target", array="minerals")]
COLUMNS = [
    Column(
        "minerals",
        lambda lv: lv.minerals,
        "to",
        unit="stringency 0-1",
        meaning="A's critical-mineral export controls on B (gallium, germanium, graphite, rare earths)",
    )
]


@dataclass
class Measure:
    issuer: str = spec("CN", source="China refines most gallium, germanium, graphite and rare earths (timeline)")
    target: str = spec("all", source="China's licences apply to every destination (timeline 2023Q3)")
    stringency: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    set_pairs(levers, blocs, key, ("issuer", m.issuer), ("target", m.target), {"minerals": m.stringency})
