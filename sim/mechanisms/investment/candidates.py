"""The quarter's attempts and open rounds, and the bounded sample of rounds each attempt sees (its
candidates): home deal flow first, then the world, picked on consistent-hashing circles."""

from __future__ import annotations

import numpy as np

from ... import split
from ...streams import poisson_inverse as _poisson_inverse
from ..sampling import sort_order
from .draws import _keyed, _rng
from .params import RAISING

ATTEMPT_BITS = 16  # an attempt's id: investor row << ATTEMPT_BITS | its attempt number this quarter


def _attempts(model, pace: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each investor's attempts this quarter, Poisson with mean `pace`, by inverse CDF from one uniform of its
    own: a change to one fund's pace moves only its count. Returns each attempt's investor row (ascending)
    and its id for keyed draws."""
    count = _poisson_inverse(_keyed(model, "attempts", np.arange(len(pace)), 1)[:, 0], pace)
    inv_row = np.repeat(np.arange(len(pace)), count)
    number = np.arange(len(inv_row)) - np.repeat(np.cumsum(count) - count, count)
    return inv_row, (inv_row.astype(np.int64) << ATTEMPT_BITS) | np.minimum(number, 2**ATTEMPT_BITS - 1)


def _open_rounds(model):
    """The rounds firms open this quarter: firm row, stage, ask (EUR m) and the ticket per participant."""
    rng, f, p = _rng(model, "rounds"), model.firms, model.params.investment
    specs = list(model.bloc_specs.values())
    # Per bloc, then gathered: the same product per firm.
    rate = (np.array([b.round_rate for b in specs]) * (1 + p.round_growth) ** model.years_elapsed)[f.bloc]
    firm = np.flatnonzero((rng.random(len(f)) < rate) & (f.stage < RAISING) & f.alive)
    stage = f.stage[firm]
    stage_capital = np.asarray(model.params.population.stage_capital_eur_m)
    ask = stage_capital[stage] * np.array([b.round_size for b in specs])[f.bloc[firm]]
    # Size and seats keyed to the firm's row: a firm that opens a round in one run and not in its pair
    # leaves the other rounds' numbers as they were.
    u = _keyed(model, "round size", firm, 3)
    ask *= np.exp(0.5 * np.sqrt(-2 * np.log(u[:, 0])) * np.cos(2 * np.pi * u[:, 1]))  # lognormal(0, 0.5)
    seats = 1 + _poisson_inverse(u[:, 2], p.investors_per_round)
    return firm, stage, ask, seats


POINTS = 8  # places per round on its group's circle (below)


class _Circles:
    """This quarter's rounds on their groups' circles (consistent hashing, `_candidates`), built once a quarter:
    the first search and the redirected one (`_redirect`) pick from the same circles.

    Each round holds POINTS places keyed to its firm's row; a grouping (a bloc's rounds at a stage, or all
    rounds at a stage) lays them out as one sorted array, group g's circle being [g, g + 1)."""

    def __init__(self, model, firm):
        drawn = _keyed(model, "places", firm, POINTS).ravel()
        # One float sort (the faster one of sampling.py); each grouping then sorts it by a stable (radix) sort.
        by_place = sort_order(drawn)
        place = drawn[by_place]
        if len(place) and (place[1:] == place[:-1]).any():
            # Equal places (32-bit draws: now and then) are picked in the order np.argsort leaves them: keep it.
            by_place = np.argsort(drawn)
            place = drawn[by_place]
        self.place, self.point_round = place, np.repeat(np.arange(len(firm)), POINTS)[by_place]
        self.n_rounds, self._layouts = len(firm), {}

    def subset(self, rounds: np.ndarray) -> _Circles:
        """The circles of some of these rounds (`rounds`: ascending indices, renumbered 0..len-1): the same places
        (keyed to the firm's row), so a pick among them is the one circles built on those rounds alone would
        make; a filter of the sorted places, no new draws or sort."""
        renumber = np.full(self.n_rounds, -1, np.int64)
        renumber[rounds] = np.arange(len(rounds))
        keep = renumber[self.point_round] >= 0
        sub = object.__new__(_Circles)
        sub.place, sub.point_round = self.place[keep], renumber[self.point_round[keep]]
        sub.n_rounds, sub._layouts = len(rounds), {}
        return sub

    def layout(self, name: str, round_group: np.ndarray, n_groups: int):
        """For grouping `name` (each round's group `round_group`, of `n_groups`): the round at each place in
        circle order (ending with -1), the circle (ending with inf), each group's first place and `_next_place`'s
        cell table."""
        if name not in self._layouts:
            group = round_group[self.point_round].astype(np.int16)
            order = np.argsort(group, kind="stable")
            circle = np.append(group[order] + self.place[order], np.inf)
            # Each group's first place: the count of places in lower groups (a place is in [0, 1), so group g's
            # entries are the ones in [g, g + 1)); what a binary search of the circle for each g finds.
            lo = np.zeros(n_groups + 1, np.int64)
            np.cumsum(np.bincount(group, minlength=n_groups)[:n_groups], out=lo[1:])
            # The round at each place, and -1 at the end (the inf's place, where a query past every place lands).
            round_at = np.append(self.point_round[order], -1)
            self._layouts[name] = (round_at, circle, lo, _place_cells(circle, n_groups))
        return self._layouts[name]


