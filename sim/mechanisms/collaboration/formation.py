"""Formation: the quarter's new foreign ties.

`_form` draws proposals on the lanes at the rates effort sets (effort.py), cut by the pandemic's closures and
entry bans; each proposal's field by field fit and its partner within the partner bloc and field by partner
weight (no all-pairs search). Both sides' screening, bans and assistance controls may stop a proposal
(`_pass_screening`); `_merge` adds the accepted ones as new ties, or strengthens a pair already tied.
"""

from __future__ import annotations

import numpy as np

from ...catalogue import DUAL_USE, FIELDS, RISKS, Risk
from ..mobility import travel_cut
from ..sampling import poisson_events, sort_order_int
from .effort import _lane_rates
from .network import _lever_table, _pair_key, _rng, partner_weight

F = len(FIELDS)


def _form(model, cap, scale=1.0, with_memory=True, part="form", lanes=None) -> None:
    rng, p, au = _rng(model, part), model.params.collaboration, model.network.authors
    # The pandemic's closures are not a choice: they cut what every lane's effort yields.
    # Individuals, not institutions, start ties: a small group is nearly as likely to have one as a big
    # one, so the reach grows sub-linearly with capacity (C9: most institutions have a few papers).
    # cap_ref * (cap / cap_ref) ** capacity_exponent, in place (`**=` takes the same path as `**`)
    reach = cap / au.cap_ref
    reach **= p.capacity_exponent
    reach *= au.cap_ref
    au.reach = reach  # this quarter's, for the papers' home co-authors (_home_coauthors)
    rate = _lane_rates(model, cap, reach, with_memory)  # au.lane_effort itself: scaled below into a new array
    factor = scale * (1.0 - model.levers.shock_mobility)
    if factor != 1.0 or model.levers.entry_ban.any() or lanes is not None:  # x * 1.0 is x: no copy needed
        rate = rate * factor
    if model.levers.entry_ban.any():  # and so do entry bans: effort still sent to a lane yields no visit there
        rate *= 1.0 - travel_cut(model).ravel()[au.lane_cell]
    if lanes is not None:  # only these lanes form ties (the young lanes' draw at the start)
        rate *= lanes
    xl, jl = au.lane_author, au.lane_bloc
    # New ties are rare events on many lanes: drawn as a Poisson total spread over the lanes by rate.
    lane = poisson_events(rng, rate)
    x, j = xl[lane], jl[lane]
    if len(x) == 0:
        return
    w = partner_weight(model, reach)
    # Partner choice by field fit (the gravity form of co-authorship, field by field): the initiator's
    # researchers in field f look for a partner among the world's researchers in f, so its effort on the lane
    # goes to f in proportion to its own share of work there times the partner bloc's share of the field's
    # sought-after capacity (W[j, f] / sum_k W[k, f], W = sum over a bloc's authors of w_y mix_y[f]); within
    # (bloc, field) the partner is drawn by w_y mix_y[f]: no all-pairs search. The tie's field is the shared
    # specialism that brought the pair together, so the joint field mix is what partner choice makes of both
    # sides' specialisms (e.g. China's weight in vision and telecom meeting Europe's), not a configured mix.
    # Whole rows gathered by np.take: the same numbers as au.mix[x], faster than fancy indexing of rows.
    # The buckets' element weights (w_y mix_y[f]) serve both the fields' shares and the partner draw; summed per
    # (bloc, field) in author order, as `field_share` sums them.
    element_w = au.buckets.weigh(w)
    by_bloc = au.buckets.group_sums(element_w).reshape(model.n_blocs, F)
    shares = by_bloc / np.maximum(by_bloc.sum(axis=0), 1e-300)
    # The cumulative sum runs over [field, proposal] rows, F - 1 whole-row adds (the same additions, in the same
    # order, as np.cumsum along each proposal's row, which loops over the proposals); the field is the number
    # of cumulative shares the draw reaches, counted row by row.
    prod = np.take(au.mix, x, axis=0)
    prod *= np.take(shares, j, axis=0)
    cum = prod.T.copy()
    for f in range(1, F):
        cum[f] += cum[f - 1]
    draw = rng.random(len(x)) * cum[-1]
    field = np.zeros(len(x), np.int64)
    for row in cum[:-1]:  # F - 1 rows
        field += draw >= row
    y = au.buckets.sample(rng, j * F + field, element_weights=element_w)  # w times the partner's share of work in f
    ok = y >= 0
    x, y, field = x[ok], y[ok], field[ok]
    accept = _pass_screening(model, x, y, field, rng)
    x, y, field = x[accept], y[accept], field[accept]
    _merge(model, x, y, field, cap)


