"""Researchers as people: where they come from, where they work, and where they choose to go next.

The researchers of every institution are cohorts: institution × origin bloc × career stage
(student, postdoc, senior), each a count of real researchers (`researchers_per_paper` per
unit of the institution's research capacity; a model institution at scale factor f stands
for 1/f real ones, so counts are scaled up like every other). A cohort's field mix is its
institution's. People decide at the points of a career where researchers move: a new
student chooses where to study (at home or abroad), a graduating student where to take a
postdoc, a postdoc where to settle, and a senior researcher now and then reconsiders.
Each decision is a logit over the blocs: the opportunity there (its capability), the pull
of home, the network of people of one's own origin already there, the cost of moving, and
the frictions in force (the destination's visa and mobility restrictions on one's origin
bloc, its personnel screening in dual-use fields, the pandemic's closures; a foreign
researcher's own host tightening on their origin bloc, as under the US "China Initiative",
pushes them to leave). Within a bloc, newcomers go to institutions by capacity, the
country's pull for their origin and the people of their origin already there.

Who is where is what collaboration reads: each institution's researchers of foreign origin
and its alumni of each foreign bloc (people who studied or worked there) make its ties to
that bloc more valuable (`Flows.people_gain`, relative to its level at set-up),
so a restriction on people changes collaboration years later, through the people it keeps
out, sends home or never lets study abroad.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import split
from ..catalogue import DUAL_USE, FIELDS
from ..population import bloc_bounds, group_blocks
from ..schema import spec
from ..state import People

STAGES = ("student", "postdoc", "senior")
DU_LEVELS = 11  # an institution's dual-use share, rounded to tenths, is what personnel screening reads


@dataclass
class Params:
    researchers_per_paper: float = spec(
        4.0,
        lo=0,
        hi=1000,
        source=(
            "assumption: AI researchers per paper a quarter of research capacity (a researcher co-authors about one"
            " AI paper a year); the cohorts' ratio of real researchers to model capacity"
        ),
    )
    stage_shares: list[float] = spec(
        factory=lambda: [0.35, 0.25, 0.40],
        lo=0,
        hi=1,
        source="assumption: students, postdocs and seniors among a lab's AI researchers at set-up",
    )
    graduate_rate: list[float] = spec(
        factory=lambda: [1 / 16, 1 / 12],
        lo=0,
        hi=1,
        source="assumption: a PhD lasts about four years, postdoc years about three (per quarter)",
    )
    retire_rate: float = spec(1 / 120, lo=0, hi=1, source="assumption: a senior career lasts about 30 years")
    senior_move_rate: float = spec(
        0.02, lo=0, hi=1, source="assumption: a senior researcher reconsiders their position about every 12 years"
    )
    move_cost: list[float] = spec(
        factory=lambda: [2.0, 2.0, 2.5],
        lo=0,
        hi=20,
        source=(
            "assumption: log-utility cost of moving abroad as a student, postdoc, senior; with home_pull, about 14%"
            " of Chinese and EU students and postdocs at home go abroad, about 80% of those abroad stay"
        ),
    )
    home_pull: float = spec(
        1.0, lo=0, hi=20, source="assumption: log-utility of working in one's origin bloc (family, language)"
    )
    opportunity_weight: float = spec(
        1.0, lo=0, hi=5, source="assumption: a destination's pull grows with its capability index (labs, pay, compute)"
    )
    network_pull: float = spec(
        2.0,
        lo=0,
        hi=50,
        source="assumption: chain migration; a destination where 16% of researchers share one's origin pulls 1.3x",
    )
    country_pull: float = spec(
        0.5,
        lo=0,
        hi=3,
        source=(
            "assumption: within a bloc, newcomers of an origin favour countries with the stronger research links to it"
            " (the catalogue's affinity, e.g. the UK's English-language universities) with this elasticity"
        ),
    )
    personnel_weight: float = spec(
        1.0, lo=0, hi=1, source="assumption: personnel screening stops a dual-use applicant with its stringency"
    )
    push: float = spec(
        1.0,
        lo=0,
        hi=1,
        source=(
            "assumption: a host's mobility restriction or personnel screening on one's origin bloc cuts the value"
            " of staying by its stringency (the China Initiative's investigations, FACTS timeline 2018-2022)"
        ),
    )
    visit_share: float = spec(
        0.6,
        lo=0,
        hi=1,
        source=(
            "assumption: share of new foreign research ties that start with a visit (a stay, a meeting, a"
            " conference abroad); the share the pandemic's mobility shock stands for when travel stopped everywhere"
            " (0.6, scenario 2020Q1), so an entry ban in force then adds nothing to it"
        ),
    )
    alumni_decay: float = spec(
        0.025, lo=0, hi=1, source="assumption: ties kept from a stay abroad fade over about ten years"
    )
    people_weight: float = spec(
        10.0,
        lo=0,
        hi=100,
        source=(
            "assumption: value of an institution's new ties with a bloc grows by this much per share of its"
            " researchers from or alumni of that bloc (10: a 10% diaspora doubles it)"
        ),
    )
    diaspora: dict[str, dict[str, float]] = spec(
        factory=lambda: {
            "US": {"CN": 0.16, "EU": 0.06},
            "UK": {"CN": 0.08, "US": 0.04},
            "DE": {"CN": 0.03, "US": 0.02},
            "FR": {"CN": 0.025, "US": 0.02},
            "NL": {"CN": 0.04, "US": 0.03},
            "CH": {"CN": 0.04, "US": 0.04},
            "CN": {"US": 0.005, "EU": 0.005},
        },
        source=(
            "assumption: 2017 share of a country's AI researchers born in another bloc (Chinese-born about a sixth in"
            " the US, more in the UK than in Germany); countries not listed: diaspora_other"
        ),
    )
    diaspora_other: float = spec(
        0.02, lo=0, hi=0.5, source="assumption: share from each other bloc where `diaspora` names none"
    )
    diaspora_sigma: float = spec(
        0.5, lo=0, hi=3, source="assumption: spread of the foreign-born share across a country's institutions"
    )
    talent_weight: float = spec(
        1.0,
        lo=0,
        hi=10,
        source=(
            "assumption: research capacity a bloc can sustain grows by this share per share of its 2017 researchers"
            " gained by a change in net migration since 2017 (1: a researcher gained is a researcher's capacity)"
        ),
    )
    alumni: dict[str, dict[str, float]] = spec(
        factory=lambda: {
            "CN": {"US": 0.10, "EU": 0.05},
            "EU": {"US": 0.08, "CN": 0.01},
            "US": {"EU": 0.03, "CN": 0.01},
        },
        source="assumption: 2017 share of a bloc's home-born researchers who studied or worked in another bloc",
    )


def setup(model) -> None:
    p, inst, nb = model.params.mobility, model.inst, model.n_blocs
    rng = model.streams.mobility
    ni, blocs = len(inst), model.blocs
    # [country, origin] foreign-born share (a bloc split off from its region shares the region's, sim/split.py)
    foreign = split.origin_shares(model, p.diaspora, model.countries, model.country_bloc, p.diaspora_other)
    noise = rng.lognormal(-(p.diaspora_sigma**2) / 2, p.diaspora_sigma, (ni, nb))
    origin = np.clip(foreign[inst.country] * noise, 0, 0.5)
    own = np.arange(nb)[None, :] == inst.bloc[:, None]
    origin[own] = 0
    origin[own] = 1 - origin.sum(axis=1)
    total = p.researchers_per_paper * inst.capacity
    stages = np.asarray(p.stage_shares) / np.sum(p.stage_shares)
    researchers = stages[:, None, None] * (total[:, None] * origin)[None, :, :]
    alumni0 = split.origin_shares(model, p.alumni, blocs, np.arange(nb), 0.0)
    alumni = alumni0[inst.bloc] * (total * origin[own])[:, None]
    # Each bloc's researchers' fields are its institutions' specialisms, weighted by their researchers.
    bloc_field = np.bincount(
        (inst.bloc[:, None] * len(FIELDS) + np.arange(len(FIELDS))).ravel(),
        weights=(total[:, None] * inst.mix).ravel(),
        minlength=nb * len(FIELDS),
    ).reshape(nb, len(FIELDS))
    bloc_mix = bloc_field / np.maximum(bloc_field.sum(axis=1, keepdims=True), 1e-12)
    people = People(
        researchers=researchers,
        alumni=alumni,
        pull0=np.zeros((ni, nb)),
        pull0_country=np.zeros((len(model.countries), nb)),
        bloc_dual_use=(bloc_mix * np.asarray(DUAL_USE)).sum(axis=1),  # not `@`: BLAS differs by CPU (sim/simd.py)
        newcomer_pull=(_affinity(model) ** p.country_pull)[inst.country],
        situation=inst.bloc * DU_LEVELS
        + np.rint((inst.mix * np.asarray(DUAL_USE)).sum(axis=1) * (DU_LEVELS - 1)).astype(np.int64),
        starts=bloc_bounds(inst.bloc, nb)[:-1],
        sit_cells=np.zeros(0, np.int64),
        cells=(inst.country[:, None] * nb + np.arange(nb)).ravel(),
    )
    people.sit_cells = (people.situation[:, None] * nb + np.arange(nb)).ravel()
    people.bloc_cells = (inst.bloc[:, None] * nb + np.arange(nb)).ravel()
    people.firm_cells = (model.firms.country[:, None] * nb + np.arange(nb)).ravel()
    people.firm_blocks = group_blocks(model.firms.country, len(model.countries))
    people.talent = np.zeros(nb)
    model.people = people
    by_origin = researchers.sum(axis=0)
    _keep_sums(people, by_origin, _last(by_origin))
    people.pull0 = _pull(model, by_origin)
    people.pull0_country = _country_mean(model, people.pull0, by_origin.sum(axis=1))
    model.flows.moves = np.zeros((nb, nb))


def _affinity(model) -> np.ndarray:
    """[country, bloc] the catalogue's research affinity of each country to each bloc (1 where none is set)."""
    out = np.ones((len(model.countries), model.n_blocs))
    for spec_ in model.bloc_specs.values():
        for cname, c in spec_.countries.items():
            for code, v in c.affinity.items():
                if code in model.blocs:
                    out[model.countries.index(cname), model.blocs.index(code)] = v
    return out


