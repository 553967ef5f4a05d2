"""Investment: firms raise rounds by stage; investors choose which rounds to join; screening diverts capital.

Firms raise a round at their current stage; a round that finds at least one investor closes
(its total is the firm's ask) and moves the firm on a stage. Investors decide (docs/ODD.md,
"Investor decision"): each quarter an investor makes a number of investment attempts that
grows with its dry powder; for each it sees a bounded sample of open rounds (some from its
home deal flow, some from anywhere in the world, at stages its type prefers), discards those
outside its ticket range, and takes the best by expected return net of home bias, political
risk and expected screening loss (probability of being blocked by the target's inbound or its
own outbound screening, times what a blocked deal costs). A deal that is then blocked sends
the investor to its next-best candidate: screening diverts capital, it does not delete it.
Capital flows to the firm; technology, market access and influence flow back to the
investor's bloc.

Set-up (`setup`): the market's fixed terms (the values distance between blocs, ecosystems' depth, 2017 fund
sizes, the types' tables) and US funds' first choice of vehicle (vehicles.py).

Within a quarter (`step`), in this order: US funds revisit their China teams each year (vehicles.py); firms
open rounds and investors make their attempts, each seeing a sample of candidate rounds (candidates.py), and
take the best, a blocked one passed over for the next best (choice.py); a fund whose planned foreign round a
rule tightened since screens out searches abroad again (redirect.py); rounds seat their investors first come
up to their seats, funds pay and refill, rounds with an investor close and move their firm on, foreign
backers carry influence home; the deals are recorded (record.py); public programmes fund young firms, and
firms spend, list, are sold or fail, an entrant taking a failed (with `trade_sale_entry` also a sold) firm's row
(turnover.py). Parameters, each with its source: params.py; the keyed draws that keep paired runs paired: draws.py.
"""

from __future__ import annotations

import numpy as np

from ... import split
from ...catalogue import INVESTOR_TYPES, Stage
from ...state import InvestmentMarket
from ..sampling import sort_order, sort_order_int
from . import founding
from .candidates import _attempts, _candidates, _Circles, _open_rounds
from .choice import _choose, _score
from .draws import _keyed, _keyed_t, _rng
from .params import RAISING, Params
from .record import _record
from .redirect import _plan_screening, _redirect
from .turnover import _public_programmes, _turnover
from .vehicles import _choose_vehicles

__all__ = ["Params", "setup", "step"]


def setup(model) -> None:
    p, n, f = model.params.investment, model.n_blocs, model.firms
    values = np.array([b.values for b in model.bloc_specs.values()])
    n_country = np.bincount(f.country[f.alive], minlength=len(model.countries)).astype(float)
    # Depth is a country's share of its region's firms (a bloc split off from Europe, the UK, is still
    # measured against Europe's ecosystem, as calibrated on I5).
    region = split.regions(model)
    region_firms = np.bincount(region[f.bloc[f.alive]], minlength=n).astype(float)
    share = n_country / np.maximum(region_firms[region[model.country_bloc]], 1)
    model.investment_market = InvestmentMarket(
        distance=np.abs(values[:, None] - values[None, :]),
        depth=np.log(np.maximum(share, 1e-3) * len(model.countries) / len(np.unique(region))),
        fund0=np.maximum(model.investors.target_capital.copy(), 1e-9),
        next_company=int(f.alive.sum()),  # spare rows have no company yet (founding.py)
        prefs=np.array([p.stage_preference[t] for t in INVESTOR_TYPES], float),
        tickets=np.array([p.ticket_share[t] for t in INVESTOR_TYPES], float),
        pace=np.array([p.pace[t] for t in INVESTOR_TYPES], float),
        home_bias=np.array([p.home_bias[t] for t in INVESTOR_TYPES], float),
        quality_weight=np.array([p.quality_weight[t] for t in INVESTOR_TYPES], float),
    )
    model.bloc_state.influence = np.zeros((n, n))
    model.investment_market.programme_money = np.zeros(n)
    model.investment_market.founding_ref = founding.reference(model)
    _choose_vehicles(model)


