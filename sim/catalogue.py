"""The actor catalogue: default attributes of each bloc and its countries.

A scenario lists the blocs it simulates (EU, CN, US by default) and may override
any attribute here, or define a new bloc in full. "EU" means Europe as in the
sources (EU27 plus NO, CH, UK). A country whose code is itself a simulated bloc
(e.g. UK in `uk_own_bloc`) leaves its parent bloc and becomes that bloc.

Agent counts are at realistic scale (scale factor 1.0).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import IntEnum

from .schema import spec

FIELDS = ("vision", "nlp", "robotics", "data_mining", "networking", "other")
# How sensitive each field is as dual-use (assumption: vision, robotics and telecom
# are the fields named in export-control and research-security guidance).
DUAL_USE = (1.0, 0.5, 1.0, 0.5, 0.8, 0.2)
# Category codes: agents' arrays hold these small integers; each tuple of labels is indexed by them
# (tests/test_contract.py checks that every enum and its labels agree).
SECTORS = ("software", "corporate_lab", "chipmaker")
STAGES = ("seed", "A", "B", "C", "D", "E", "F+", "listed")  # E apart from later rounds (issue 14)
RISKS = ("none", "military", "security")
INVESTOR_TYPES = ("venture", "corporate", "state", "growth")  # state: state-guided funds; growth: growth/PE


class Sector(IntEnum):
    SOFTWARE = 0
    CORPORATE_LAB = 1
    CHIPMAKER = 2


class Stage(IntEnum):
    """A firm's funding stage; listed firms raise on markets, not in rounds."""

    SEED = 0
    A = 1
    B = 2
    C = 3
    D = 4
    E = 5
    F_PLUS = 6
    LISTED = 7


class Risk(IntEnum):
    """An institution's or firm's links: military- or security-linked partners are screened and banned."""

    NONE = 0
    MILITARY = 1
    SECURITY = 2


class InvestorType(IntEnum):
    """Independent venture funds, corporate or strategic investors, state-guided funds, growth/PE funds."""

    VENTURE = 0
    CORPORATE = 1
    STATE = 2
    GROWTH = 3


@dataclass
class CountrySpec:
    """A country inside a bloc: its agent counts and how strongly its researchers tie abroad."""

    institutions: int = spec(100, lo=0, hi=1_000_000, source="assumption: order of magnitude of AI-active institutions")
    firms: int = spec(100, lo=0, hi=1_000_000, source="assumption")
    investors: int = spec(20, lo=0, hi=1_000_000, source="assumption")
    research_weight: float = spec(
        1.0, lo=0.01, hi=100, source="assumption: relative output per institution (> 0: sizes are relative to it)"
    )
    # Multiplier on the rate at which this country's researchers start ties with each bloc.
    affinity: dict[str, float] = spec(
        factory=dict,
        lo=0,
        hi=1000,
        source=(
            "calibrated: EU countries to CN on C6 (UK ~47%, DE ~12% of EU-CN papers); US-CN both ways on C14"
            " 2017-20 and C16 (the US is China's top partner); UK-US on C12 (US-CN nearly 3x UK-US in 2017;"
            " 9 with the first-draw start; 4.5 with the session-11 mature start, the default since session 18 through"
            " `collaboration.mature_affinities`,"
            " docs/CALIBRATION.md)."
            " Between the EU and the UK, read only when the UK is a bloc (uk_own_bloc): each EU country to the UK"
            " half its US affinity (assumption: a continental researcher seeks UK partners about half as often as"
            " US ones), the UK to the EU 10 (6 with the session-11 mature start, the default through"
            " `mature_affinities`), calibrated so that"
            " UK-EU papers are about 1.5x UK-US in 2017-22 (assumption from all-field counts: Royal Society 2016,"
            " 'more than half of the UK's collaborative papers are with EU partners'; Elsevier/THE 2017, 2011-16:"
            " ~273k papers with the UK's top EU partners against ~150k with the US)"
        ),
    )


