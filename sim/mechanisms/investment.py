"""Investment: funding rounds by stage, cross-border deals, inbound and outbound screening.

Each quarter some firms raise a round. Each round draws a few investor slots; a
slot goes to an investor bloc in proportion to that bloc's dry powder and its reach
into the target's bloc, deterred by the investor bloc's outbound screening. Foreign
slots at or above a screening threshold are reviewed, and blocked with probability
stringency times the target's sensitivity. Capital flows to the firm; technology,
market access and influence flow back to the investor's bloc.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..catalogue import InvestorType, Stage, StageGroup
from ..schema import spec
from ..state import InvestorPools
from .sampling import Buckets

# [stage] the stage group of funds that invest at that stage: seed, A -> early; B, C -> growth; D, E+, listed -> late
STAGE_GROUP = np.array([StageGroup.EARLY] * 2 + [StageGroup.GROWTH] * 2 + [StageGroup.LATE] * 3, dtype=np.int64)
SENSITIVITY = np.array([0.4, 0.7, 1.0])  # [sector] software, corporate lab, chipmaker


@dataclass
class Params:
    investors_per_round: float = spec(1.4, lo=0, hi=10, source="assumption: 2-3 investors per AI round")
    reach: dict[str, float] = spec(
        factory=lambda: {"CN_EU": 0.001, "CN_US": 0.01, "EU_CN": 0.08, "EU_US": 0.05, "US_CN": 0.09, "US_EU": 0.10},
        lo=0,
        hi=1,
        source="calibrated to I1, I2, I3 (tried CN_EU 0.001-0.0045, EU_CN 0.012-0.09, US_CN 0.085-0.11)",
    )
    default_reach: float = spec(0.02, lo=0, hi=1, source="assumption")
    outbound_deterrence: float = spec(0.7, lo=0, hi=1, source="assumption: screened deals are mostly not attempted")
    state_investor_sensitivity: float = spec(1.5, lo=0, hi=5, source="assumption: state funds draw more scrutiny")
    listing_rate: float = spec(0.03, lo=0, hi=1, source="assumption: E+ firms listing per quarter")
    failure_rate: float = spec(0.02, lo=0, hi=1, source="assumption: early-stage failures per quarter")
    burn_rate: float = spec(0.06, lo=0, hi=1, source="assumption: share of capital spent per quarter")
    refill_rate: float = spec(0.15, lo=0, hi=1, source="assumption: funds raise new capital towards their target")
    tech_transfer: float = spec(0.02, lo=0, hi=1, source="assumption: influence gained per EUR bn invested abroad")
    round_growth: float = spec(
        0.05, lo=-1, hi=1, source="calibrated to I1, I2, I4 (tried 0-0.05): yearly growth of rounds"
    )
    reach_growth: float = spec(
        0.16, lo=0, hi=1, source="calibrated to I4 (tried 0-0.16): yearly widening of foreign reach"
    )
    reach_ceiling: float = spec(2.5, lo=1, hi=100, source="assumption: networks saturate at 2.5x their 2017 reach")


def setup(model) -> None:
    p, n, inv = model.params.investment, model.n_blocs, model.investors
    groups = len(StageGroup)
    model.investor_pools = InvestorPools(Buckets(inv.bloc * groups + inv.stage_group, n * groups), Buckets(inv.bloc, n))
    reach = np.eye(n)
    for i, a in enumerate(model.blocs):
        for j, b in enumerate(model.blocs):
            if i != j:
                reach[i, j] = p.reach.get(f"{a}_{b}", p.default_reach)
    model.bloc_state.reach = reach  # [investor bloc, target bloc]
    model.bloc_state.influence = np.zeros((n, n))


def step(model) -> None:
    rng, f, inv, p, lv = model.streams.investment, model.firms, model.investors, model.params.investment, model.levers
    s, n_blocs = model.bloc_state, model.n_blocs
    specs = list(model.bloc_specs.values())
    stage_capital = np.asarray(model.params.population.stage_capital_eur_m)

    # Which firms raise a round this quarter (listed firms raise on markets, not rounds).
    rate = np.array([b.round_rate for b in specs])[f.bloc] * (1 + p.round_growth) ** (model.years_elapsed)
    raising = np.flatnonzero((rng.random(len(f)) < rate) & (f.stage < Stage.LISTED))
    round_stage = f.stage[raising].copy()
    size = np.array([b.round_size for b in specs])[f.bloc[raising]]
    amount = stage_capital[f.stage[raising]] * size * rng.lognormal(0, 0.5, len(raising))
    target = f.bloc[raising]

    # Investor slots: choose each slot's bloc, deterred by the investor bloc's outbound screening.
    slots = 1 + rng.poisson(p.investors_per_round, len(raising))
    r_of_slot = np.repeat(np.arange(len(raising)), slots)
    powder = np.bincount(inv.bloc, weights=inv.capital, minlength=n_blocs)
    # Foreign reach widens as cross-border investor networks grow, up to a ceiling (I4: 9 -> 22 deals).
    widening = min((1 + p.reach_growth) ** model.years_elapsed, p.reach_ceiling)
    reach = np.where(np.eye(n_blocs, dtype=bool), s.reach, s.reach * widening)
    weight = powder[:, None] * reach * (1.0 - p.outbound_deterrence * lv.outbound)  # [investor, target]
    prob = weight / weight.sum(axis=0, keepdims=True)
    cum = np.cumsum(prob[:, target[r_of_slot]], axis=0)  # [investor, slot]
    ibloc = (rng.random(len(r_of_slot)) > cum).sum(axis=0).clip(0, n_blocs - 1)
    tbloc = target[r_of_slot]
    foreign = ibloc != tbloc

    # Pick the investor within its bloc by dry powder, among funds of the round's stage group.
    group = STAGE_GROUP[f.stage[raising[r_of_slot]]]
    pools = model.investor_pools
    investor = pools.by_bloc_and_group.sample(rng, ibloc * len(StageGroup) + group, inv.capital + 1e-9)
    missing = investor < 0
    if missing.any():  # no fund of that stage group in the bloc: any fund of the bloc
        investor[missing] = pools.by_bloc.sample(rng, ibloc[missing], inv.capital + 1e-9)
    slot_amount = amount[r_of_slot] / slots[r_of_slot]

    # Screening of foreign slots: inbound by the target's bloc, outbound by the investor's.
    sens = SENSITIVITY[f.sector[raising[r_of_slot]]] * np.where(
        inv.type[investor] == InvestorType.STATE, p.state_investor_sensitivity, 1.0
    )
    inbound, outbound = lv.inbound[tbloc, ibloc], lv.outbound[ibloc, tbloc]
    rev_in = foreign & (inbound > 0) & (slot_amount >= lv.threshold_eur_m[tbloc])
    rev_out = foreign & (outbound > 0) & (slot_amount >= lv.threshold_eur_m[ibloc])
    u = rng.random((2, len(r_of_slot)))
    blocked = (rev_in & (u[0] < inbound * sens)) | (rev_out & (u[1] < outbound * sens))
    ok = ~blocked

    # Capital flows: firms get the round (blocked foreign money is replaced at home), funds pay in.
    np.add.at(inv.capital, investor[ok], -slot_amount[ok])
    inv.capital += p.refill_rate * (inv.target_capital - inv.capital)
    np.maximum(inv.capital, 0.0, out=inv.capital)
    f.capital[raising] += amount
    f.stage[raising] = np.minimum(f.stage[raising] + 1, Stage.E_PLUS)
    backed = foreign & ok
    f.foreign_backer[raising[r_of_slot[backed]]] = ibloc[backed]
    flow = np.zeros((n_blocs, n_blocs))
    np.add.at(flow, (ibloc[backed], tbloc[backed]), slot_amount[backed])
    s.influence += flow / 1000.0 * p.tech_transfer

    # A deal is a round with at least one investor from a given foreign bloc (as MERICS counts them).
    key = r_of_slot * n_blocs + ibloc
    first = np.unique(key[foreign], return_index=True)[1]
    rows = np.flatnonzero(foreign)[first]
    deal_blocked = np.zeros(len(raising) * n_blocs, bool)
    np.logical_or.at(deal_blocked, key[foreign], blocked[foreign])
    deal_reviewed = np.zeros(len(raising) * n_blocs, bool)
    np.logical_or.at(deal_reviewed, key[foreign], (rev_in | rev_out)[foreign])
    deal_amount = np.bincount(key[foreign & ok], weights=slot_amount[foreign & ok], minlength=len(deal_blocked))
    model.flows.deals = dict(
        investor_bloc=ibloc[rows],
        investor_country=inv.country[investor[rows]],
        target_bloc=tbloc[rows],
        target_country=f.country[raising[r_of_slot[rows]]],
        stage=round_stage[r_of_slot[rows]],
        amount_eur=deal_amount[key[rows]] * 1e6,
        reviewed=deal_reviewed[key[rows]],
        blocked=deal_blocked[key[rows]] & (deal_amount[key[rows]] == 0),
    )
    model.flows.rounds = np.bincount(target, minlength=n_blocs)
    model.flows.rounds_capital = np.bincount(target, weights=amount, minlength=n_blocs)
    model.flows.rounds_foreign = (
        np.bincount(target[np.unique(r_of_slot[backed])], minlength=n_blocs) if backed.any() else np.zeros(n_blocs, int)
    )

    _public_programmes(model)
    _turnover(model)


def _public_programmes(model) -> None:
    """The start-up share of public programmes, with the private money it draws in, goes to young firms."""
    f = model.firms
    for prog in model.levers.programmes.values():
        if prog.quarters_left <= 0:
            continue
        young = np.flatnonzero((f.bloc == prog.bloc) & (f.stage <= Stage.B))
        if len(young):
            eur_m = prog.quarterly_eur_bn * (1 - prog.compute_share) * (1 + prog.private_leverage) * 1000
            f.capital[young] += eur_m / len(young)


def _turnover(model) -> None:
    """Firms spend capital; some young firms fail and their row is reused by a new seed-stage entrant."""
    rng, f, p = model.streams.investment, model.firms, model.params.investment
    f.capital *= 1.0 - p.burn_rate
    listing = (f.stage == Stage.E_PLUS) & (rng.random(len(f)) < p.listing_rate)
    f.stage[listing] = Stage.LISTED
    failed = np.flatnonzero((f.stage <= Stage.A) & (rng.random(len(f)) < p.failure_rate))
    f.stage[failed] = Stage.SEED
    f.capital[failed] = model.params.population.stage_capital_eur_m[Stage.SEED]
    f.knowledge[failed] = model.bloc_state.entrant_knowledge[f.bloc[failed]]
    f.complies[failed] = np.eye(model.n_blocs, dtype=bool)[f.bloc[failed]]
    f.foreign_backer[failed] = -1
    model.flows.exited_firms = failed