def _last(a: np.ndarray) -> np.ndarray:
    """Sum over a short last axis (origins): numpy's reduction over a 3-long strided axis costs ~30x
    the few whole-column additions it takes."""
    out = a[..., 0].copy()
    for k in range(1, a.shape[-1]):
        out += a[..., k]
    return out


def _rows(values: np.ndarray, k: int) -> np.ndarray:
    """[row, k] each row's value repeated over k columns: the same numbers as `values[:, None]` broadcast, but
    contiguous, so an operation with an [row, k] array runs one long loop instead of one 3-long loop a row."""
    out = np.empty((len(values), k))
    for j in range(k):  # k strided copies: cheaper than np.repeat's copy of one element at a time
        out[:, j] = values
    return out


def _spread(table: np.ndarray, cells: np.ndarray, rows: int) -> np.ndarray:
    """[row, k] the small table's cell of each row (`cells`, flat), by one gather: `table[group[:, None], ...]`."""
    return np.take(table.ravel(), cells).reshape(rows, -1)


def _fill(table: np.ndarray, blocks, rows: int) -> np.ndarray:
    """[row, k] the small [group, k] table's row of each row's group, where `blocks` (group, first row, end row)
    lays the rows out group by group: `_spread` with the groups' cells, the same numbers, written block by block
    and column by column (a constant each) instead of gathered one element at a time."""
    out = np.empty((rows, table.shape[1]))
    for g, lo, hi in blocks:
        for j in range(table.shape[1]):
            out[lo:hi, j] = table[g, j]
    return out


