"""Papers: what the ties write this quarter and what flows back.

`_write_papers`: each tie's papers (`_tie_papers`' rate, with project starts, freed time and the writing
bound), the bloc-pair and field counts, citations, home output per country, knowledge spillover and exposure
in dual-use fields. Institution-level outputs only: `_count_institutions` credits each paper to its two
authors and `_home_coauthors` to each side's further home institutions (C9).
"""

from __future__ import annotations

import functools

import numpy as np

from ... import split
from ...catalogue import DUAL_USE, FIELDS, Risk
from ...streams import keyed_bits, keyed_uniform
from .. import freed, projects, publication_lag, workload
from ..sampling import Buckets, poisson_events, search_right
from .network import _pair_key, _rng, partner_weight

F = len(FIELDS)


MAX_COAUTHORS = 32  # further home co-authors a team can have (Poisson(home_coauthors) truncated; hi = 10)


def _tie_papers(model, cap, a, b, strength, team) -> np.ndarray:
    """[tie] expected papers a quarter of ties a-b before shocks and bounds: papers_per_tie x sqrt(strength) x the
    team, sqrt(capacity_a x capacity_b) / cap_ref (with `team_growth` < 1, partly the team as it formed)."""
    p = model.params.collaboration
    now = np.sqrt(cap[a] * cap[b]) / model.network.authors.cap_ref
    if p.team_growth != 1.0:
        now = team ** (1.0 - p.team_growth) * now**p.team_growth
    return p.papers_per_tie * np.sqrt(strength) * now


