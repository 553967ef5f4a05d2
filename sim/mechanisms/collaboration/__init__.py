"""Research collaboration: who co-authors with whom abroad, the papers they write, what flows back.

Authors are institutions and firms (corporate labs write most firm papers). Ties
are individual and cross-bloc; domestic co-authorship is part of each author's
home output. Each quarter an author starts new foreign ties at a rate that grows
with its capacity, its country's affinity to the partner bloc and, above all, its
existing ties there (individual initiative begets more ties), cut by mobility
restrictions. The partner is drawn within the partner bloc and field, weighted by
capacity, prestige and existing ties (no all-pairs search). Screening, entity-list
bans, personnel screening and technical-assistance controls on either side can stop
a tie; bans and screening also end existing ones. Each tie writes papers, cited
by its authors' quality and the communities it reaches, carrying knowledge both ways and, with military- or
security-linked partners in dual-use fields, exposure.
"""

from __future__ import annotations

import copy
import functools

import numpy as np

from ... import split
from ...catalogue import DUAL_USE, FIELDS, RISKS, Risk
from ...state import ResearchNetwork
from ...streams import keyed_bits, keyed_uniform
from .. import freed, projects, workload
from ..sampling import Buckets, poisson_events, search_right
from .decay import _decay
from .effort import effort_by_pair, lane_bloc_values, lane_values
from .formation import _form
from .network import TIE_ARRAYS, Authors, Ties, _pair_key, _rng, capacity, field_share, partner_weight
from .params import Params

__all__ = [
    "Params",
    "Authors",
    "Ties",
    "TIE_ARRAYS",
    "capacity",
    "field_share",
    "with_affinities",
    "effort_by_pair",
    "lane_values",
    "lane_bloc_values",
    "partner_weight",
    "setup",
    "step",
]

F = len(FIELDS)


MAX_COAUTHORS = 32  # further home co-authors a team can have (Poisson(home_coauthors) truncated; hi = 10)


def with_affinities(specs: dict, p: Params) -> dict:
    """The bloc specs with `mature_affinities` applied (a copy; the specs themselves when it is off)."""
    if not p.mature_affinities:
        return specs
    out = copy.deepcopy(specs)
    for spec_ in out.values():
        if "UK" in spec_.countries:
            aff = spec_.countries["UK"].affinity
            aff["US"] = aff["US"] * 4.5 / 9.0  # relative to the catalogue's, so its robustness rows still scale it
            if "EU" in aff:
                aff["EU"] = aff["EU"] * 6.0 / 10.0
    return out


def setup(model) -> None:
    p = model.params.collaboration
    specs = list(model.bloc_specs.values())
    affinity = np.ones((len(model.countries), model.n_blocs))  # [country, bloc]
    for ci, cname in enumerate(model.countries):
        for spec_ in specs:
            if cname in spec_.countries:
                for code, v in spec_.countries[cname].affinity.items():
                    if code in model.blocs:
                        affinity[ci, model.blocs.index(code)] = v
    authors = Authors(model, split.split_affinity(model, affinity))
    model.network = ResearchNetwork(
        authors,
        Ties.empty(authors.bloc, model.n_blocs),
        np.zeros((len(authors), model.n_blocs)),
        project_starts=np.ones((0, model.n_blocs)),  # no start cut in the window yet
        project_output=np.ones(model.n_blocs),
        freed_time=np.zeros(len(authors)),  # nothing freed before a restriction closes a tie (freed.py)
    )
    _occasional_publishers(model, p)
    _decision_inputs(model, capacity(model))
    # Start from the stock of ties the 2017 formation rate sustains.
    # (A free parameter: with individual initiative (tie_memory) the stock is not at a steady state.)
    _form(model, capacity(model), scale=p.initial_stock_quarters, with_memory=False, part="setup")
    _spin_up(model, p)


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


def step(model) -> None:
    cap = capacity(model)
    _form(model, cap)
    _decay(model, cap=cap)
    _write_papers(model, cap)


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
    if started is not None:  # a joint project needs both ends: the root of both blocs' project output
        lam *= np.sqrt(started[au.bloc[x]] * started[au.bloc[y]])
    if p.freed_time:  # time closed ties freed, spent on the authors' other ties (freed.py)
        rate = np.full(nb, productivity) if started is None else productivity * started
        lam = freed.respend(model, x, y, lam, rate)
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
    if started is not None:
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