def step(model) -> None:
    f, inv, p, mk = model.firms, model.investors, model.params.investment, model.investment_market
    s, nb = model.bloc_state, model.n_blocs

    if model.quarter % 4 == 0 and model.quarter > model.scenario.start:
        _choose_vehicles(model)
    firm, r_stage, ask, seats = _open_rounds(model)
    r_bloc = f.bloc[firm]
    ticket = ask / seats
    mk.mean_knowledge = max(float(f.knowledge[f.alive].mean()), 1e-12)
    round_id = mk.next_round + np.arange(len(firm))
    mk.next_round += len(firm)

    # Attempts: each investor tries more deals the more of its fund is still undeployed (one Poisson lane each),
    # and a fund that has grown since 2017 (fund formation) has a larger team, up to `team_growth_cap` x. The two
    # are separate so a fund past the cap still answers to its dry powder: capital a screen kept out of a deal
    # brings attempts in the next quarters instead of lying idle (while idle it only lowers the fund's refill).
    # Below the cap this is dry powder / 2017 fund size, as before.
    team = np.minimum(inv.target_capital / mk.fund0, p.team_growth_cap)
    pace = mk.pace[inv.type] * team * np.maximum(inv.capital, 0) / np.maximum(inv.target_capital, 1e-9)
    attempt_inv, attempt_id = _attempts(model, pace)
    k = p.candidates_home + p.candidates_world
    # An attempt's numbers: per candidate its stage, its round, a Gumbel taste and a screening draw; the last
    # only for the few attempts whose choice reads it (`_choose`), the same numbers (`_keyed_t`).
    drawn = _keyed_t(model, "choice", attempt_id, 0, 3 * k)
    circles = _Circles(model, firm) if len(firm) else None
    if len(firm):
        cand = _candidates(
            model,
            drawn[:k],
            drawn[k : 2 * k],
            attempt_inv,
            firm,
            r_stage,
            r_bloc,
            p.candidates_home,
            p.candidates_world,
            circles,
        )
    else:
        cand = np.full((0, len(attempt_inv)), -1)
    _plan_screening(model)
    u, plan, p_block = _score(model, attempt_inv, cand, firm, ticket, r_bloc, drawn[2 * k :][: len(cand)])

    def block_u(rows):
        return _keyed_t(model, "choice", attempt_id[rows], 3 * k, k).T[:, : len(cand)]

    chosen_col, has, blocked_col = _choose(u, p_block, block_u)
    pick_round = np.where(has, cand[chosen_col, np.arange(cand.shape[1])] if len(cand) else -1, -1)
    re_att, re_round, re_was, rb_round, rb_inv = _redirect(
        model,
        attempt_inv,
        attempt_id,
        cand,
        plan,
        p_block,
        (chosen_col, has, blocked_col, block_u),
        firm,
        ticket,
        r_stage,
        r_bloc,
        circles,
    )
    pick_round[re_att] = re_round
    pick_att = np.flatnonzero(pick_round >= 0)
    pick_round = pick_round[pick_att]
    pick_inv = attempt_inv[pick_att]
    # A fund takes at most its largest ticket: a small fund joins a big round with a smaller share.
    pick_paid = np.minimum(ticket[pick_round], mk.tickets[inv.type[pick_inv], 1] * inv.target_capital[pick_inv])
    if p.redirect_cap and len(re_att):
        # A redirected fund pays at most the ticket of the round it was displaced from (the screened capital
        # moves abroad, no more); every redirected attempt took a round, so it is among the picks.
        was = np.full(len(attempt_inv), np.inf)
        was[re_att] = re_was
        np.minimum(pick_paid, was[pick_att], out=pick_paid)

    # Turnover's draws (one per firm, a fixed count) come first, so the variable ones after them (seats,
    # closures) cannot shift them.
    turnover_draws = _rng(model, "after").random((3, len(f)))
    # A round takes up to its seats, first come (an order keyed to the firm and investor, so one more or one
    # fewer bidder leaves the others' order as it was); one seat per investor and round.
    # The first pick of each (round, investor), as np.unique(key, return_index=True) finds it: a stable sort
    # keeps the first of equal keys first (the faster sorts of sampling.py; the same permutation).
    key = pick_round * len(inv) + pick_inv
    by_key = sort_order_int(key, len(firm) * len(inv))
    key = key[by_key]
    uniq = by_key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else by_key
    arrival = _keyed(model, "seats", firm[pick_round[uniq]] * len(inv) + pick_inv[uniq], 1)[:, 0]
    # np.lexsort((arrival, round)) as two stable passes: by arrival, then by round.
    by_arrival = sort_order(arrival)
    by_round = uniq[by_arrival[sort_order_int(pick_round[uniq][by_arrival], len(firm))]]
    pick_round, pick_inv, pick_paid = pick_round[by_round], pick_inv[by_round], pick_paid[by_round]
    starts = np.searchsorted(pick_round, pick_round, side="left")
    seat = np.arange(len(pick_round)) - starts
    take = seat < seats[pick_round]
    j_round, j_inv, paid = pick_round[take], pick_inv[take], pick_paid[take]

    # Capital: funds pay their ticket and refill towards a fund size that grows where LPs add money.
    np.add.at(inv.capital, j_inv, -paid)
    growth = np.array([p.fund_growth.get(b, 0.0) for b in model.blocs])
    inv.target_capital *= ((1 + growth) ** 0.25)[inv.bloc]  # per bloc, then gathered: the same factor per fund
    inv.capital += p.refill_rate * (inv.target_capital - inv.capital)
    np.maximum(inv.capital, 0.0, out=inv.capital)

    # Rounds with an investor close and move the firm on; a round raises what its syndicate commits.
    closed = np.zeros(len(firm), bool)
    closed[j_round] = True
    fr = firm[closed]
    raised = np.bincount(j_round, weights=paid, minlength=len(firm))
    f.capital[fr] += raised[closed]
    f.stage[fr] = np.minimum(f.stage[fr] + 1, RAISING - 1)
    # A young firm whose round finds no investor may run out of money, an older one be sold in distress (either
    # way its row goes to an entrant: turnover.py).
    unfunded = firm[~closed]
    fail_draw = turnover_draws[2][unfunded]
    young = f.stage[unfunded] <= Stage.B
    mk.starved = unfunded[np.where(young, fail_draw < p.unfunded_failure, fail_draw < p.unfunded_sale)]
    j_ib, j_tb = inv.bloc[j_inv], r_bloc[j_round]
    j_foreign = j_ib != j_tb
    # A backer from the firm's own region (a UK fund in an EU firm) was a domestic one in the calibration: it
    # makes no foreign backer and carries no technology abroad (sim/split.py); the deal is still recorded.
    j_abroad = j_foreign
    if split.is_split(model):
        region = split.regions(model)
        j_abroad = region[j_ib] != region[j_tb]
    f.foreign_backer[firm[j_round[j_abroad]]] = j_ib[j_abroad]
    flow = np.zeros((nb, nb))
    np.add.at(flow, (j_ib[j_abroad], j_tb[j_abroad]), paid[j_abroad])
    s.influence += flow / 1000.0 * p.tech_transfer

    # Blocked attempts (foreign by construction), for the deals table: first searches and redirected ones.
    b_att, b_col = np.nonzero(blocked_col >= 0)
    b_round = np.concatenate([cand[blocked_col[b_att, b_col], b_att], rb_round])
    b_inv = np.concatenate([attempt_inv[b_att], rb_inv])
    _record(
        model,
        raised,
        firm,
        r_stage,
        ask,
        seats,
        round_id,
        j_round[j_foreign],
        j_inv[j_foreign],
        paid[j_foreign],
        b_round,
        b_inv,
    )
    model.flows.rounds = np.bincount(r_bloc[closed], minlength=nb)
    model.flows.rounds_capital = np.bincount(r_bloc[closed], weights=raised[closed], minlength=nb)
    backed = np.zeros(len(firm), bool)  # rounds with a foreign investor
    backed[j_round[j_foreign]] = True
    model.flows.rounds_foreign = np.bincount(r_bloc[backed], minlength=nb)

    _public_programmes(model)
    _turnover(model, turnover_draws)
