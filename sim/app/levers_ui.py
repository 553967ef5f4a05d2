"""What the page lets a class change: one slider per policy lever of the acting bloc, and event buttons.

A slider reads the value in force from the model's lever arrays (so it shows the scenario's
history too) and, when moved, puts a measure of that lever's family in force from the next step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..levers import SCOPES


@dataclass
class Slider:
    group: str
    family: str
    field: str
    label: str
    lo: float
    hi: float
    step: float
    ident: Callable[[str, str], dict]  # acting bloc, partner -> the measure's other fields
    read: Callable[[object, int, int, str, str], float]  # levers, i, j, a, b -> value in force
    scale: float = 1.0  # slider value * scale -> measure value
    make: Callable[[str, str, float], dict] | None = None  # builds the measure itself (standards)

    def slot(self, a: str, b: str) -> tuple:
        return (self.family, self.field, repr(sorted(self.ident(a, b).items())))

    def values(self, a: str, b: str, x: float) -> dict:
        if self.make:
            return self.make(a, b, x)
        return {**self.ident(a, b), self.field: round(float(x) * self.scale, 6)}


def programme_name(bloc: str) -> str:
    return "InvestAI" if bloc == "EU" else f"{bloc} AI programme"


def agreement_name(a: str, b: str) -> str:
    return "-".join(sorted((a, b))) + " standards"


def _programme_per_year(lv, i, j, a, b) -> float:
    p = lv.programmes.get(programme_name(a))
    return p.quarterly_eur_bn * 4 if p and p.quarters_left > 0 else 0.0


def _agreement_depth(lv, i, j, a, b) -> float:
    parties, depth = lv.agreements.get(agreement_name(a, b), (frozenset(), 0.0))
    return depth if {i, j} <= parties else 0.0


def _export(scope):
    k = SCOPES.index(scope)
    return Slider(
        "Export controls (towards partner)",
        "export_controls",
        "stringency",
        f"{scope}: stringency",
        0,
        1,
        0.01,
        lambda a, b: {"issuer": a, "target": b, "scope": [scope]},
        lambda lv, i, j, a, b: lv.export[k, i, j],
    )


def _pairwise(group, family, name, label, bloc_key="bloc", partner_key="partner", arr=None):
    arr = arr or name
    return Slider(
        group,
        family,
        name,
        label,
        0,
        1,
        0.01,
        lambda a, b: {bloc_key: a, partner_key: b},
        lambda lv, i, j, a, b: getattr(lv, arr)[i, j],
    )


SLIDERS: list[Slider] = [
    *[_export(s) for s in SCOPES],
    Slider(
        "Export controls (towards partner)",
        "export_controls",
        "evasion",
        "evasion (leakage)",
        0,
        1,
        0.01,
        lambda a, b: {"issuer": a, "target": b},
        lambda lv, i, j, a, b: lv.evasion[i, j],
    ),
    _pairwise("Research security (on partner)", "research_security", "screening", "screening of ties"),
    _pairwise("Research security (on partner)", "research_security", "ban_military", "ban military-linked"),
    _pairwise("Research security (on partner)", "research_security", "ban_security", "ban security-linked"),
    _pairwise("Research security (on partner)", "research_security", "personnel", "personnel screening"),
    _pairwise("Research security (on partner)", "research_security", "mobility", "mobility restriction"),
    _pairwise("Investment screening (with partner)", "investment_screening", "inbound", "inbound screening"),
    _pairwise("Investment screening (with partner)", "investment_screening", "outbound", "outbound screening"),
    Slider(
        "Investment screening (with partner)",
        "investment_screening",
        "threshold_eur_m",
        "review threshold (EUR m)",
        0,
        100,
        1,
        lambda a, b: {"bloc": a},
        lambda lv, i, j, a, b: lv.threshold_eur_m[i],
    ),
    Slider(
        "InvestAI-style programme (own bloc)",
        "investai",
        "budget_eur_bn",
        "budget (EUR bn a year)",
        0,
        100,
        1,
        lambda a, b: {"bloc": a, "name": programme_name(a), "years": 5.0},
        _programme_per_year,
        scale=5.0,
    ),
    Slider(
        "Regulation (own bloc)",
        "regulation",
        "strictness",
        "strictness",
        0,
        1,
        0.01,
        lambda a, b: {"bloc": a},
        lambda lv, i, j, a, b: lv.strictness[i],
    ),
    Slider(
        "Regulation (own bloc)",
        "regulation",
        "compliance_cost",
        "compliance cost (R&D)",
        0,
        0.5,
        0.005,
        lambda a, b: {"bloc": a},
        lambda lv, i, j, a, b: lv.compliance_cost[i],
    ),
    Slider(
        "Standards agreement (with partner)",
        "standards_agreements",
        "depth",
        "depth (0 = none)",
        0,
        1,
        0.01,
        lambda a, b: {"name": agreement_name(a, b), "parties": sorted([a, b])},
        _agreement_depth,
        make=lambda a, b, x: standards_values(a, b, x),
    ),
]


def standards_values(a: str, b: str, depth: float) -> dict:
    """A depth of 0 withdraws both blocs from their bilateral agreement; above 0 joins at that depth."""
    base = {"name": agreement_name(a, b), "parties": sorted([a, b])}
    if depth <= 0:
        return {**base, "action": "withdraw"}
    return {**base, "action": "join", "depth": round(float(depth), 6)}


@dataclass
class Event:
    key: str
    title: str
    short: str  # the marker's label on the charts
    measures: list = field(default_factory=list)  # [(family, values)]


EVENTS: list[Event] = [
    Event(
        "us_chips",
        "US tightens chip export controls",
        "US chip controls",
        [
            (
                "export_controls",
                {
                    "issuer": "US",
                    "target": "CN",
                    "scope": ["chips", "tools", "models"],
                    "stringency": 0.95,
                    "evasion": 0.1,
                },
            )
        ],
    ),
    Event(
        "eu_research_security",
        "EU adopts strict research security",
        "EU research security",
        [
            (
                "research_security",
                {
                    "bloc": "EU",
                    "partner": "CN",
                    "screening": 0.6,
                    "ban_military": 0.9,
                    "ban_security": 0.7,
                    "personnel": 0.5,
                    "mobility": 0.2,
                },
            )
        ],
    ),
    Event(
        "investai",
        "InvestAI pays out",
        "InvestAI",
        [
            (
                "investai",
                {
                    "bloc": "EU",
                    "name": "InvestAI",
                    "budget_eur_bn": 200.0,
                    "years": 5.0,
                    "compute_share": 0.5,
                    "private_leverage": 1.0,
                },
            )
        ],
    ),
    Event(
        "eu_cn_standards",
        "EU–China standards agreement",
        "EU–CN standards",
        [
            (
                "standards_agreements",
                {"name": agreement_name("EU", "CN"), "parties": ["CN", "EU"], "action": "join", "depth": 0.6},
            )
        ],
    ),
    Event(
        "cn_retaliates",
        "China retaliates",
        "CN retaliates",
        [
            ("export_controls", {"issuer": "CN", "target": "US", "scope": ["chips", "tools"], "stringency": 0.6}),
            ("investment_screening", {"bloc": "CN", "partner": "US", "inbound": 0.7, "outbound": 0.5}),
            ("research_security", {"bloc": "CN", "partner": "US", "screening": 0.4, "mobility": 0.3}),
        ],
    ),
]
