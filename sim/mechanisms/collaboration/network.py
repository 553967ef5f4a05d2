"""The research network: its authors and their ties, and what every part of the mechanism reads from them.

`Authors`: every author's fixed attributes (institutions first, then firms), its foreign lanes (an author and
a partner bloc) and the partner-choice buckets. `Ties`: the cross-bloc ties, columns of arrays (`TIE_ARRAYS`)
with room at the end, and each author's tie counts. `capacity` (papers a quarter an author can write),
`field_share` (each bloc's share of a field) and `partner_weight` (how likely a proposal lands on an author).
Then the small helpers every part uses: a pair's key, the mechanism's random streams, the lever tables' cache.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ... import split
from ...catalogue import FIELDS, RISKS
from ..sampling import Buckets

F = len(FIELDS)


class Authors:
    """Static attributes of every author (institutions first, then firms) and the partner-choice buckets."""

    def __init__(self, model, country_affinity: np.ndarray):
        inst, firms = model.inst, model.firms
        self.n_inst = len(inst)
        self.bloc = np.concatenate([inst.bloc, firms.bloc])
        self.country = np.concatenate([inst.country, firms.country])
        self.risk = np.concatenate([inst.risk, firms.risk]).astype(np.int64)
        self.is_firm = np.arange(len(self.bloc)) >= self.n_inst
        self.mix = np.vstack([inst.mix, firms.mix])
        n = len(self.bloc)
        # Flat (author, bloc) lanes towards foreign blocs: the only lanes where foreign ties start.
        self.foreign_lanes = np.flatnonzero(self.bloc[:, None] != np.arange(model.n_blocs)[None, :])
        self.lane_author, self.lane_bloc = np.divmod(self.foreign_lanes, model.n_blocs)
        # Each lane's flat [author's bloc, partner bloc] cell: a bloc-pair matrix read per lane in one gather.
        self.lane_cell = self.bloc[self.lane_author] * model.n_blocs + self.lane_bloc
        # Bloc and risk profile in one small code (bloc * 3 + risk): what screening and bans depend on,
        # so per-tie rules are read from a table over pairs of codes, two gathers per tie.
        self.code = self.bloc * len(RISKS) + self.risk
        rows = np.repeat(np.arange(n), F)
        self.buckets = Buckets(
            self.bloc[rows] * F + np.tile(np.arange(F), n), model.n_blocs * F, rows, shares=self.mix.ravel()
        )
        self.cap_ref = float(inst.capacity.mean())
        self.affinity = country_affinity[self.country]  # [author, bloc], fixed for the run
        self.lane_affinity = self.affinity.ravel()[self.foreign_lanes]
        self.bloc_runs = np.flatnonzero(np.diff(self.bloc, prepend=-1))  # first author of each run of one bloc
        # Within a run of one bloc's authors, each lane column (an author's first, second ... foreign lane) goes
        # to one partner bloc: (first author, end, [partner bloc of each column]) per run, so a per-(author,
        # bloc) value is read onto the lanes by a few strided copies, not a gather per lane (`lane_values`).
        ends = np.append(self.bloc_runs[1:], n)
        self.lane_runs = [
            (int(lo), int(hi), [j for j in range(model.n_blocs) if j != self.bloc[lo]])
            for lo, hi in zip(self.bloc_runs, ends)
        ]
        # [author * F + field] author's (bloc, field) cell: what field_share sums over
        self.field_cells = (self.bloc[:, None] * F + np.arange(F)[None, :]).ravel()

    def __len__(self):
        return len(self.bloc)


TIE_ARRAYS = ("a", "b", "field", "strength", "key", "team", "codes")


@dataclass
class Ties:
    a: np.ndarray  # [tie] author row at one end
    b: np.ndarray  # [tie] author row at the other end
    field: np.ndarray  # [tie] index into FIELDS
    strength: np.ndarray  # [tie] how many times the pair proposed it (papers and survival grow with its root)
    key: np.ndarray  # min(a, b) * n_authors + max(a, b): the unordered pair, kept so merging needn't recompute it
    team: np.ndarray  # [tie] the pair's sqrt(capacity x capacity) / cap_ref when the tie formed
    author_bloc: np.ndarray  # bloc of every author (fixed)
    degree: np.ndarray  # [author * n_blocs + bloc] ties of the author with that bloc, kept up to date
    degree_all: np.ndarray  # [author] ties of the author in all
    # [tie] code[a] * n_codes + code[b] (Authors.code: bloc and risk, fixed per author row): the pair of codes the
    # decay's ban and screening tables are read at, kept so the decay needn't gather both ends' codes each quarter
    codes: np.ndarray = None
    # [column name] (buffer, spare buffer, the view of the buffer the column is): the columns are the first
    # len(a) entries of buffers with room at the end, so a quarter's new ties are written after the live ones
    # and ended ties are compacted into the spare buffer, instead of six new arrays for each (see `append`).
    room: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def empty(cls, author_bloc: np.ndarray, n_blocs: int):
        n = len(author_bloc)
        return cls(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0),
            np.zeros(0, np.int64),
            np.zeros(0),
            author_bloc,
            np.zeros(n * n_blocs, np.int64),
            np.zeros(n, np.int64),
            np.zeros(0, np.int64),
        )

    def count(self, a, b, sign: int) -> None:
        """Add (sign 1) or remove (-1) the ties a-b in the degree counts.

        A quarter adds and ends a few thousand ties among tens of thousands: updating the counts
        costs that much, recounting them would cost a pass over every tie. Whole numbers: added in any
        order, the same counts.
        """
        nb = len(self.degree) // len(self.degree_all)
        np.add.at(self.degree, np.concatenate([a * nb + self.author_bloc[b], b * nb + self.author_bloc[a]]), sign)
        np.add.at(self.degree_all, np.concatenate([a, b]), sign)

    def __getstate__(self):
        # A copy (copy.deepcopy, pickle: a forked model, sim/fork.py) copies each column and each buffer as an
        # array of its own, so a copied column is no longer a view of its copied buffer, and an in-place change
        # to it (a tie's strength) would be lost at the next append. The copy starts without buffers instead:
        # `_buffer` makes them from the columns on first use.
        return {**vars(self), "room": {}}

    def _buffer(self, name: str, need: int) -> np.ndarray:
        """Column `name`'s buffer, holding its live ties first and room for `need` ties in all."""
        col = getattr(self, name)
        held = self.room.get(name)
        if held is not None and held[2] is col and len(held[0]) >= need:
            return held[0]
        # First use, a column set from outside (a test, the spin-up), or full: a new buffer with room to double.
        buf = np.empty(max(2 * need, 1024), col.dtype)
        buf[: len(col)] = col
        self.room[name] = (buf, np.empty_like(buf), col)
        return buf

    def append(self, **columns) -> None:
        """Add ties at the end: each column's values written after its live ones (the same arrays as
        `np.concatenate`, in amortised constant time per tie)."""
        n = len(self.a)
        k = len(columns["a"])
        for name in TIE_ARRAYS:
            buf = self._buffer(name, n + k)
            buf[n : n + k] = columns[name]
            view = buf[: n + k]
            self.room[name] = (buf, self.room[name][1], view)
            setattr(self, name, view)

    def keep(self, mask):
        ended = np.flatnonzero(~mask)  # a few thousand: gathered by index, not by a second pass over a mask
        self.count(self.a[ended], self.b[ended], -1)
        rows = np.flatnonzero(mask)  # one pass over the mask, then a cheap gather per array
        n, m = len(mask), len(rows)
        for name in TIE_ARRAYS:
            buf = self._buffer(name, n)
            spare = self.room[name][1]
            # Gathered into the spare buffer (no new array; mode="clip" is not buffered, every row is in range),
            # which then holds the column.
            view = np.take(getattr(self, name), rows, out=spare[:m], mode="clip")
            self.room[name] = (spare, buf, view)
            setattr(self, name, view)


