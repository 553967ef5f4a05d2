"""What the page lets a class change: one slider per policy lever of the acting bloc, and event buttons.

Each lever family declares its sliders (sim/policies/<family>.py). A slider reads the value in
force from the model's lever arrays (so it shows the scenario's history too) and, when moved, puts
a measure of that lever's family in force from the next step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..policies import FAMILIES
from ..policies.family import Slider
from ..policies.standards_agreements import agreement_name


def sliders() -> list[Slider]:
    """The lever panel: every registered family's sliders, under its heading, in registry order."""
    return [
        replace(s, family=name, group=getattr(module, "GROUP", name))
        for name, module in FAMILIES.items()
        for s in getattr(module, "SLIDERS", ())
    ]


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
