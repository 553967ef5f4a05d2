"""Investment screening: a bloc reviews inbound deals from, and outbound deals into, a partner bloc.

Deals at or above the threshold are reviewed; a reviewed deal is blocked with
probability stringency (times the target's sensitivity: chipmakers and dual-use labs).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import Column, bloc_indices, own_slider, pair_slider, set_pairs

FAMILY = "investment_screening"
GROUP = "Investment screening (with partner)"
SLIDERS = [
    pair_slider("inbound", "inbound screening"),
    pair_slider("outbound", "outbound screening"),
    own_slider("threshold_eur_m", "review threshold (EUR m)", hi=100, step=1),
]
COLUMNS = [
    Column(
        "inbound", lambda lv: lv.inbound, "from", unit="stringency 0-1", meaning="A's screening of investment from B"
    ),
    Column(
        "outbound",
        lambda lv: lv.outbound,
        "to",
        unit="stringency 0-1",
        meaning="A's screening of its investment into B",
    ),
    Column("screening_threshold_eur_m", lambda lv: lv.threshold_eur_m, recorded=False),
]


@dataclass
class Measure:
    bloc: str = spec("EU", source="the screening bloc")
    partner: str = spec("all", source="the investors' (inbound) or targets' (outbound) bloc")
    inbound: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    outbound: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    threshold_eur_m: float | None = spec(None, lo=0.0, source="scenario: EUR m at or above which deals are reviewed")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    for i in bloc_indices(m.bloc, blocs, f"{key}.bloc"):
        if m.threshold_eur_m is not None:
            levers.threshold_eur_m[i] = m.threshold_eur_m
    values = {"inbound": m.inbound, "outbound": m.outbound}
    set_pairs(levers, blocs, key, ("bloc", m.bloc), ("partner", m.partner), values)