def capacity(model) -> np.ndarray:
    """Papers per quarter each author can write: institutions' capacity, firms' from capability."""
    f, p = model.firms, model.params.collaboration
    firm_cap = np.asarray(p.sector_research)[f.sector] * f.knowledge
    return np.concatenate([model.inst.capacity, firm_cap])


def field_share(model, weights) -> np.ndarray:
    """[bloc, field] each bloc's share of the world's weight in each field: every author's weight (e.g. its
    research capacity) spread over its field specialisms, summed per bloc, over the sum of all blocs."""
    au = model.network.authors
    w = np.multiply(np.asarray(weights)[:, None], au.mix).ravel()
    by_bloc = np.bincount(au.field_cells, weights=w, minlength=model.n_blocs * F).reshape(model.n_blocs, F)
    return by_bloc / np.maximum(by_bloc.sum(axis=0), 1e-300)


def partner_weight(model, reach) -> np.ndarray:
    """[author] how likely a proposal to its bloc lands on it: reach, prestige and popularity (ties beget ties)."""
    # Ties between blocs of one split region (EU-UK) were home work in the calibration: they add no popularity.
    p, deg_all = model.params.collaboration, split.outside_degree(model, model.network.ties)
    f = model.firms
    prestige = np.concatenate([model.inst.prestige, f.knowledge / max(f.knowledge[f.alive].mean(), 1e-9)])
    # Degrees are small whole numbers: one power per distinct degree, then a lookup, not a power per author.
    degree_term = (1.0 + np.arange(deg_all.max(initial=0) + 1)) ** p.degree_weight
    # reach * prestige ** prestige_weight * degree_term[deg_all], left to right, in place
    out = reach * (prestige if p.prestige_weight == 1.0 else prestige**p.prestige_weight)
    out *= np.take(degree_term, deg_all)
    return out


def _pair_key(x: np.ndarray, y: np.ndarray, n: int) -> np.ndarray:
    """A pair of authors' key, the same whichever end is named first (`ties.key`)."""
    return np.minimum(x, y) * n + np.maximum(x, y)


def _rng(model, part: str) -> np.random.Generator:
    """This quarter's stream for one part of the mechanism: a policy that changes how many numbers one part
    draws leaves the others' draws, and later quarters', as they were (sim/streams.py)."""
    return model.streams.quarter("collaboration", model.quarter, part)


def _lever_table(model, name: str, levers, build):
    """`build(model)`, a small table of this quarter's levers, rebuilt only when one of `levers` (the arrays
    it reads) has changed: the levers move a few times a run, the tables were rebuilt every quarter."""
    au = model.network.authors
    key = b"".join(a.tobytes() for a in levers)
    cache = au.__dict__.setdefault("lever_tables", {})
    if name not in cache or cache[name][0] != key:
        cache[name] = (key, build(model))
    return cache[name][1]
