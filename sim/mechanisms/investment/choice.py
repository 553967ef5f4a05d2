"""An investor's choice among its candidates: each scored by expected return net of home bias, political
risk and expected screening loss, the best taken, a blocked one passed over for the next best."""

from __future__ import annotations

import numpy as np

from ... import split
from ...catalogue import InvestorType
from .params import SENSITIVITY


def _score(model, attempt_inv, cand, firm, ticket, r_bloc, gumbel_u, plan=True):
    """Utility of each (candidate, attempt) and its probability of being blocked, [k, attempt] as `cand`.

    Expected return (the firm's knowledge against the mean) net of home bias, political risk and the
    expected screening loss; the risk terms weigh less on bolder funds. A round outside the fund's ticket
    range, or worth less than keeping the money (the hurdle), scores -inf. `gumbel_u`: [k, attempt] uniforms
    of the Gumbel taste draws. With `plan` (the first search), also, for the attempts whose block chance a rule
    tightened since their capital was raised has raised (the only ones `_redirect` can displace), their
    utility under the screening the fund's capital was raised under and its block chance; None where there are
    none.

    Scored on the whole [k, attempt] grid (about 9 in 10 candidates are in the ticket range), a candidate
    column per row: per-attempt terms are rows broadcast over the columns, not gathered per candidate. Block
    chances only for foreign rounds in range (0 elsewhere, by the formula or as nothing reads them: the choice
    and redirection look only at candidates with a finite utility).
    """
    f, inv, p, lv, mk = model.firms, model.investors, model.params.investment, model.levers, model.investment_market
    k, n = cand.shape
    nb = model.n_blocs
    c = np.maximum(cand, 0)  # a missing candidate (-1) reads round 0's numbers; it scores -inf below
    # The rounds' own terms gathered in one pass (a 32-byte row a candidate: one copy, where four gathers cost
    # four): ticket, log capability against the mean, depth term, sector's screening sensitivity. The same values
    # as gathered one by one (each computed per round by the same operations).
    terms = np.empty((len(firm), 4))
    terms[:, 0] = ticket
    terms[:, 1] = np.log(f.knowledge[firm] / mk.mean_knowledge)  # contiguous, as numpy's log kernels expect
    np.multiply(p.depth_weight, mk.depth[f.country[firm]], out=terms[:, 2])
    terms[:, 3] = SENSITIVITY[f.sector[firm]]
    terms = np.take(terms, c, axis=0)
    flat_terms = terms.reshape(-1)
    tk = terms[..., 0]
    it, local, ib = inv.type[attempt_inv], inv.deal_flow[attempt_inv], inv.bloc[attempt_inv]
    # too small a deal isn't worth it
    fits = (cand >= 0) & (tk >= mk.tickets[it, 0] * inv.target_capital[attempt_inv])
    tb = r_bloc[c]
    abroad = local != tb  # home bias and political risk follow where its team sits
    if split.is_split(model):  # ... and a deal inside its region (UK-EU) is at home, as calibrated (sim/split.py)
        region = split.regions(model)
        abroad = region[local] != region[tb]

    # Screening risk: reviewed if the ticket reaches the threshold; blocked with stringency x sensitivity.
    # Screening follows where the fund is registered: only foreign rounds carry a risk.
    screens = (lv.inbound, lv.outbound, lv.threshold_eur_m)
    planned = (mk.planned_inbound, mk.planned_outbound, mk.planned_threshold)
    p_block = np.zeros(k * n)
    riskier = None
    if any((m > 0).any() for m in screens[:2] + planned[:2]):
        foreign = np.flatnonzero(fits & (ib != tb))
        att = foreign % max(n, 1)
        at4 = foreign * 4
        tb_f, ib_f, tk_f = tb.ravel()[foreign], ib[att], flat_terms[at4]
        # Gathers from the small [target, investor] matrices by one flat index (a stringency of 0 gives 0).
        cell = tb_f * nb + ib_f
        sens = flat_terms[at4 + 3] * np.where(it[att] == InvestorType.STATE, p.state_investor_sensitivity, 1.0)
        pb_f = _p_block(screens, cell, tb_f, ib_f, tk_f, sens)
        p_block[foreign] = pb_f
        if plan and p.candidates_redirect and mk.plan_differs:
            pp_f = _p_block(planned, cell, tb_f, ib_f, tk_f, sens)
            riskier = np.zeros(n, bool)  # attempts with a candidate a tightened rule made riskier
            riskier[att[pb_f > pp_f]] = True
            if riskier.any():  # the planned block chances of those attempts' candidates, [k, attempt]
                mine = np.flatnonzero(riskier[att])
                rows = np.flatnonzero(riskier)
                p_plan = np.zeros((k, len(rows)))
                p_plan[foreign[mine] // n, np.searchsorted(rows, att[mine])] = pp_f[mine]
    p_block = p_block.reshape(k, n)

    caution = 2 * (1 - inv.risk_appetite[attempt_inv])
    quality = mk.quality_weight[it] * terms[..., 1]
    # -log(-log(u)), negating in place (the logs read and write separate arrays, as before: numpy may pick
    # another log kernel for an in-place call on some CPUs)
    gumbel = np.log(gumbel_u)
    gumbel = np.log(np.negative(gumbel, out=gumbel))
    np.negative(gumbel, out=gumbel)
    u = (
        quality
        - abroad.astype(float)  # 1.0 or 0.0 times the terms, as before, without a mixed-type multiply
        * (mk.home_bias[it] + caution * p.political_risk * mk.distance.ravel()[local * nb + tb] - terms[..., 2])
        + gumbel
    )

    # The choice with the screening loss, and (for redirection) the one its capital was raised for: the same
    # utility under the screening it planned with (`_plan_screening`), with that screening's block chance.
    with_risk = u - caution * p.screening_cost * p_block
    np.putmask(with_risk, ~fits | (with_risk <= p.hurdle), -np.inf)  # (np.copyto's where= copies run by run)
    if riskier is None or not riskier.any():
        return with_risk, None, p_block
    plan_u = u[:, rows] - caution[rows] * p.screening_cost * p_plan
    plan_u = np.where(fits[:, rows] & (plan_u > p.hurdle), plan_u, -np.inf)
    return with_risk, (rows, plan_u, p_plan), p_block


def _p_block(screens, cell, tb, ib, tk, sens):
    """Chance a foreign deal is blocked by the target's inbound or the investor's outbound screening (`screens`:
    the inbound [target, investor] and outbound [investor, target] stringencies and the review thresholds)."""
    inbound, outbound, threshold = screens
    p_in = np.minimum(inbound.ravel()[cell] * sens, 1)
    np.putmask(p_in, tk < threshold[tb], 0.0)  # below the review threshold (np.putmask: cheaper than np.where)
    p_out = np.minimum(outbound.T.ravel()[cell] * sens, 1)
    np.putmask(p_out, tk < threshold[ib], 0.0)
    return 1 - (1 - p_in) * (1 - p_out)


def _choose(u, p_block, block_u):
    """Best first; a blocked deal sends the investor to its next-best candidate. `u`, `p_block`: [k, attempt];
    `block_u(rows)`: those attempts' [row, k] screening draws.

    Returns the chosen column (valid where `has`), `has`, and [attempt, k] the columns of blocked tries (-1)."""
    k, n = u.shape
    if k == 0:
        nothing = np.zeros(n, np.int64)
        return nothing, nothing.astype(bool), np.full((n, k), -1)
    # Where the best candidate (the first of equal bests, as a stable sort ranks them) carries no screening
    # risk it is taken and nothing is tried before it: only the other attempts need their candidates ranked.
    top, best = _row_best(u)
    has = np.isfinite(top)
    hard = np.flatnonzero(has & (p_block.ravel()[best * n + np.arange(n)] > 0))
    blocked_col = np.full((n, k), -1)
    if len(hard):
        best[hard], has[hard], blocked_col[hard] = _choose_ranked(
            np.ascontiguousarray(u[:, hard].T), np.ascontiguousarray(p_block[:, hard].T), block_u(hard)
        )
    return best, has, blocked_col


def _row_best(u):
    """Each attempt's (column's) largest value and its row (the first of equal ones, as np.argmax finds it; no
    NaN here). Row by row (np.argmax along these short columns is slower): a later row wins only if greater."""
    top, best = u[0].copy(), np.zeros(u.shape[1], np.int64)
    for c in range(1, u.shape[0]):
        better = u[c] > top
        np.putmask(best, better, c)
        np.maximum(top, u[c], out=top)
    return top, best


def _choose_ranked(u, p_block, block_u):
    """`_choose` for attempts whose candidates are ranked in full."""
    n, k = u.shape
    order = np.argsort(-u, axis=1)
    # Flat gathers in preference order (cheaper than take_along_axis on these short rows).
    flat = (order + (np.arange(n) * k)[:, None]).ravel()
    usable = np.isfinite(u.ravel()[flat]).reshape(n, k)
    blocked_draw = block_u < p_block.ravel()[flat].reshape(n, k)
    ok = usable & ~blocked_draw
    first = np.argmax(ok, axis=1)
    rows = np.arange(n)
    has = ok[rows, first]
    tried = usable & blocked_draw & (np.arange(k)[None, :] < np.where(has, first, k)[:, None])
    chosen = order[rows, first]
    blocked_col = np.where(tried, order, -1)
    return chosen, has, blocked_col
