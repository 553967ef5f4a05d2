"""Weighted sampling within groups: how agents pick partners without searching all pairs.

Elements (agents, or agent-field pairs) are sorted once by group; each draw is a
binary search in the group's slice of the cumulative weights, so a quarter's
draws cost O(draws * log n) plus one O(n) cumulative sum.

Sparse Poisson events (`poisson_events`) use the same idea: one draw for how many
events there are in all, then one binary search per event for where it falls.
"""

from __future__ import annotations

import numpy as np


class Buckets:
    def __init__(
        self, groups: np.ndarray, n_groups: int, rows: np.ndarray | None = None, shares: np.ndarray | None = None
    ):
        """`groups[e]` is element e's group; `rows[e]` the agent row it stands for (default e);
        `shares[e]` scales that row's weight for element e (default 1), e.g. an author's share of a field."""
        self.order = np.argsort(groups, kind="stable")
        self.groups = groups[self.order]  # each element's group, in group order
        self.bounds = np.searchsorted(self.groups, np.arange(n_groups + 1))
        self.rows = (np.arange(len(groups)) if rows is None else rows)[self.order]
        self.shares = None if shares is None else np.asarray(shares, float)[self.order]
        self.n_groups = n_groups
        # In group order the rows often come in a few runs of consecutive agents (a bloc's institutions,
        # then its firms): then a draw copies those slices of the weights instead of gathering row by row.
        breaks = np.flatnonzero(np.diff(self.rows) != 1) + 1
        starts = np.concatenate([[0], breaks]) if len(self.rows) else np.zeros(0, np.int64)
        ends = np.concatenate([breaks, [len(self.rows)]]) if len(self.rows) else np.zeros(0, np.int64)
        self.runs = [(int(a), int(b), int(self.rows[a])) for a, b in zip(starts, ends)] if len(starts) <= 64 else None

    def size(self, group) -> np.ndarray:
        return self.bounds[np.asarray(group) + 1] - self.bounds[group]

    def sample(
        self,
        rng,
        group: np.ndarray,
        weights: np.ndarray | None = None,
        u: np.ndarray | None = None,
        element_weights: np.ndarray | None = None,
    ) -> np.ndarray:
        """One row per entry of `group`, drawn with probability proportional to `weights` (per row)
        times the element's share (or to `element_weights`, `weigh(weights)` computed once for several uses);
        `u` (uniforms in [0, 1), one per entry) replaces `rng`'s numbers, so that a keyed draw
        (sim/streams.keyed_uniforms) picks the same row whenever the weights are the same.

        Returns -1 where the group is empty or has zero weight.
        """
        group = np.asarray(group, dtype=np.int64)
        if element_weights is None:
            element_weights = self.weigh(weights)
        cum = np.empty(len(self.rows) + 1)  # elements are already in group order: one cumulative sum
        cum[0] = 0.0
        np.cumsum(element_weights, out=cum[1:])
        lo_i, hi_i = self.bounds[group], self.bounds[group + 1]
        lo, hi = cum[lo_i], cum[hi_i]
        u = lo + (rng.random(len(group)) if u is None else u) * (hi - lo)
        if 2 * len(u) >= len(cum):  # about as many draws as elements (home co-authors): a guide table
            pos = search_right(cum, u) - 1
        else:  # few draws among many elements (partners): sorted queries make the binary searches cache-friendly
            by_u = sort_order(u)
            pos = np.empty(len(u), np.int64)
            pos[by_u] = np.searchsorted(cum, u[by_u], side="right") - 1
        pos = np.clip(pos, lo_i, np.maximum(hi_i - 1, lo_i))
        out = self.rows[np.minimum(pos, len(self.rows) - 1)] if len(self.rows) else np.zeros(len(group), int)
        return np.where(hi > lo, out, -1)

    def group_sums(self, element_weights: np.ndarray) -> np.ndarray:
        """[group] the sum of its elements' weights, element by element in row order (np.bincount's order).

        A group's sum is a chain of additions from its first element to its last, each on the sum so far: one
        chain per group, and the elements' group order puts the chains one after another, so summed as the
        elements come (a running sum, np.bincount) each addition waits for the one before it. Here each group is
        a column of a [largest group, group] table (`_columns`) and the columns run down side by side:
        `np.add.reduce` along the first axis of a C-ordered table adds row after row, each column's elements in
        order from its first, the same additions as a running sum. Its start, -0.0, and the -0.0 that ends the
        columns of the smaller groups change no sum (-0.0 is the identity of IEEE addition: -0.0 + w is w for
        every w, -0.0 too; +0.0 is not); an empty group's sum is 0.0, as np.bincount's. For few groups only (a
        table column each); for one group (a plain reduction, which NumPy sums pairwise) the running sum."""
        if self.n_groups > 64:
            return np.bincount(self.groups, weights=element_weights, minlength=self.n_groups)
        table = self._columns()
        if table is None:  # one group, or no elements: the running sum, the last of which is the sum
            out = np.zeros(self.n_groups)
            for g, (lo, hi) in enumerate(zip(self.bounds[:-1].tolist(), self.bounds[1:].tolist())):
                if hi > lo:
                    out[g] = np.cumsum(element_weights[lo:hi])[-1]
            return out
        for g, (lo, hi) in enumerate(self.spans):
            table[: hi - lo, g] = element_weights[lo:hi]  # the rest of the column stays -0.0
        out = np.add.reduce(table, axis=0, initial=-0.0)
        out[self.empty] = 0.0
        return out

    def _columns(self) -> np.ndarray | None:
        """The [largest group, group] table `group_sums` fills column by column (made on first use, kept)."""
        table = self.__dict__.get("table")
        if table is None and self.n_groups >= 2 and len(self.rows):
            sizes = np.diff(self.bounds)
            self.spans = list(zip(self.bounds[:-1].tolist(), self.bounds[1:].tolist()))
            self.empty = np.flatnonzero(sizes == 0)
            table = self.table = np.full((int(sizes.max()), self.n_groups), -0.0)
        return table

    def weigh(self, weights: np.ndarray) -> np.ndarray:
        """[element, in group order] its row's weight times its share."""
        if self.runs is None:
            element_weights = weights[self.rows]
        else:
            element_weights = np.empty(len(self.rows))
            for a, b, row in self.runs:
                if self.shares is None:
                    element_weights[a:b] = weights[row : row + b - a]
                else:  # the same product as a copy, then *= shares
                    np.multiply(weights[row : row + b - a], self.shares[a:b], out=element_weights[a:b])
        if self.runs is None and self.shares is not None:
            element_weights *= self.shares
        return element_weights