def _blocks(model):
    """(bloc, first row, end row) of each bloc's block of institution rows (institutions are laid out bloc by
    bloc): per-bloc values then apply to a slice, with no [institution, ...] gather by bloc."""
    bounds = np.append(model.people.starts, len(model.inst))
    return [(b, int(bounds[b]), int(bounds[b + 1])) for b in range(model.n_blocs)]


def _pull(model, by_origin, total=None) -> np.ndarray:
    """[institution, bloc] share of the institution's researchers born in, or alumni of, each foreign bloc."""
    linked = by_origin + model.people.alumni
    for b, lo, hi in _blocks(model):
        linked[lo:hi, b] = 0.0
    total = _last(by_origin) if total is None else total
    return linked / _rows(np.maximum(total, 1e-12), linked.shape[1])


def _country_mean(model, pull, total) -> np.ndarray:
    """[country, bloc] mean of `pull` over the country's institutions, weighted by their researchers `total`."""
    inst, nb, nc = model.inst, model.n_blocs, len(model.countries)
    num = np.bincount(model.people.cells, weights=(pull * _rows(total, nb)).ravel(), minlength=nc * nb)
    return num.reshape(nc, nb) / np.maximum(np.bincount(inst.country, weights=total, minlength=nc), 1e-12)[:, None]


