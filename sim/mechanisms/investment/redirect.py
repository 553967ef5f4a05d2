"""Screening diverts capital: the screening a fund's foreign allocation was planned under, and the new
search of a fund whose planned foreign round a rule tightened since screens out."""

from __future__ import annotations

import numpy as np

from ... import split
from .candidates import _candidates
from .choice import _choose, _score
from .draws import _keyed_t


def _plan_screening(model) -> None:
    """The screening funds' foreign allocation was planned under: a share `mandate_rate` of it a quarter is
    planned anew under the rules in force (by default as new capital comes in, `refill_rate`'s value; a
    vehicle's mandate renewed with its successor fund would be slower), so the planned rules move towards the
    current ones at that rate. A rule in force since before is in the plans (its expected screening loss
    already steers the choices); a rule tightened since displaces deals the allocation was planned for, and the
    fund places them abroad elsewhere (`_redirect`)."""
    lv, mk, rate = model.levers, model.investment_market, model.params.investment.mandate_rate
    now = (lv.inbound, lv.outbound, lv.threshold_eur_m)
    if mk.planned_inbound is None:
        mk.planned_inbound, mk.planned_outbound, mk.planned_threshold = (np.array(x, float) for x in now)
        return
    mk.plan_differs = False
    for plan, current in zip((mk.planned_inbound, mk.planned_outbound, mk.planned_threshold), now):
        plan += rate * (current - plan)
        # Within 0.001 (of a stringency, or EUR m of a threshold) the plan is the rule in force: nothing to redirect.
        if np.abs(current - plan).max(initial=0.0) < 1e-3:
            plan[...] = current
        else:
            mk.plan_differs = True


def _redirect(model, attempt_inv, attempt_id, cand, plan, p_block, choice, firm, ticket, r_stage, r_bloc, circles):
    """Screening diverts capital: a fund whose planned foreign round (its best under the screening its capital
    was raised under, `_plan_screening`) is screened out by a rule tightened since keeps that ticket for a
    foreign deal and searches again, among a bounded sample of rounds in the foreign markets the tightened rule
    does not cover (not its home region, not the displaced round's market). Screened out by
    the tightening: now beaten for its higher screening risk, or blocked by a review the planned rule would
    have passed (its screening draw between the planned and the current block chance); a deal the planned
    rule would have blocked too sends the fund to its next-best candidate, as any blocked deal does.

    The foreign allocation is the fund's decision (diversification, technology or a foreign mandate), so a
    screen moves it to the next-best foreign round by the same expected return net of political and
    screening risk; only if none clears the hurdle does the fund fall back on its home candidates.
    Returns the attempts redirected, the rounds they take, the tickets of the rounds they were displaced from,
    and the blocked tries of the new search.
    """
    p, inv = model.params.investment, model.investors
    none = np.zeros(0, np.int64)
    nothing = none, none, np.zeros(0), none, none
    if p.candidates_redirect == 0 or plan is None:  # no attempt's candidate a tightened rule made riskier
        return nothing
    rows, planned_u, p_plan = plan  # [k, row] for those attempts only
    chosen, has, blocked_col, block_u = choice
    best0 = np.argmax(planned_u, axis=0)
    at = np.arange(len(rows))
    p_plan0 = p_plan[best0, at]
    w = np.flatnonzero(np.isfinite(planned_u[best0, at]) & (p_block[best0, rows] > p_plan0))
    wanted, best0, p_plan0 = rows[w], best0[w], p_plan0[w]  # the few attempts whose plan is now riskier go on
    # Its screening draw, where it was tried and blocked (block_u is in the order the candidates were tried).
    tried = blocked_col[wanted] == best0[:, None]
    blocked_anyway = tried.any(axis=1) & ((block_u(wanted) * tried).sum(axis=1) < p_plan0)
    keep = ~(has[wanted] & (chosen[wanted] == best0)) & ~blocked_anyway
    displaced, best0 = wanted[keep], best0[keep]
    if len(displaced) == 0:
        return nothing
    # Keyed to the attempt: which attempts are displaced does not shift the draws of the others.
    k = p.candidates_redirect
    drawn = _keyed_t(model, "redirect", attempt_id[displaced], 0, 4 * k)  # [column, attempt]
    att_inv = attempt_inv[displaced]
    # The search covers the foreign markets the tightened rule does not: not its home region, and not the market
    # of the round it displaced (the target's inbound rule, or the fund's own outbound rule on it, covers every
    # round there). Drawn among those markets' rounds only, on this quarter's circles filtered to them (one pass
    # per home region and displacing market, a few at most), so all `candidates_redirect` draws are real options:
    # before, a world draw minus home rounds lost about a third of them and half the redirects went back to the
    # market that had just screened the fund out.
    region = split.regions(model)  # a bloc's own where none is split
    home, shut = region[inv.bloc[att_inv]], r_bloc[cand[best0, displaced]]
    pair = home * model.n_blocs + shut
    new = np.full((k, len(displaced)), -1, np.int64)
    for pr in np.unique(pair):
        mine = np.flatnonzero(pair == pr)
        open_ = np.flatnonzero((region[r_bloc] != pr // model.n_blocs) & (r_bloc != pr % model.n_blocs))
        if len(open_):
            got = _candidates(
                model,
                drawn[:k, mine],
                drawn[k : 2 * k, mine],
                att_inv[mine],
                firm[open_],
                r_stage[open_],
                r_bloc[open_],
                0,
                k,
                circles.subset(open_),
            )
            new[:, mine] = np.where(got >= 0, open_[np.maximum(got, 0)], -1)
    u2, _, pb2 = _score(model, att_inv, new, firm, ticket, r_bloc, drawn[2 * k : 3 * k], plan=False)
    col, ok, blocked_col = _choose(u2, pb2, lambda rows: drawn[3 * k :].T[rows])
    b_att, b_col = np.nonzero(blocked_col >= 0)
    b_round = new[blocked_col[b_att, b_col], b_att]
    took = np.flatnonzero(ok)
    was = ticket[cand[best0[took], displaced[took]]]
    return displaced[took], new[col[took], took], was, b_round, att_inv[b_att]