def _place_cells(circle: np.ndarray, n_groups: int) -> tuple[int, np.ndarray]:
    """`_next_place`'s table: cells per unit of the circles and each cell's first entry.

    About a quarter of an entry a cell (a power of two per unit of the circles, so the cells' bounds are exact):
    fewer steps than one a cell, for a table still small beside the circle."""
    cells = 1 << min(max(int(len(circle) / max(n_groups, 1)).bit_length() + 1, 0), 16)
    cell_of = (circle[:-1] * cells).astype(np.int64)
    first = np.zeros(n_groups * cells + 1, np.int64)
    np.cumsum(np.bincount(cell_of, minlength=n_groups * cells)[: n_groups * cells], out=first[1:])
    return cells, first


def _next_place(circle: np.ndarray, query: np.ndarray, table: tuple[int, np.ndarray]) -> np.ndarray:
    """Index of the first entry of `circle` (sorted, in [0, n_groups), ending with inf) at or after each query,
    and the entry there.

    The table (`_place_cells`) gives each cell's first entry: most queries (about 4 in 5) have no entry of their
    cell below them, and the rest are found by a binary search (one pass, where stepping over the entries of
    the cell took ~6 passes on ever fewer queries). The answer does not depend on the cells."""
    cells, first = table
    nxt = first[(query * cells).astype(np.int64)]
    at = circle[nxt]
    behind = np.flatnonzero(at < query)
    if len(behind):
        nxt[behind] = found = np.searchsorted(circle, query[behind])
        at[behind] = circle[found]
    return nxt, at


