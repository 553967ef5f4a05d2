"""Effort: each author splits its finite collaboration effort over its foreign lanes and home by expected value.

A lane is an author and a foreign partner bloc. `_lane_rates` values each lane by the new ties effort there is
expected to yield (affinity, field fit, the partner pool, who is where, tie history, openness), times the chance
a tie survives the restrictions in force as the author expects it (`_lane_pass`), and shares the effort by a
logit over the lanes and home: new ties sought per quarter on each lane, what formation draws from.
`lane_values`, `lane_bloc_values` and the other per-lane helpers read per-author, per-pair and per-bloc values
onto the lanes (strided copies, not gathers); `effort_by_pair` sums the effort by bloc pair (the recorder's).
"""

from __future__ import annotations

import numpy as np

from ... import split
from ...catalogue import RISKS, Risk
from ..mobility import travel_cut
from .network import partner_weight


def _open_pair(model) -> np.ndarray:
    """[bloc, partner] structural openness of research between two blocs (both sides' openness)."""
    openness = np.array([s.openness for s in model.bloc_specs.values()])
    return np.sqrt(np.outer(openness, openness))


def _lane_open(model) -> np.ndarray:
    """Per foreign lane, `_open_pair` of its bloc pair: the specs' openness is fixed, so gathered once."""
    au, pair = model.network.authors, _open_pair(model)
    if getattr(au, "open_key", None) != pair.tobytes():
        au.open_key, au.lane_open = pair.tobytes(), pair.ravel()[au.lane_cell]
    return au.lane_open


def _author_sum(au, per_lane: np.ndarray) -> np.ndarray:
    """[author] the sum of its foreign lanes' values: the lanes are author-major, nb - 1 to an author, so the
    sum is a few column adds in lane order (the order, so the rounding, of `np.bincount(lane_author, ...)`)."""
    k = len(per_lane) // max(len(au), 1)
    if k == 0 or k * len(au) != len(per_lane):
        return np.bincount(au.lane_author, weights=per_lane, minlength=len(au))
    by_author = per_lane.reshape(-1, k)
    out = by_author[:, 0].copy()
    for c in range(1, k):
        out += by_author[:, c]
    return out


def _lanes_by_column(au):
    """The number of foreign lanes an author has (nb - 1) where every author has as many, else 0."""
    k = len(au.lane_author) // max(len(au), 1)
    return k if k and k * len(au) == len(au.lane_author) and len(au.lane_runs) <= 64 else 0


def _per_lane(au, per_author: np.ndarray) -> np.ndarray:
    """`per_author[lane_author]`: each author's value repeated over its nb - 1 lanes (a column copy per lane
    of an author, not `np.repeat`, which copies element by element)."""
    k = _lanes_by_column(au)
    if not k:
        return per_author[au.lane_author]
    out = np.empty((len(per_author), k), per_author.dtype)
    for c in range(k):
        out[:, c] = per_author
    return out.reshape(-1)


def lane_values(au, per_pair: np.ndarray, dtype=None) -> np.ndarray:
    """`per_pair.ravel()[foreign_lanes]` for an [author, bloc] array (as `dtype`, a copy converts exactly as
    `astype`): per run of one bloc's authors and lane column, one strided copy of the partner bloc's column."""
    k = _lanes_by_column(au)
    if not k:
        out = per_pair.reshape(-1)[au.foreign_lanes]
        return out if dtype is None else out.astype(dtype)
    table = per_pair.reshape(len(au), -1)
    out = np.empty((len(au), k), per_pair.dtype if dtype is None else dtype)
    for lo, hi, partners in au.lane_runs:
        for c, j in enumerate(partners):
            out[lo:hi, c] = table[lo:hi, j]
    return out.reshape(-1)


def lane_bloc_values(au, per_bloc: np.ndarray) -> np.ndarray:
    """`per_bloc[lane_bloc]`: the partner bloc's value on each lane, filled run by run and column by column."""
    k = _lanes_by_column(au)
    if not k:
        return per_bloc[au.lane_bloc]
    out = np.empty((len(au), k), per_bloc.dtype)
    for lo, hi, partners in au.lane_runs:
        for c, j in enumerate(partners):
            out[lo:hi, c] = per_bloc[j]
    return out.reshape(-1)


def _lane_pass(model) -> np.ndarray:
    """`_lane_pass_now`, recomputed only when a lever it reads has changed (a few times in a run)."""
    lv, au = model.levers, model.network.authors
    key = b"".join(
        a.tobytes()
        for a in (lv.screening, lv.ban_military, lv.ban_security, lv.personnel, lv.mobility, lv.export, lv.evasion)
    )
    if lv.entry_ban.any():  # entry bans' cut depends on the pandemic's shock too (mobility.travel_cut)
        key += lv.entry_ban.tobytes() + np.float64(lv.shock_mobility).tobytes()
    if getattr(au, "pass_key", None) != key:
        au.pass_key, au.lane_pass = key, _lane_pass_now(model)
    return au.lane_pass