def _gain(model, by_origin, total=None) -> np.ndarray:
    """[author, bloc] how much more (+) or less (-) a new tie with each bloc is worth than at set-up, from the
    people: an institution's own researchers born in or alumni of that bloc against its share at set-up (so the
    calibrated 2017 country affinities keep their meaning and only the change is the people's), a firm's
    country's researchers against the country's share at set-up."""
    p, pe, ni = model.params.mobility, model.people, len(model.inst)
    total = _last(by_origin) if total is None else total
    pull = _pull(model, by_origin, total)
    if pe.gain_base is None or pe.gain_base[0] != p.people_weight:  # the set-up's side of the ratio, once
        pe.gain_base = (p.people_weight, 1 + p.people_weight * pe.pull0, 1 + p.people_weight * pe.pull0_country)
    _, base, base_country = pe.gain_base
    out = np.empty((ni + len(model.firms), model.n_blocs))
    out[:ni] = (1 + p.people_weight * pull) / base - 1
    country = _country_mean(model, pull, total)
    table = (1 + p.people_weight * country) / base_country - 1  # [country, bloc]
    if pe.firm_blocks:  # firms come country by country: each country's rows filled with its row of the table
        out[ni:] = _fill(table, pe.firm_blocks, len(model.firms))
    else:
        np.take(table.ravel(), pe.firm_cells, out=out[ni:].reshape(-1))
    return out


def _choice(model, home_bloc, origin, dual_use, cost, share_at) -> np.ndarray:
    """[row, destination] probability that a researcher of `origin` now in `home_bloc` chooses each bloc.

    Utility: log(capability^opportunity_weight) + home_pull if it is the origin bloc, + log(1 + network_pull x
    share of one's origin there) - cost if it means moving; times the chance the frictions let one through:
    the destination's visa restriction and personnel screening on one's origin (dual-use fields), the
    pandemic's closures on any move, and, for staying in a foreign host, the push of the host's own measures.
    `cost` is one number or one per row.
    """
    p, lv, nb = model.params.mobility, model.levers, model.n_blocs
    cap = np.maximum(model.bloc_state.capability, 1e-9) ** p.opportunity_weight
    j = np.arange(nb)[None, :]
    o, b = origin[:, None], home_bloc[:, None]
    # Home and abroad are by region: a bloc split off from Europe (the UK) is home to the Europe-born (sim/split.py).
    region = split.regions(model)
    home = region[j] == region[o]
    du = dual_use[:, None]
    w = (
        cap[None, :]
        * np.exp(p.home_pull * home - cost * (region[j] != region[b]))
        * (1 + p.network_pull * share_at[j, o])
    )
    restrict = lv.mobility[j, o]
    screen = p.personnel_weight * lv.personnel[j, o] * du
    entry = (1 - restrict) * (1 - screen)
    stay_push = 1 - p.push * np.maximum(restrict, screen)
    friction = np.where(j == b, np.where(home, 1.0, stay_push), np.where(home, 1.0, entry))
    # The pandemic stops moves everywhere; an entry ban stops moves into its bloc from where one is now.
    closed = lv.shock_mobility if not lv.entry_ban.any() else np.maximum(lv.shock_mobility, lv.entry_ban[j, b])
    w = w * friction * np.where(j == b, 1.0, 1.0 - closed)
    if (weight := split.destinations(model)) is not None:
        w = w * weight[home_bloc]
    return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)