@dataclass
class BlocSpec:
    """A bloc (government) and what it governs: market, budget, research base, firms."""

    name: str = spec("", source="label")
    market_size: float = spec(1.0, lo=0, hi=1000, source="assumption: GDP in EUR tn, order of magnitude")
    public_ai_budget_eur_bn: float = spec(1.0, lo=0, hi=10_000, source="assumption: yearly public AI spending")
    security_concern: float = spec(0.3, lo=0, hi=1, source="assumption")
    openness: float = spec(0.7, lo=0, hi=1, source="assumption")
    values: float = spec(0.5, lo=0, hi=1, source="assumption: position on a rights-vs-state-control axis")
    paper_rate: float = spec(
        2.4,
        lo=0.01,
        hi=100,
        source="calibrated to C4, C5: mean papers per institution and quarter (> 0: sizes are relative to it)",
    )
    capability: float = spec(0.5, lo=0, hi=100, source="assumption: 2017 frontier capability, US = 1")
    rd_growth: float = spec(0.08, lo=-0.5, hi=1, source="assumption: yearly knowledge growth with full compute")
    chip_supply_share: float = spec(0.0, lo=0, hi=1, source="G1: US firms supply most advanced AI chips")
    chip_capacity: float = spec(0.0, lo=0, hi=1, source="assumption: domestic advanced-chip self-sufficiency")
    chip_investment_eur_bn: float = spec(0.0, lo=0, hi=10_000, source="G4: China's USD 47 bn semiconductor push")
    compute_stock: float = spec(1.0, lo=0, hi=1000, source="assumption: compute volume, US 2017 = 1")
    round_size: float = spec(
        1.0, lo=0, hi=1000, source="calibrated to I6 (test part): asks and fund sizes relative to Europe's stage sizes"
    )
    round_rate: float = spec(0.085, lo=0, hi=1, source="I1, I2: rounds per firm and quarter")
    patent_propensity: float = spec(1.0, lo=0, hi=100, source="G3: China files most AI patent families")
    military_share: float = spec(
        0.0, lo=0, hi=1, source="C7: share of research capacity in military-linked institutions"
    )
    security_share: float = spec(0.0, lo=0, hi=1, source="assumption: public-security-linked institutions")
    field_mix: list[float] = spec(
        factory=lambda: [0.22, 0.15, 0.14, 0.14, 0.15, 0.20],
        lo=0,
        source=(
            "assumption: share of the bloc's own AI research in each field (China leans to vision and telecom,"
            " Europe to robotics); the values date from the first commit, where they were read from C10 itself"
            " (the joint field was then read back from them), not tuned since: the joint papers' fields (C10) now"
            " come from partner choice by field fit. FACTS.md gives no per-bloc field shares to source them on,"
            " and a search of public sources (Elsevier 2018, ETO/CSET, AI Index, AI Watch, WIPO, OECD.AI,"
            " ReConnect) found none over these six fields either (docs/CALIBRATION.md, Sessions 12 and 13: C10)"
        ),
    )
    countries: dict[str, CountrySpec] = spec(factory=dict, source="MERICS counts, see catalogue")


def _c(inst, firms, inv, weight=1.0, **affinity) -> CountrySpec:
    return CountrySpec(institutions=inst, firms=firms, investors=inv, research_weight=weight, affinity=affinity)


