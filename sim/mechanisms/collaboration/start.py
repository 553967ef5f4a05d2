"""The 2017 start: what set-up draws after the authors (collaboration.setup calls these in order).

`_occasional_publishers`: each country's occasional AI publishers, the pool of papers' home co-authors.
`_decision_inputs`: what authors know when they split their effort (field fit, partners' risk, dual use).
`_spin_up`: formation and decay at 2017 conditions until the mature lanes' stock is what they sustain, sized
to the first draw's (`_mature_size`), with the young lanes (`_young_pairs`) drawn again on the spun-up network.
"""

from __future__ import annotations

import numpy as np

from ...catalogue import DUAL_USE, RISKS
from ..sampling import Buckets
from .decay import _decay
from .formation import _form
from .network import TIE_ARRAYS, _rng, capacity, field_share
from .papers import _tie_papers


def _occasional_publishers(model, p) -> None:
    """Draw each country's occasional AI publishers, and the pool a paper's further home co-authors come from.

    A country's AI-publishing institutions are its research-active catalogue institutions (agents that start
    ties) and `occasional_per_institution` times as many occasional publishers, each of log-normal size around
    `occasional_size` of its country's mean institution. Drawn from their own stream: the agents' population
    and every other draw are as they were.
    """
    net, au, rng = model.network, model.network.authors, model.streams.occasional
    counts = []
    for spec_ in model.bloc_specs.values():
        for c in spec_.countries.values():
            n = c.institutions * p.occasional_per_institution * model.scale
            counts.append(int(round(n)) if n > 0 else 0)
    country = np.repeat(np.arange(len(model.countries)), counts)
    size = rng.lognormal(0.0, model.params.population.capacity_sigma, len(country))
    net.occasional_country = country
    net.occasional_size = p.occasional_size * size / max(float(size.mean()), 1e-300) if len(size) else size
    net.occasional_with = np.zeros((len(country), model.n_blocs))
    # Institutions and occasional publishers by country: one pool per country for the co-author draws, and
    # what of their weight is fixed for the run (prestige; an occasional publisher's prestige is its size).
    au.home = Buckets(np.concatenate([model.inst.country, country]).astype(np.int64), len(model.countries))
    # The co-author draws' stream key: quarter 0, the same every quarter (teams keep their members), so derived once.
    au.coauthor_key = model.streams.key("collaboration", 0, "coauthors")
    au.home_prestige = np.concatenate([model.inst.prestige, net.occasional_size]) ** p.prestige_weight
    au.occasional_reach = net.occasional_size**p.capacity_exponent
    au.inst_per_country = np.bincount(model.inst.country, minlength=len(model.countries))


def _spin_up(model, p) -> None:
    """Run the mechanism's own formation and decay at 2017 conditions until the stock is what they sustain.

    Ties beget ties (tie history, popular partners), so the stock formed at the 2017 rates alone drifts for
    years towards the large, well-connected authors; started from it, every lane's papers per tie rise through
    the validation window whatever happens to the lane. Steps of `spinup_step` quarters keep this cheap.
    """
    cap, dt = capacity(model), p.spinup_step
    steps = int(np.ceil(p.spinup_quarters / dt))
    if not steps:
        return
    ties = model.network.ties
    young = _young_pairs(model, p.young_lanes)
    on_young = young[ties.author_bloc[ties.a], ties.author_bloc[ties.b]]
    kept = {name: getattr(ties, name)[on_young] for name in TIE_ARRAYS}
    # The first draw's mature-lane ties: how many (or how many papers) the mature lanes keep (`mature_stock`).
    first = None if p.mature_stock == "spin_up" else {name: getattr(ties, name)[~on_young] for name in TIE_ARRAYS}
    for k in range(steps):
        _form(model, cap, scale=dt, part=f"spinup{k}")
        _decay(model, quarters=dt, part=f"spinup-decay{k}")
    ties.keep(~young[ties.author_bloc[ties.a], ties.author_bloc[ties.b]])
    if first is not None:
        _mature_size(model, first, cap, by_papers=p.mature_stock == "first_draw_papers")
    if p.young_on_mature:
        # The young lanes' stock is drawn again, as the first draw was, but on the spun-up network.
        au = model.network.authors
        lanes = young[au.bloc[au.lane_author], au.lane_bloc]
        _form(model, cap, scale=p.initial_stock_quarters, with_memory=False, part="setup-young", lanes=lanes)
        return
    # The young lanes go back to their first draw: their build-up is part of the record (C2).
    ties.count(kept["a"], kept["b"], 1)
    ties.append(**kept)