def _write_papers(model, cap) -> None:
    rng, p, au, ties, lv = (
        _rng(model, "papers"),
        model.params.collaboration,
        model.network.authors,
        model.network.ties,
        model.levers,
    )
    nb, nc = model.n_blocs, len(model.countries)
    productivity = 1.0 - lv.shock_productivity
    started = projects.output_factor(model)  # [bloc] papers of projects started in past quarters, or None
    x, y = ties.a, ties.b
    if p.team_growth == 1.0:
        # papers_per_tie * sqrt(strength * cap[x] * cap[y]) / cap_ref * productivity, in place (same operations)
        lam = np.take(cap, x)
        lam *= ties.strength
        lam *= np.take(cap, y)
        np.sqrt(lam, out=lam)
        lam *= p.papers_per_tie
        lam /= au.cap_ref
        lam *= productivity
    else:
        lam = _tie_papers(model, cap, x, y, ties.strength, ties.team) * productivity
    lag = p.paper_lag != "off"  # papers publish the pair's past work (publication_lag.py; the start cut acts there)
    if started is not None and not lag:  # a joint project needs both ends: the root of both blocs' project output
        lam *= np.sqrt(started[au.bloc[x]] * started[au.bloc[y]])
    if p.freed_time:  # time closed ties freed, spent on the authors' other ties (freed.py)
        rate = np.full(nb, productivity) if (started is None or lag) else productivity * started
        lam = freed.respend(model, x, y, lam, rate)
    if lag:  # this quarter's work (without the productivity cut, which acts on what is written now) goes in
        lam *= publication_lag.joint_factor(model, au.bloc[x], au.bloc[y], lam / max(productivity, 1e-12))
    lam = workload.bound_papers(model, x, y, lam, cap)  # no author writes beyond its researchers' time
    # Each tie's papers are Poisson; most ties write none in a quarter, so the papers are drawn as a
    # Poisson total spread over the ties by rate, and only ties that wrote enter the sums below.
    events = poisson_events(rng, lam)  # ascending: a tie's papers are one run of its index
    first = np.flatnonzero(np.diff(events, prepend=-1))
    wrote, papers = events[first], np.diff(first, append=len(events)).astype(float)
    fl = model.flows
    # Ties between each pair of blocs, both ways: the authors' tie degrees (kept up to date) summed by bloc.
    runs = au.bloc_runs  # authors come in runs of one bloc
    fl.ties = np.zeros((nb, nb), np.int64)
    np.add.at(fl.ties, au.bloc[runs], np.add.reduceat(ties.degree.reshape(-1, nb), runs, axis=0))
    # (np.take: the same elements as indexing, with less work per element than fancy indexing)
    x, y, field, key = np.take(x, wrote), np.take(y, wrote), np.take(ties.field, wrote), np.take(ties.key, wrote)
    joint_a, joint_b, joint_lam = ties.a, ties.b, lam
    if au.lost is not None:  # full authors' papers, written with next-best partners (workload.py)
        sx, sy, sf = workload.redirect(
            model, _rng(model, "redirect"), ties.a, ties.b, ties.field, partner_weight(model, au.reach), au.buckets, F
        )
        if len(sx):
            n = len(au)
            x, y, field = np.concatenate([x, sx]), np.concatenate([y, sy]), np.concatenate([field, sf])
            papers = np.concatenate([papers, np.ones(len(sx))])
            key = np.concatenate([key, _pair_key(sx, sy, n)])
            joint_a, joint_b = np.concatenate([ties.a, sx]), np.concatenate([ties.b, sy])
            joint_lam = np.concatenate([lam, np.ones(len(sx))])
    bx, by, rx, ry = np.take(au.bloc, x), np.take(au.bloc, y), np.take(au.risk, x), np.take(au.risk, y)
    pair = bx * nb + by

    def sym(weights, extra=1):
        m = np.bincount(pair * extra + (field if extra > 1 else 0), weights=weights, minlength=nb * nb * extra)
        m = m.reshape(nb, nb, extra) if extra > 1 else m.reshape(nb, nb)
        return m + m.swapaxes(0, 1)

    # Citation impact from the authors: their quality (prestige, grown with their bloc's research capacity) and
    # the communities the paper reaches: a joint paper is read in both blocs, a home paper in one (C11).
    inst = model.inst
    level = model.bloc_state.research_level
    quality = np.concatenate([inst.prestige * level[inst.bloc], np.ones(len(model.firms))])
    pool = np.bincount(inst.bloc, weights=inst.capacity, minlength=nb)  # [bloc] research capacity
    # It depends only on the two blocs: computed per bloc pair, then read per paper (the same numbers).
    pb, pc = pool[:, None], pool[None, :]
    audience = np.take(((pb + pc) / np.maximum(np.maximum(pb, pc), 1e-12)) ** p.audience_elasticity, pair)
    impact = np.sqrt(np.take(quality, x) * np.take(quality, y)) * audience
    fl.papers = sym(papers)
    fl.papers_field = sym(papers, F)
    fl.papers_military = sym(papers * ((rx == Risk.MILITARY) | (ry == Risk.MILITARY)))
    fl.papers_security = sym(papers * ((rx == Risk.SECURITY) | (ry == Risk.SECURITY)))
    fl.papers_corporate = sym(papers * (np.take(au.is_firm, x) | np.take(au.is_firm, y)))
    fl.citations = sym(papers * impact)
    # Home output (single-bloc papers), per country, and its citation impact.
    home_mean = np.bincount(au.country, weights=cap, minlength=nc) * productivity
    if p.paper_lag == "all":  # home output publishes the country's past home work too (publication_lag.py)
        home_mean *= publication_lag.home_factor(model, home_mean / max(productivity, 1e-12))
    elif started is not None:
        home_mean *= started[model.country_bloc]
    # Papers between blocs of one split region (EU-UK) were home output in the calibration (sim/split.py).
    home_mean = split.home_less_joint(model, home_mean, joint_lam, joint_a, joint_b)
    home_country = rng.poisson(home_mean).astype(float)
    fl.home_country = home_country
    fl.home = np.bincount(model.country_bloc, weights=home_country, minlength=nb)
    fl.home_impact = np.bincount(inst.bloc, weights=inst.capacity * quality[: len(inst)], minlength=nb) / np.maximum(
        pool, 1e-9
    )
    if model.counts_institutions:  # only institution-level outputs read them; their draws are keyed, not rng's
        _count_institutions(model, x, y, bx, by, papers, key, cap)
    fl.country_with = (
        np.bincount(np.take(au.country, x) * nb + by, weights=papers, minlength=nc * nb)
        + np.bincount(np.take(au.country, y) * nb + bx, weights=papers, minlength=nc * nb)
    ).reshape(nc, nb)
    # Knowledge flows both ways, more from a more capable partner; exposure in dual-use fields.
    total = fl.home + fl.papers.sum(axis=1)
    cap_b = model.bloc_state.capability
    gain = np.clip(cap_b[None, :] / np.maximum(cap_b[:, None], 1e-9), 0.5, 2.0)
    models_cut = lv.effective_export("models").T  # [receiver, issuer]
    learned = split.region_sum(model, split.abroad(model, fl.papers * gain * (1 - models_cut)).sum(axis=1))
    fl.spillover = p.spillover * learned / np.maximum(split.region_sum(model, total), 1e-9)
    du = np.take(DUAL_USE, field) * papers
    exp_w = np.bincount(bx, weights=du * (ry != Risk.NONE), minlength=nb) + np.bincount(
        by, weights=du * (rx != Risk.NONE), minlength=nb
    )
    fl.exposure = exp_w / np.maximum(total, 1e-9)
    if (inside := split.region_pairs(model)) is not None:
        papers = papers * ~inside[bx, by]  # firms learn from papers abroad of their region, as calibrated
    fl.firm_papers = np.bincount(np.concatenate([x, y]), weights=np.concatenate([papers, papers]), minlength=len(au))[
        au.n_inst :
    ]