CATALOGUE: dict[str, BlocSpec] = {
    # Europe as in MERICS: 3,765 funded AI firms; 527 German institutions with CN co-authors.
    "EU": BlocSpec(
        name="Europe (EU27+NO+CH+UK)",
        market_size=20.0,
        public_ai_budget_eur_bn=4.0,
        security_concern=0.3,
        openness=0.8,
        values=0.8,
        paper_rate=2.4,
        capability=0.55,
        rd_growth=0.05,
        chip_supply_share=0.03,
        chip_capacity=0.03,
        compute_stock=0.35,
        round_size=1.25,
        round_rate=0.085,
        patent_propensity=0.6,
        field_mix=[0.22, 0.15, 0.16, 0.14, 0.13, 0.20],
        countries={
            "UK": _c(620, 1550, 160, 1.1, CN=6.0, US=9.0),
            "DE": _c(530, 720, 90, 1.0, CN=0.5, US=1.0, UK=0.5),
            "FR": _c(420, 520, 90, 1.0, CN=0.4, US=1.0, UK=0.5),
            "IT": _c(380, 250, 40, 0.9, CN=0.4, US=0.9, UK=0.45),
            "ES": _c(330, 250, 40, 0.9, CN=0.4, US=0.9, UK=0.45),
            "NL": _c(180, 200, 40, 1.1, CN=0.45, US=1.1, UK=0.55),
            "CH": _c(120, 150, 40, 1.3, CN=0.55, US=1.2, UK=0.6),
            "other": _c(900, 260, 60, 0.8, CN=0.3, US=0.8, UK=0.4),
        },
    ),
    # China: 1,194 funded AI firms (MERICS); Seven Sons and PLA universities carry ~44% of EU-CN papers.
    "CN": BlocSpec(
        name="China",
        market_size=17.0,
        public_ai_budget_eur_bn=8.0,
        security_concern=0.7,
        openness=0.5,
        values=0.1,
        paper_rate=6.0,
        capability=0.6,
        rd_growth=0.08,
        chip_supply_share=0.05,
        chip_capacity=0.08,
        chip_investment_eur_bn=43.0,
        compute_stock=0.4,
        round_size=3.0,
        round_rate=0.072,
        patent_propensity=3.0,
        military_share=0.24,
        security_share=0.06,
        field_mix=[0.30, 0.12, 0.07, 0.13, 0.20, 0.18],
        countries={"CN": _c(1500, 1200, 300, 1.0, EU=1.0, US=4.0)},
    ),
    "US": BlocSpec(
        name="United States",
        market_size=25.0,
        public_ai_budget_eur_bn=6.0,
        security_concern=0.5,
        openness=0.7,
        values=0.6,
        paper_rate=3.2,
        capability=1.0,
        rd_growth=0.06,
        chip_supply_share=0.85,
        chip_capacity=0.6,
        compute_stock=1.0,
        round_size=3.0,
        round_rate=0.09,
        patent_propensity=0.8,
        field_mix=[0.22, 0.20, 0.10, 0.15, 0.13, 0.20],
        countries={"US": _c(1800, 5000, 900, 1.0, EU=1.0, CN=4.5)},
    ),
    # Defined so that a scenario can make them actors of their own.
    # As its own actor (uk_own_bloc) the UK keeps the inputs Europe's calibration gave it as a country
    # (firms, affinities, per-institution output, round sizes and rates, values), so that EU+UK scored as
    # Europe is the baseline's Europe; only its levers differ (issue 14 item 5).
    "UK": BlocSpec(
        name="United Kingdom",
        market_size=3.0,
        public_ai_budget_eur_bn=1.0,
        security_concern=0.35,
        openness=0.8,
        values=0.8,
        paper_rate=2.4,
        capability=0.55,
        rd_growth=0.05,
        chip_supply_share=0.01,
        chip_capacity=0.01,
        # Europe's: capability reads the stock as the compute a bloc's firms and researchers use relative to the
        # frontier, and the UK's were Europe's in the calibration (issue 14 item 5).
        compute_stock=0.35,
        round_size=1.25,
        round_rate=0.085,
        patent_propensity=0.6,
        field_mix=[0.22, 0.15, 0.16, 0.14, 0.13, 0.20],  # Europe's: the C10 field calibration is Europe-wide
        # EU 10: the UK-EU lane, calibrated to UK-EU ~1.5x UK-US papers (CountrySpec.affinity, sim/split.py).
        countries={"UK": _c(620, 1550, 160, 1.1, CN=6.0, US=9.0, EU=10.0)},
    ),
    "JP": BlocSpec(
        name="Japan",
        market_size=4.0,
        public_ai_budget_eur_bn=1.5,
        security_concern=0.5,
        openness=0.6,
        values=0.65,
        paper_rate=2.0,
        capability=0.5,
        rd_growth=0.05,
        chip_supply_share=0.03,
        chip_capacity=0.1,
        compute_stock=0.2,
        round_size=1.5,
        round_rate=0.07,
        patent_propensity=1.2,
        field_mix=[0.22, 0.12, 0.22, 0.12, 0.14, 0.18],
        countries={"JP": _c(400, 600, 80, 1.0, CN=0.8, US=1.2, EU=0.8)},
    ),
}


# A bloc's totals (a country that leaves it takes its part of them); its other attributes are levels or
# intensities that the country shares with the rest of the bloc.
EXTENSIVE = ("market_size", "public_ai_budget_eur_bn", "chip_supply_share")


def resolve(blocs: list[str], overrides: dict[str, BlocSpec]) -> dict[str, BlocSpec]:
    """The BlocSpec of every simulated bloc: catalogue entry, then scenario overrides.

    A country that is itself a simulated bloc leaves its parent bloc.
    """
    out = {}
    for code in blocs:
        out[code] = copy.deepcopy(overrides.get(code) or CATALOGUE[code])
    for code, bloc in out.items():
        for child in [c for c in bloc.countries if c != code and c in out]:
            # The country takes its share of the parent's totals with it (Europe's market and budget
            # include the UK's), so the two blocs together are the parent as calibrated.
            for name in EXTENSIVE:
                setattr(bloc, name, max(getattr(bloc, name) - getattr(out[child], name), 0.0))
        bloc.countries = {c: s for c, s in bloc.countries.items() if c == code or c not in out}
    return out