def _lane_pass_now(model) -> np.ndarray:
    """Per foreign lane: the chance a tie sent there survives both sides' restrictions, as its author expects it.

    The author knows the rules in force on both sides (research-security screening, bans, personnel screening,
    assistance controls, mobility restrictions), the partner bloc's risk mix (`Authors.partner_risk`) and its own
    fields' dual-use share; it does not know which partner it will find, so it takes the expectation over the
    partner's risk and applies its own dual-use share to the field-dependent controls.
    """
    lv, au, p = model.levers, model.network.authors, model.params.collaboration
    nr = len(RISKS)
    risk_w = np.asarray(p.risk_screening)
    r = np.arange(nr)

    def side(scr, mil, sec, risk):  # [..., risk]: pass probability of one side's risk rules
        return (
            (1 - scr[..., None] * risk_w[risk])
            * (1 - mil[..., None] * (risk == Risk.MILITARY))
            * (1 - sec[..., None] * (risk == Risk.SECURITY))
        )

    # [bloc, partner, own risk]: the author's side screens the partner (expected over partner risk),
    # the partner's side screens the author (by the author's own risk).
    own_rules = (side(lv.screening, lv.ban_military, lv.ban_security, r) * au.partner_risk[None, :, :]).sum(axis=2)
    their_rules = side(lv.screening.T, lv.ban_military.T, lv.ban_security.T, r)
    risk_pass = own_rules[:, :, None] * their_rules  # [bloc, partner, own risk]
    cell = au.lane_cell
    # Each lane's flat [cell, own risk] entry and its author's dual-use share are fixed for the run: taken once
    # (the same elements as indexing `risk_pass[cell, risk[lane_author]]` and `dual_use[lane_author]` each time).
    fixed = au.__dict__.get("lane_fixed")
    if fixed is None:
        fixed = au.lane_fixed = (cell * nr + au.risk[au.lane_author], au.dual_use[au.lane_author])
    risk_at, du = fixed
    lane_risk = np.take(risk_pass.reshape(-1), risk_at)
    assist = lv.effective_export("assistance")
    field_pass = (
        (1 - np.take(lv.personnel.ravel(), cell) * du)
        * (1 - np.take(lv.personnel.T.ravel(), cell) * du)
        * (1 - np.take(assist.ravel(), cell) * du)
        * (1 - np.take(assist.T.ravel(), cell) * du)
    )
    mobility = np.take(np.maximum(lv.mobility, lv.mobility.T).ravel(), cell)
    out = lane_risk * field_pass * (1 - mobility)
    if lv.entry_ban.any():  # the visits entry bans stop (sim/mechanisms/mobility.py)
        out *= 1.0 - travel_cut(model).ravel()[cell]
    return out


def _lane_rates(model, cap, reach, with_memory: bool) -> np.ndarray:
    """New ties per quarter on each foreign lane: every author's finite collaboration effort, split over the
    partner blocs and home by expected value.

    An option's value is the new ties effort there is expected to yield: the partner bloc's pull (country
    affinity, field fit, the partner pool's research capacity relative to its start) times the author's reach,
    plus the opportunities its existing ties there bring (tie history), times the chance a tie survives the
    restrictions in force. The author's effort is what it would spend abroad with no restriction plus a home
    option (domestic work); it is split by a logit share over the options whose response to the restrictions'
    expected cost has elasticity `substitution`, so closing one lane sends its effort to the others (diversion)
    and home.
    """
    p, au, ties = model.params.collaboration, model.network.authors, model.network.ties
    pool = np.bincount(au.bloc, weights=cap, minlength=model.n_blocs)
    quality = (pool / au.pool0) ** p.quality_weight
    value = _per_lane(au, p.tie_rate * reach)
    value *= au.lane_affinity
    value *= au.lane_fit
    value *= lane_bloc_values(au, quality)
    # Who is where (mobility): researchers born in or alumni of the partner bloc make ties there worth more.
    gain = lane_values(au, model.flows.people_gain)
    gain += 1.0  # 1 + g, in place (the same sum)
    value *= gain
    if with_memory:  # ties with each bloc beget ties: tie_memory * degree (whole numbers, exact as floats)
        memory = lane_values(au, ties.degree, float)
        memory *= p.tie_memory
    else:
        memory = 0.0
    # A bloc split off from its region (the UK from Europe) shares the region's one lane (sim/split.py).
    value = split.pool_region_lanes(model, value, memory, lambda: partner_weight(model, reach))
    value *= _lane_open(model)
    home = p.home_value * p.tie_rate * reach
    effort = _author_sum(au, value)
    effort += home
    # Logit share with utility log(value) + theta * log(pass): theta scales only the response to restrictions,
    # so the unrestricted split (the calibrated rates) is the same whatever its value; theta = 0 is the former
    # model's independent lanes (nobody anticipates, screening only rejects).
    lane_pass = _lane_pass(model)
    weight = value * (lane_pass if p.substitution == 1 else lane_pass**p.substitution)
    total = _author_sum(au, weight)
    total += home
    np.maximum(total, 1e-300, out=total)
    if p.freed_time:  # the share of its effort an author sends abroad: where freed writing time goes (freed.py)
        au.foreign_share = 1.0 - home / total
    # effort * (weight / total) per lane, with no further temporaries (a product is the same either way round)
    rate = _per_lane(au, total)
    np.divide(weight, rate, out=rate)
    rate *= _per_lane(au, effort)
    model.network.authors.lane_effort = rate  # effort sent to each lane (new ties per quarter it seeks)
    return rate


def effort_by_pair(model) -> np.ndarray:
    """[author's bloc, partner bloc] collaboration effort sent this quarter (new ties sought per quarter)."""
    au, nb = model.network.authors, model.n_blocs
    return np.bincount(au.lane_cell, weights=au.lane_effort, minlength=nb * nb).reshape(nb, nb)