def _mature_size(model, first: dict, cap, by_papers: bool) -> None:
    """Size the spun-up mature lanes to the first draw's stock, bloc pair by bloc pair (`mature_stock`).

    Each bloc pair keeps a random subset of its spun-up ties (who holds them, their strengths and fields: the
    spin-up's) as large as its first-draw ties (`first`, the columns of `TIE_ARRAYS`), counted in ties or in
    expected 2017 papers (`by_papers`); a pair the spin-up left smaller keeps all its spun-up ties and takes
    the rest from a random subset of its first-draw ties, skipping pairs of authors already tied (a pair of
    authors holds one tie). Random orders from the mechanism's own stream; a loop over the few bloc pairs.
    """
    ties, au, nb = model.network.ties, model.network.authors, model.n_blocs
    rng = _rng(model, "mature-stock")

    def pair(a, b):  # [tie] the unordered bloc pair
        ba, bb = au.bloc[a], au.bloc[b]
        return np.minimum(ba, bb) * nb + np.maximum(ba, bb)

    def size(cols):  # [tie] what a tie counts for: one, or its expected papers (`_write_papers`' rate, 2017)
        if not by_papers:
            return np.ones(len(cols["a"]))
        return _tie_papers(model, cap, cols["a"], cols["b"], cols["strength"], cols["team"])

    def take(order, w, target):  # the first ties of `order` whose sizes add up to `target`, to the nearest tie
        cum = np.cumsum(w[order])
        return order[: int(np.searchsorted(cum - 0.5 * w[order], target))]

    spun = {name: getattr(ties, name) for name in TIE_ARRAYS}
    s_pair, f_pair = pair(ties.a, ties.b), pair(first["a"], first["b"])
    s_size, f_size = size(spun), size(first)
    s_order, f_order = rng.permutation(len(s_pair)), rng.permutation(len(f_pair))
    keep, add = np.ones(len(s_pair), bool), []
    for cell in np.unique(np.concatenate([s_pair, f_pair])):
        mine, theirs = s_order[s_pair[s_order] == cell], f_order[f_pair[f_order] == cell]
        target, held = f_size[theirs].sum(), s_size[mine].sum()
        if held > target:
            keep[mine] = False
            keep[take(mine, s_size, target)] = True
        else:
            free = theirs[~np.isin(first["key"][theirs], ties.key[mine])]
            add.append(take(free, f_size, target - held))
    ties.keep(keep)
    add = np.concatenate(add) if add else np.zeros(0, np.int64)
    if len(add):
        extra = {name: first[name][add] for name in TIE_ARRAYS}
        ties.count(extra["a"], extra["b"], 1)
        ties.append(**extra)


def _young_pairs(model, lanes) -> np.ndarray:
    """[bloc, bloc] True for the bloc pairs named young ('A-B', either order); blocs not in the run are skipped."""
    young = np.zeros((model.n_blocs, model.n_blocs), bool)
    for lane in lanes:
        u, _, v = lane.partition("-")
        if u in model.blocs and v in model.blocs:
            i, j = model.blocs.index(u), model.blocs.index(v)
            young[i, j] = young[j, i] = True
    return young


def _decision_inputs(model, cap) -> None:
    """What authors know when they split their effort, fixed for the run: field fit, partners' risk mix, own
    dual-use share, and each bloc's 2017 research capacity (the yardstick of a partner pool's quality)."""
    au, nb = model.network.authors, model.n_blocs
    xl, jl = au.lane_author, au.lane_bloc
    # Field fit: the chance the author's researchers find their partner in the partner bloc, field by field its
    # share of the world's capacity in the field (from the population's specialisms), relative to the average
    # author of its bloc on that lane (so fit moves effort between authors, not between bloc pairs).
    fit = (au.mix[xl] * field_share(model, cap)[jl]).sum(axis=1)
    mean_fit = np.bincount(au.lane_cell, weights=fit, minlength=nb * nb) / np.maximum(
        np.bincount(au.lane_cell, minlength=nb * nb), 1
    )
    au.lane_fit = fit / np.maximum(mean_fit[au.lane_cell], 1e-12)
    weight = np.bincount(au.bloc * len(RISKS) + au.risk, weights=cap, minlength=nb * len(RISKS)).reshape(nb, -1)
    au.partner_risk = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)  # [bloc, risk]
    au.dual_use = (au.mix * np.asarray(DUAL_USE)).sum(axis=1)  # not `@`: BLAS differs by CPU (sim/simd.py)
    au.pool0 = np.maximum(np.bincount(au.bloc, weights=cap, minlength=nb), 1e-12)