def _candidates(model, stage_t, round_t, inv_row, firm, r_stage, r_bloc, k_home, k_world, circles=None):
    """[k, attempt] candidate rounds (a candidate column per row): home deal flow first, then the world, at
    stages the type prefers.

    `stage_t`, `round_t`: [k, attempt] uniforms (a candidate column per row) that pick each candidate's stage,
    then its round.
    Inside a group (a bloc's rounds at a stage, or all rounds at a stage) a round is picked by consistent
    hashing: each round holds POINTS places on a circle, keyed to its firm's row, and `round_u` takes the
    round whose place comes next. A round that opens or closes in one run and not in its pair (a firm a
    stage ahead) moves only the picks that fall on its arcs, about 1/n of them, not every pick in the group
    as an index into the group's list would; each round's chance stays 1/n on average (within ~1/sqrt(POINTS)).
    `circles`: this quarter's `_Circles` of these rounds (built here if not given).
    """
    inv = model.investors
    n_stage, nb = RAISING, model.n_blocs
    # Home deal flow is the region's rounds: a fund of a bloc split off from Europe (the UK) saw Europe's in the
    # calibration (sim/split.py; the bloc itself where no region is split).
    region = split.regions(model)
    r_home = region[r_bloc]
    bs_count = np.bincount(r_home * n_stage + r_stage, minlength=nb * n_stage).reshape(nb, n_stage)
    s_count = bs_count.sum(axis=0)
    if circles is None:
        circles = _Circles(model, firm)

    itype, ibloc = inv.type[inv_row], region[inv.deal_flow[inv_row]]
    prefs = model.investment_market.prefs
    n_types = len(prefs)
    out = np.full((k_home + k_world, len(inv_row)), -1, np.int64)
    # A stage is drawn from the cumulative preference weights of stages with open rounds. Those depend only
    # on (type, deal-flow bloc) for home draws and on the type for world draws: a small table per pass,
    # gathered per attempt, and compared stage by stage (no [attempt, k, stage] array).
    for name, cols, n_groups in (
        ("home", slice(0, k_home), nb * n_stage),
        ("world", slice(k_home, k_home + k_world), n_stage),
    ):
        k = cols.stop - cols.start
        if k == 0:
            continue
        if name == "home":
            table = (prefs[:, None, :] * (bs_count > 0)[None, :, :]).reshape(n_types * nb, n_stage)
            row_group, group_of, round_group = (
                itype * nb + ibloc,
                (ibloc * n_stage).astype(float),
                r_home * n_stage + r_stage,
            )
        else:
            table, row_group, group_of, round_group = prefs * (s_count > 0), itype, 0, r_stage
        # [stage, attempt]: each stage's cumulative weight a contiguous row, as the comparisons below read it
        # (rows taken whole, one copy per attempt, then transposed: cheaper than a take along the other axis).
        cdf = np.take(np.cumsum(table, axis=1), row_group, axis=0).T.copy()
        total = cdf[-1]
        # Laid out [candidate, attempt]: a per-attempt value is then a row, and each operation one loop over the
        # attempts per candidate column, not a k-long loop per attempt (numpy's cost of an [attempt, k] array
        # against an [attempt, 1] column). The same operations on the same numbers, element by element.
        u = np.multiply(stage_t[cols], total)
        stage = np.zeros(u.shape, np.int8)  # a byte a count: the adds below cost less than on int64
        for s in range(n_stage - 1):  # stages whose cumulative weight u reaches (at most the last stage)
            stage += (u >= cdf[s]).view(np.int8)  # the comparison's bytes as counts: no cast, no buffering
        # The group as a float (small integers, exact): the query and the wrap test below then mix no types
        # (a mixed-type ufunc call copies its operands through buffers).
        g = stage.astype(float)
        g += group_of
        # Group g's circle is [g, g + 1): its rounds' places, sorted; a pick takes the next place (wrapping).
        round_at, circle, lo, cell_table = circles.layout(name, round_group, n_groups)
        query = np.add(g, round_t[cols]).ravel()
        nxt, at = _next_place(circle, query, cell_table)
        pick = round_at[nxt]
        # A query past its group's last place finds a place of a later group (or the end, inf): it wraps to the
        # group's first place, or finds nothing in an empty group. Only those few are looked at again.
        wrap = np.flatnonzero(at >= g.ravel() + 1.0)
        if len(wrap):
            gw = g.ravel()[wrap].astype(np.int64)
            start, end = lo[gw], lo[gw + 1]
            pick[wrap] = np.where(end > start, round_at[start], -1)
        pick = pick.reshape(g.shape)
        none = np.flatnonzero(~(total > 0))  # no stage with open rounds the type would take
        if len(none):
            pick[:, none] = -1
        out[cols] = pick
    return out
