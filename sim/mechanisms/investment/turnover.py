"""Firms after the quarter's rounds: public programmes' start-up money, spending, listings, trade sales,
failures and the entrants that take failed firms' rows."""

from __future__ import annotations

import numpy as np

from ...catalogue import Stage


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


def _turnover(model, draws) -> None:
    """Firms spend capital; some list or are acquired (they stop raising private rounds, their knowledge
    stays), some young firms fail: their row is reused by a new seed-stage entrant with a new company id."""
    f, p = model.firms, model.params.investment
    f.capital *= 1.0 - p.burn_rate
    u = draws[0]
    late = (f.stage >= Stage.E) & (f.stage < Stage.LISTED)
    middle = (f.stage >= Stage.B) & (f.stage < Stage.E)
    f.stage[(late & (u < p.listing_rate)) | (middle & (u < p.exit_rate))] = Stage.LISTED
    failed = np.flatnonzero((f.stage <= Stage.A) & (draws[1] < p.failure_rate))
    failed = np.union1d(failed, model.investment_market.starved)
    f.stage[failed] = Stage.SEED
    f.capital[failed] = model.params.population.stage_capital_eur_m[Stage.SEED]
    f.knowledge[failed] = model.bloc_state.entrant_knowledge[f.bloc[failed]]
    f.complies[failed] = np.eye(model.n_blocs, dtype=bool)[f.bloc[failed]]
    f.foreign_backer[failed] = -1
    f.company[failed] = model.investment_market.next_company + np.arange(len(failed))
    model.investment_market.next_company += len(failed)
    model.flows.exited_firms = failed
