"""Which vehicle a US fund invests in China through: a China team (a dollar fund scouting Chinese rounds as a
local) or none, chosen at set-up and revisited each year."""

from __future__ import annotations

import numpy as np

from ...catalogue import INVESTOR_TYPES
from ...errors import ConfigError
from .params import RAISING, SENSITIVITY


def _choose_vehicles(model) -> None:
    """US funds of `dollar_fund_types` choose whether to run a China team (a dollar fund scouting Chinese rounds
    as a local, still screened as US capital), by the same utility terms as a single deal.

    Objective: the expected return of China's deal flow against home's (mean log firm capability, times the
    type's weight on it), net of what a US fund with US limited partners bears for a team in China: the
    home bias of a foreign placement, and caution x (political risk x the two blocs' values distance +
    screening cost x the chance a typical deal is blocked by US outbound or Chinese inbound screening).
    Each fund has a lasting taste for China (a logistic draw, the difference of two Gumbel errors), so the
    share of dollar funds emerges from fund types and risk appetites, and the choice is revisited each
    year: outbound rules or China's catching up move funds in or out (I3; Sequoia's and GGV's China arms
    split off in 2023-24 as US outbound rules came).
    """
    codes = list(model.blocs)
    if "US" not in codes or "CN" not in codes:
        return
    inv, f, p, mk, lv = model.investors, model.firms, model.params.investment, model.investment_market, model.levers
    us, cn = codes.index("US"), codes.index("CN")
    if mk.vehicle_taste is None:
        u = model.streams.quarter("investment", 0, "vehicle").random(len(inv))
        mk.vehicle_taste = np.log(u) - np.log1p(-u)
    unknown = sorted(set(p.dollar_fund_types) - set(INVESTOR_TYPES))
    if unknown:
        raise ConfigError(
            "params.investment.dollar_fund_types", f"unknown type {unknown[0]!r}", ", ".join(INVESTOR_TYPES)
        )
    eligible = (inv.bloc == us) & np.isin(inv.type, [INVESTOR_TYPES.index(t) for t in p.dollar_fund_types])
    live = f.alive
    log_k = np.log(np.maximum(f.knowledge, 1e-300) / max(float(f.knowledge[live].mean()), 1e-12))
    premium = log_k[(f.bloc == cn) & live].mean() - log_k[(f.bloc == us) & live].mean()
    block = 1 - (1 - min(lv.outbound[us, cn] * SENSITIVITY.mean(), 1)) * (
        1 - min(lv.inbound[cn, us] * SENSITIVITY.mean(), 1)
    )
    caution = 2 * (1 - inv.risk_appetite)
    # A team in China is one foreign placement, and it makes the US rounds of its world sample foreign
    # (the Chinese ones local): the foreign cost counts 1 + (world share of the sample) x (US - CN share of rounds).
    raising = np.bincount(f.bloc[f.stage < RAISING], minlength=model.n_blocs) / max(int((f.stage < RAISING).sum()), 1)
    exposure = 1 + p.candidates_world / max(p.candidates_home + p.candidates_world, 1) * (raising[us] - raising[cn])
    gain = (
        mk.quality_weight[inv.type] * premium
        - exposure * (mk.home_bias[inv.type] + caution * p.political_risk * mk.distance[us, cn])
        - caution * p.screening_cost * block
    )
    inv.deal_flow[:] = inv.bloc
    inv.deal_flow[eligible & (gain + mk.vehicle_taste > 0)] = cn