def _pass_screening(model, x, y, field, rng) -> np.ndarray:
    """Whether a proposed tie survives both sides' research security and assistance controls."""
    au, nb = model.network.authors, model.n_blocs
    lv = model.levers
    side = _lever_table(
        model,
        "screening",
        (lv.screening, lv.ban_military, lv.ban_security, lv.personnel, lv.export, lv.evasion),
        _screening_table,
    )
    n_codes = nb * len(RISKS)  # au.code = bloc * nr + risk: [partner bloc, partner risk] as one index
    bx, by = au.bloc[x], au.bloc[y]
    prob = side[(bx * n_codes + au.code[y]) * F + field] * side[(by * n_codes + au.code[x]) * F + field]
    return rng.random(len(x)) < prob


def _screening_table(model) -> np.ndarray:
    """[bloc, partner bloc, partner risk, field] one side's chance to let a proposed tie pass."""
    lv, p = model.levers, model.params.collaboration
    nb, nr = model.n_blocs, len(RISKS)
    risk_w = np.asarray(p.risk_screening)
    assist = lv.effective_export("assistance")
    # One side's pass depends only on its bloc, the partner's bloc and risk, and the field's dual-use share:
    # a [bloc, partner bloc, partner risk, field] table of this quarter (the same products, term by term, as
    # per tie), read with two gathers per tie.
    i, j = np.arange(nb)[:, None, None, None], np.arange(nb)[None, :, None, None]
    rj, du = np.arange(nr)[None, None, :, None], np.asarray(DUAL_USE)[None, None, None, :]
    return (
        (1 - lv.screening[i, j] * risk_w[rj])
        * (1 - lv.ban_military[i, j] * (rj == Risk.MILITARY))
        * (1 - lv.ban_security[i, j] * (rj == Risk.SECURITY))
        * (1 - lv.personnel[i, j] * du)
        * (1 - assist[i, j] * du)
    ).ravel()


def _merge(model, x, y, field, cap) -> None:
    """Add accepted ties; a pair already tied is strengthened instead (by one per proposal)."""
    ties, n = model.network.ties, len(model.network.authors)
    if not len(x):
        return
    # Search the existing ties among the few proposed pairs, not the proposals among all ties.
    uniq, first, count = _unique_pairs(_pair_key(x, y, n), n * n)
    # Only ties whose key's low 16 bits are those of a proposed pair can match: a 64 KB table read once per
    # tie leaves a few hundred candidates (the matches, plus ~5% of ties by chance) to search, in tie order.
    proposed = np.zeros(1 << 16, bool)
    proposed[uniq.astype(np.uint16)] = True
    cand = np.flatnonzero(np.take(proposed, ties.key & 0xFFFF))  # the low 16 bits, as .astype(np.uint16)
    keys = ties.key[cand]
    at = np.minimum(np.searchsorted(uniq, keys), len(uniq) - 1)
    hit = uniq[at] == keys
    tied, at = cand[hit], at[hit]
    ties.strength[tied] += count[at]  # one renewal per proposal: adding the count equals repeated +1
    fresh = np.ones(len(uniq), bool)
    fresh[at] = False
    sel = first[fresh]
    xs, ys, au = x[sel], y[sel], model.network.authors
    ties.count(xs, ys, 1)
    codes = np.take(au.code, xs)
    codes *= model.n_blocs * len(RISKS)
    codes += np.take(au.code, ys)
    ties.append(
        a=xs,
        b=ys,
        field=field[sel],
        strength=count[fresh],  # whole numbers, written into the float column as .astype(float) made them
        key=uniq[fresh],
        team=np.sqrt(cap[xs] * cap[ys]) / au.cap_ref,
        codes=codes,
    )


def _unique_pairs(keys: np.ndarray, top: int):
    """`np.unique(keys, return_index=True, return_counts=True)` for integer keys in [0, top), by the stable
    radix sort of sim/mechanisms/sampling.py (the first index of a key is its first occurrence, as numpy's)."""
    order = sort_order_int(keys, top)
    ordered = keys[order]
    start = (
        np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))) if len(keys) else np.zeros(0, np.int64)
    )
    return ordered[start], order[start], np.diff(start, append=len(keys))