def _count_institutions(model, x, y, bx, by, papers, key, cap) -> None:
    """Credit the papers of the ties that wrote to their two authors and to each side's home co-authors."""
    nb = model.n_blocs
    team = key * 2  # each tie's two sides: its teams of home co-authors
    writer, partner_bloc, papers = np.concatenate([x, y]), np.concatenate([by, bx]), np.concatenate([papers, papers])
    # Paper counts are whole numbers, so adding them in place, in any order, gives the same sums
    # (and touches only the authors who wrote, not a fresh [author, bloc] array): both sides in one call.
    np.add.at(model.network.papers_with.reshape(-1), writer * nb + partner_bloc, papers)
    _home_coauthors(model, writer, partner_bloc, papers, np.concatenate([team, team + 1]), cap)


@functools.cache
def _poisson_cdf(mean: float) -> np.ndarray:
    """Poisson(mean)'s cumulative probabilities of 0 .. MAX_COAUTHORS - 1 (the team sizes' inverse CDF)."""
    k = np.arange(MAX_COAUTHORS)
    return np.cumsum(np.exp(-mean) * np.concatenate([[1.0], np.cumprod(mean / k[1:])]))


def _draw_home(home: Buckets, group: np.ndarray, weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """`home.sample(None, group, weights, u=u)`, the same rows, with the per-group numbers (cumulative weight at
    the group's start and its span, the last element, whether it has weight) taken per country and then read per
    draw, as countries are few and draws many. A draw lands at or after its group's first element (u >= 0), so
    `sample`'s clip to the group is a minimum with its last element (Buckets.sample for the reasoning)."""
    cum = np.empty(len(home.rows) + 1)
    cum[0] = 0.0
    np.cumsum(home.weigh(weights), out=cum[1:])
    edges = cum[home.bounds]  # [group + 1]
    lo, span = edges[:-1], edges[1:] - edges[:-1]
    last = np.minimum(np.maximum(home.bounds[1:] - 1, home.bounds[:-1]), len(home.rows) - 1)
    pos = search_right(cum, np.take(lo, group) + u * np.take(span, group))
    pos -= 1
    np.minimum(pos, np.take(last, group), out=pos)
    return np.where(np.take(span > 0, group), np.take(home.rows, pos), -1)


@functools.cache
def _size_thresholds(mean: float) -> np.ndarray:
    """`_poisson_cdf(mean)` on the keyed hashes' scale: a uniform (h + 0.5) * 2**-32 is >= cdf[k] exactly when
    h >= this[k] (the products and the 0.5 are exact in doubles), so a team's size is a count of thresholds."""
    return np.ceil(_poisson_cdf(mean) * 2.0**32 - 0.5).astype(np.int64)


def _home_coauthors(model, writer, partner_bloc, papers, team, cap) -> None:
    """Credit each paper's further home institutions with a paper with the partner bloc.

    Each side of a tie is a team: its writer and Poisson(`home_coauthors`) further institutions of the writer's
    country, who are on every paper the tie writes (a collaboration is a stable group of people, so a tie's
    many papers list the same partner institutions). They are drawn among the country's institutions
    (research-active or occasional) as a tie partner is drawn, by reach and prestige, with numbers keyed to
    the tie and side (`team`; sim/streams.keyed_uniforms): the same team each quarter while the weights hold.
    Counted only in the institutions' paper counts: bloc and country counts, and every other draw, are as they
    were. Cost: one binary search per co-author of a tie that wrote this quarter, no search over pairs.
    """
    p, net = model.params.collaboration, model.network
    au, nb, n_inst = net.authors, model.n_blocs, net.authors.n_inst
    if p.home_coauthors <= 0 or not len(writer):
        return
    # One keyed number per team for its size, then one per co-author: ids team x (1 + MAX_COAUTHORS) + slot.
    key, stride = au.coauthor_key, 1 + MAX_COAUTHORS
    # (a Poisson(home_coauthors) size by inverse CDF, read on the hashes themselves: see _size_thresholds)
    size = keyed_bits(key, team * stride)
    n = np.minimum(np.searchsorted(_size_thresholds(p.home_coauthors), size, side="right"), MAX_COAUTHORS)
    total = int(n.sum())
    if not total:
        return
    paper = np.repeat(np.arange(len(writer)), n)
    # A co-author's id: its team's, plus its slot (1, 2, ... within the team): one repeat, no per-slot gather.
    first = team * stride + 1 - (np.cumsum(n) - n)
    u = keyed_uniform(key, np.take(first, paper) + np.arange(total))
    # Chosen as a partner is, by reach and prestige (partner_weight), but not by popularity abroad: the degree
    # term counts foreign ties, which a domestic co-author is not sought for. An occasional publisher keeps its
    # size relative to its country's mean institution as capacities move (its reach: that of its size).
    nc, inst = len(model.countries), model.inst
    mean = np.bincount(inst.country, weights=cap[:n_inst], minlength=nc) / np.maximum(au.inst_per_country, 1)
    country_reach = au.cap_ref * (mean / au.cap_ref) ** p.capacity_exponent
    reach = np.concatenate([au.reach[:n_inst], country_reach[net.occasional_country] * au.occasional_reach])
    weight = reach * au.home_prestige
    writer = np.take(writer, paper)  # each co-author's team's writer
    who = _draw_home(au.home, np.take(au.country, writer), weight, u)
    ok = np.flatnonzero((who >= 0) & (who != writer))
    who, paper = np.take(who, ok), np.take(paper, ok)
    cell, credit = who * nb + np.take(partner_bloc, paper), np.take(papers, paper)
    # Whole numbers of papers: added in place, in any order, the same sums; only the co-authors' cells are
    # touched (no count over every institution cell, no whole-table additions).
    inst = who < n_inst  # the pool's rows: institutions, then occasional publishers
    np.add.at(net.papers_with.reshape(-1), cell[inst], credit[inst])
    occasional = ~inst
    np.add.at(net.occasional_with.reshape(-1), cell[occasional] - n_inst * nb, credit[occasional])