def travel_cut(model) -> np.ndarray:
    """[bloc, partner] share of the new ties between two blocs that entry bans stop beyond the pandemic's
    global shock: a visit either way is barred by the stricter ban, and a tie needs one with `visit_share`;
    where travel has stopped everywhere anyway (the shock), a ban stops nothing more."""
    lv, p = model.levers, model.params.mobility
    ban = p.visit_share * np.maximum(lv.entry_ban, lv.entry_ban.T)
    shock = min(lv.shock_mobility, 1.0 - 1e-9)
    return 1.0 - (1.0 - np.maximum(ban, shock)) / (1.0 - shock)


@functools.lru_cache(maxsize=16)
def _situations(nb: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bloc now, dual-use share and origin of every (situation, origin) row of the choice table; the rows
    are situation-major (situation = bloc now x DU_LEVELS + dual-use level)."""
    b, level, o = np.meshgrid(np.arange(nb), np.arange(DU_LEVELS), np.arange(nb), indexing="ij")
    return b.ravel(), level.ravel() / (DU_LEVELS - 1), o.ravel()


def _choices(model, stages, share_at) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The choice probabilities of a quarter, from one `_choice` over all their rows (each row's numbers are
    its own, so computing them together changes none of them).

    For each stage in `stages` (the cost of moving it pays), from the few distinct situations, each cohort then
    reading its row by its institution's `situation` (bloc now x dual-use level; the dual-use share is rounded
    to DU_LEVELS levels): [situation, origin] the chance to stay in the bloc and [situation, origin,
    destination] the chance to move to each other bloc (0 for the bloc one is in). Then [origin, destination]
    the new students' choice (from an institution of their own bloc, with their bloc's field mix)."""
    p, pe, nb, lv = model.params.mobility, model.people, model.n_blocs, DU_LEVELS
    b, du, o = _situations(nb)
    home = np.arange(nb)
    n = len(b)
    costs = np.concatenate([np.full(n, p.move_cost[s]) for s in stages] + [np.full(nb, p.move_cost[0])])
    prob = _choice(
        model,
        np.concatenate([b] * len(stages) + [home]),
        np.concatenate([o] * len(stages) + [home]),
        np.concatenate([du] * len(stages) + [pe.bloc_dual_use]),
        costs[:, None],
        share_at,
    )
    here = np.repeat(home, lv)  # the bloc of each situation
    sits = np.arange(nb * lv)
    tables = []
    for k in range(len(stages)):
        move = prob[k * n : (k + 1) * n].reshape(nb * lv, nb, nb)
        stay = move[sits, :, here]
        move[sits, :, here] = 0.0
        tables.append((stay, move))
    return tables, prob[len(stages) * n :]


def _by_bloc(values, starts) -> np.ndarray:
    """Sums over each bloc's block of institution rows (institutions are laid out bloc by bloc)."""
    return np.add.reduceat(values, starts, axis=0)


def step(model) -> None:
    p, pe, inst, nb = model.params.mobility, model.people, model.inst, model.n_blocs
    starts, blocks = pe.starts, _blocks(model)
    m = pe.researchers
    by_origin, before, at = pe.by_origin, pe.total, pe.at  # [inst, origin], [inst], [bloc, origin]: m's sums
    # Share of each bloc's researchers of each origin: the network a newcomer finds there.
    share_at = at / np.maximum(at.sum(axis=1, keepdims=True), 1e-12)
    # Who decides this quarter: graduating students and postdocs, seniors reconsidering; seniors retire.
    grad = np.asarray(p.graduate_rate)
    graduating, settling, reconsidering = m[0] * grad[0], m[1] * grad[1], m[2] * p.senior_move_rate
    m[2] -= reconsidering + m[2] * p.retire_rate
    m[0] -= graduating
    m[1] -= settling
    # (researchers deciding [inst, origin], the stage they take up): new postdocs; new and other seniors.
    deciding = [(graduating, 1), (settling + reconsidering, 2)]
    tables, student_choice = _choices(model, [stage for _, stage in deciding], share_at)
    arrive = np.zeros((nb, 3, nb))  # [origin, stage, destination bloc]
    alumni_in = np.zeros((nb, nb, nb))  # [origin, destination bloc, bloc left] movers' ties to where they were
    moves = np.zeros((nb, nb))
    for (mass, stage), (stay, move) in zip(deciding, tables):
        m[stage] += mass * _spread(stay, pe.sit_cells, len(mass))  # stay[pe.situation]
        # Who leaves for where depends only on the situation and origin: sum the deciding by those first.
        n_sit = len(move)
        by_sit = np.bincount(pe.sit_cells, weights=mass.ravel(), minlength=n_sit * nb).reshape(n_sit, nb)
        flow = (by_sit[:, :, None] * move).reshape(nb, DU_LEVELS, nb, nb).sum(axis=1)  # [left, origin, dest]
        arrive[:, stage, :] += flow.sum(axis=0)
        moves += flow.sum(axis=1)
        alumni_in += flow.transpose(1, 2, 0)
    # New students: each origin bloc's intake keeps its student body in step with its research capacity;
    # they choose where to study like the others (from an institution of their own bloc).
    cap_b = _by_bloc(inst.capacity, starts)
    intake = p.researchers_per_paper * cap_b * (p.stage_shares[0] / np.sum(p.stage_shares)) * grad[0]
    study = intake[:, None] * student_choice  # [origin, dest]
    arrive[:, 0, :] += study
    moves += study * (1 - np.eye(nb))
    # Newcomers to a bloc spread over its institutions by capacity, the country's pull for their origin and
    # the people of their origin already there (students staying at home by capacity alone).
    origin_share = by_origin / _rows(np.maximum(before, 1e-12), nb)
    w = _rows(inst.capacity, nb) * pe.newcomer_pull * (1 + p.network_pull * origin_share)
    for b, lo, hi in blocks:
        w[lo:hi, b] = inst.capacity[lo:hi]
    # [inst, origin]: its share of its bloc's newcomers of each origin
    alloc = w / _fill(np.maximum(_by_bloc(w, starts), 1e-300), blocks, len(w))
    by_stage = arrive.transpose(1, 2, 0)  # [stage, destination, origin]
    for stage, cohort in enumerate(m):  # cohort[i] += alloc[i] * by_stage[stage, bloc of i]
        cohort += alloc * _fill(by_stage[stage], blocks, len(w))
    # Alumni: ties carried from the bloc left (not one's origin: those ties are the diaspora's), fading.
    carried = alumni_in * (1 - np.eye(nb))[:, None, :]  # [origin, destination, bloc left], origin's own dropped
    by_origin = m.sum(axis=0)
    total = _last(by_origin)
    _keep_sums(pe, by_origin, total)
    pe.alumni *= _rows((1 - p.alumni_decay) * np.minimum(total / np.maximum(before, 1e-12), 1.0), nb)
    pe.alumni += _alumni_arrivals(alloc, carried, blocks)
    model.flows.moves = moves
    model.flows.people_gain = _gain(model, by_origin, total)
    # Talent (capability's research capacity reads it): the share of its researchers a bloc has gained or lost
    # since 2017 by a change in its net migration rate; the 2017 rate is part of the balance 2017 capacity
    # stands in, and a bloc's own growth is not migration.
    rate = (moves.sum(axis=0) - moves.sum(axis=1)) / np.maximum(_by_bloc(total, starts), 1e-12)
    if pe.net0 is None:
        pe.net0 = rate
    pe.talent += rate - pe.net0
    model.bloc_state.talent_inflow = p.talent_weight * pe.talent


def _keep_sums(pe, by_origin, total) -> None:
    """Keep the cohorts' sums (`People.by_origin`, `total`, `at`) for the next quarter and the recorder."""
    pe.by_origin, pe.total, pe.at = by_origin, total, _by_bloc(by_origin, pe.starts)


def _alumni_arrivals(alloc, carried, blocks) -> np.ndarray:
    """[inst, bloc left] alumni each institution gains: its share of its bloc's newcomers of each origin times
    the ties they carry (summed over origins in order, as one product-sum per institution and bloc left)."""
    n, nb = alloc.shape
    out = _rows(alloc[:, 0], nb) * _fill(carried[0], blocks, n)
    for o in range(1, len(carried)):
        out += _rows(alloc[:, o], nb) * _fill(carried[o], blocks, n)
    return out