def search_right(cum: np.ndarray, u: np.ndarray, scan: int = 2) -> np.ndarray:
    """`np.searchsorted(cum, u, side="right")` for a non-decreasing `cum` from 0, without sorting `u`.

    A guide table (Chen and Asau's inverse-CDF method) cuts [0, cum[-1]] into cells of equal width; for each
    cell it keeps how many entries of `cum` fall in earlier cells. A cell index is a monotone function of the
    value (a product and a truncation), so every entry in an earlier cell is <= u and every entry in a later
    one > u: counting the entries of u's own cell that are <= u, a short scan (a binary search for the rare
    crowded cell), gives the same position exactly. O(len(cum) + len(u)) instead of sorting u.
    """
    n, top = len(cum), float(cum[-1]) if len(cum) else 0.0
    if not (top > 0 and np.isfinite(top)) or cum[0] < 0:
        return np.searchsorted(cum, u, side="right")
    cells = 1 << max(n.bit_length(), 4)  # one or two cells an entry
    scale = cells / top
    start = np.zeros(cells + 1, np.int64)  # entries of cum in the cells before each cell
    np.cumsum(np.bincount(np.minimum((cum * scale).astype(np.int64), cells - 1), minlength=cells), out=start[1:])
    padded = np.append(cum, np.inf)  # the scan stops at the end
    # (np.take: indexing's elements with less work per element)
    pos = np.take(start, np.minimum((u * scale).astype(np.int64), cells - 1))
    for _ in range(scan):
        pos += np.take(padded, pos) <= u
    crowded = np.flatnonzero(np.take(padded, pos) <= u)
    if len(crowded):
        pos[crowded] = np.searchsorted(cum, u[crowded], side="right")
    return pos


def poisson_events(rng, rates: np.ndarray) -> np.ndarray:
    """Events of independent Poisson counts with the given means, as the index of each event's lane (ascending).

    The same distribution as `np.repeat(np.arange(len(rates)), rng.poisson(rates))`, drawn from
    1 + N random numbers instead of one Poisson number per lane: the total count is Poisson with
    the summed mean, and given the total, events fall on lanes independently with probability
    proportional to their mean (a multinomial split of a Poisson total gives independent Poisson
    counts). Where the means are small and lanes many (tens of thousands of lanes, a few thousand
    events a quarter), this is the difference between most of a quarter's random numbers and few.
    """
    cum = np.cumsum(rates)
    total = float(cum[-1]) if len(cum) else 0.0
    n = rng.poisson(total) if total > 0 else 0
    if n == 0:
        return np.zeros(0, np.int64)
    u = sort_unit(rng.random(n)) * total  # sorted: the events come out in lane order, like np.repeat's
    lane = np.searchsorted(cum, u, side="right")  # the lane whose share of [0, total) holds u (never a zero mean)
    # u < total but for rounding; then the last lane with a positive mean (the first to reach the total).
    return np.minimum(lane, np.searchsorted(cum, total, side="left"), out=lane)


def sort_unit(values: np.ndarray) -> np.ndarray:
    """`np.sort(values)` for values in [0, 1), in about a quarter of its time on thousands of values.

    A sort's result is the same whichever way it is reached: a stable radix pass (numpy's for 16-bit
    keys) orders the values by their first 16 bits, which leaves them nearly sorted, and a merge sort
    then only has to merge short runs."""
    out = values[_by_leading_bits(values, 65536.0)]
    out.sort(kind="stable")
    return out


def sort_order(values: np.ndarray) -> np.ndarray:
    """`np.argsort(values, kind="stable")` for non-negative `values`, the same way as `sort_unit`: both passes
    are stable, so equal values keep their order (numpy's own stable sort where a value is not finite)."""
    top = values.max(initial=0.0)
    if not np.isfinite(top) or values.min(initial=0.0) < 0:
        return np.argsort(values, kind="stable")
    first = _by_leading_bits(values, 65535.0 / top if top > 0 else 0.0)
    return first[np.argsort(values[first], kind="stable")]


def _by_leading_bits(values, scale) -> np.ndarray:
    return np.argsort((values * scale).astype(np.uint16), kind="stable")


def sort_order_int(keys: np.ndarray, top: int) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` for integer `keys` in [0, top), the same way: a radix pass on the
    leading 16 bits, then a stable sort of the nearly sorted result (none where 16 bits hold every key)."""
    shift = max(int(top - 1).bit_length() - 16, 0)
    first = np.argsort((keys >> shift).astype(np.uint16), kind="stable")
    return first if shift == 0 else first[np.argsort(keys[first], kind="stable")]
