"""Firms after the quarter's rounds: public programmes' start-up money, spending, listings, trade sales,
failures and the entrants that take failed and acquired firms' rows."""

from __future__ import annotations

import numpy as np

from ...catalogue import Stage
from . import founding
from .draws import _keyed


def _public_programmes(model) -> None:
    """The start-up share of public programmes, with the private money it draws in, goes to young firms (and
    counts as early-stage money for founders: founding.py)."""
    f, mk = model.firms, model.investment_market
    mk.programme_money = np.zeros(model.n_blocs)
    for prog in model.levers.programmes.values():
        if prog.quarters_left <= 0:
            continue
        young = np.flatnonzero((f.bloc == prog.bloc) & (f.stage <= Stage.B) & f.alive)
        if len(young):
            eur_m = prog.quarterly_eur_bn * (1 - prog.compute_share) * (1 + prog.private_leverage) * 1000
            f.capital[young] += eur_m / len(young)
            mk.programme_money[prog.bloc] += eur_m


def _turnover(model, draws) -> None:
    """Firms spend capital; some list (they stop raising private rounds, their knowledge stays); some are sold
    to a listed firm of their bloc (with `trade_sale_entry`, the default: the acquirer absorbs them and, in
    collaboration, their research ties, `_absorb`; without it they stay, as listed); some young firms fail. A
    failed or absorbed firm's row is reused by a new seed-stage entrant with a new company id."""
    f, p = model.firms, model.params.investment
    f.capital *= 1.0 - p.burn_rate
    starved = model.investment_market.starved  # unfunded this quarter: seed-B ones close, C-F+ ones are sold
    young_starved = f.stage[starved] <= Stage.B  # (their stage before this quarter's listings and sales)
    u = draws[0]
    late = (f.stage >= Stage.E) & (f.stage < Stage.LISTED)
    middle = (f.stage >= Stage.B) & (f.stage < Stage.E)
    sold = middle & (u < p.exit_rate)
    f.stage[(late & (u < p.listing_rate)) | (sold if not p.trade_sale_entry else False)] = Stage.LISTED
    failed = np.flatnonzero((f.stage <= Stage.A) & (draws[1] < p.failure_rate) & f.alive)
    failed = np.union1d(failed, starved[young_starved])
    model.flows.acquisitions = np.zeros((0, 2), np.int64)
    if p.trade_sale_entry:
        distressed = starved[~young_starved]
        distressed = distressed[f.stage[distressed] < Stage.LISTED]  # one that listed this quarter stays listed
        sold = np.setdiff1d(np.union1d(np.flatnonzero(sold), distressed), failed)  # a failure is no sale
        model.flows.acquisitions = _absorb(model, sold)
        failed = np.union1d(failed, sold)
    model.flows.exited_firms = failed
    if p.founding == "money":  # the rows wait for founders, who decide by the money a young firm can expect
        founding.retire(model, failed)
        model.flows.founded_firms = founding.found(model, model.investment_market.programme_money)
    else:  # an entrant in each exited row
        founding.enter(model, failed)
        model.flows.founded_firms = failed


def _absorb(model, sold: np.ndarray) -> np.ndarray:
    """Each sold firm's acquirer is a listed firm of its bloc, drawn uniformly (a draw keyed to the sold firm's
    row): it takes the firm's capital and know-how (its knowledge becomes the larger of the two, as a team
    joining a lab adds what the lab lacked, not a second copy of what it has); collaboration moves its research
    ties to the acquirer (sim/mechanisms/collaboration/takeover.py). A bloc with no listed firm has no acquirer:
    the firm's capital, knowledge and ties leave with it. Returns the [sale, 2] (sold row, acquirer row) pairs."""
    f = model.firms
    if not len(sold):
        return np.zeros((0, 2), np.int64)
    listed = np.flatnonzero(f.stage == Stage.LISTED)  # firm rows are grouped by bloc, so these are too
    count = np.bincount(f.bloc[listed], minlength=model.n_blocs)
    first = np.cumsum(count) - count
    b = f.bloc[sold]
    has = count[b] > 0
    sold, b = sold[has], b[has]
    if not len(sold):  # tiny scales: no bloc that sold a firm has a listed one
        return np.zeros((0, 2), np.int64)
    pick = np.minimum((_keyed(model, "acquirer", sold, 1)[:, 0] * count[b]).astype(np.int64), count[b] - 1)
    acquirer = listed[first[b] + pick]
    np.add.at(f.capital, acquirer, f.capital[sold])
    np.maximum.at(f.knowledge, acquirer, f.knowledge[sold])
    return np.column_stack([sold, acquirer])
