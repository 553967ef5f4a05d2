"""De-risking and research security: what a bloc screens in research ties with a partner bloc.

screening: review of proposed ties, weighted by the partner's risk profile;
ban_military / ban_security: entity-list bans on military- or public-security-linked
partners (also ends existing ties); personnel: screening of visiting researchers in
dual-use fields; mobility: visa and travel restrictions that cut new ties.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import Column, pair_slider, set_pairs

FAMILY = "research_security"
LEVERS = ("screening", "ban_military", "ban_security", "personnel", "mobility")
GROUP = "Research security (on partner)"
SLIDERS = [
    pair_slider("screening", "screening of ties"),
    pair_slider("ban_military", "ban military-linked"),
    pair_slider("ban_security", "ban security-linked"),
    pair_slider("personnel", "personnel screening"),
    pair_slider("mobility", "mobility restriction"),
]
COLUMNS = [
    Column("screening", lambda lv: lv.screening, "on", meaning="A's research-security screening of partners in B"),
    Column(
        "ban_military",
        lambda lv: lv.ban_military,
        "on",
        meaning="A's entity-list ban on B's military-linked institutions",
    ),
    Column("mobility", lambda lv: lv.mobility, "on", meaning="A's restriction of researcher mobility with B"),
]


@dataclass
class Measure:
    bloc: str = spec("EU", source="the bloc that screens")
    partner: str = spec("CN", source="the bloc screened; 'all' for every other bloc")
    screening: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    ban_military: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    ban_security: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    personnel: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")
    mobility: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    values = {name: getattr(m, name) for name in LEVERS}
    set_pairs(levers, blocs, key, ("bloc", m.bloc), ("partner", m.partner), values)
