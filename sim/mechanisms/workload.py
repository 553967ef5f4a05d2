"""Collaboration capacity: an author's foreign papers cannot outgrow the researchers who write them.

An author's research capacity (papers a quarter) stands for its research staff
(`mobility.researchers_per_paper` per unit). Only part of what they write can be
co-authored abroad: the papers its foreign ties would write in a quarter (their expected
count, both ends) are its collaboration workload, bounded by `international_share_max`
of its output. The bound is on researchers' time, not on whom they know: ties (the demand
for joint work) form as before, and the bound decides who writes the papers.

- **A full author's own researchers** spread their time over their ties: where an end's ties
  would write more than its bound, each writes in proportion less (the tighter end binds);
  time a tie with a fuller partner cannot take goes to the ties they can still serve
  (`bound_papers`). No author writes beyond its bound.
- **Its partners' researchers** keep the demand the full author cannot serve: each lost
  paper is written with their next-best partner, chosen as any partner is (`redirect`): in
  the full author's bloc and the tie's field, by partner weight (reach, prestige,
  popularity) times the time a candidate has to spare. Papers move, they are not lost.

Without a bound, ties beget ties (tie history, popular partners) until one outlier
institution writes many times its own capacity with foreign partners and carries its
country's lane (docs/CALIBRATION.md, "Session 10: C6"); with it, the outlier writes what its
researchers can and the rest of its lanes' papers go to others of its bloc with time to spare.
Where a region is split (uk_own_bloc), ties between its blocs count as home work, as in the calibration.
"""

from __future__ import annotations

import numpy as np

from .. import split
from .sampling import poisson_events

# Rounds of moving a full author's time from ties its fuller partners cap to the ties it can still serve.
# Each round only raises ties towards both ends' bounds (never beyond); two leave little time unused.
SERVE_ROUNDS = 2


def max_load(p) -> float:
    """Foreign papers an author can write per unit of its own (home) output: share / (1 - share); inf if off."""
    share = p.international_share_max
    return np.inf if share >= 1.0 else share / max(1.0 - share, 1e-12)


def load(a: np.ndarray, b: np.ndarray, lam: np.ndarray, cap: np.ndarray, bound: float) -> np.ndarray:
    """[author] expected papers of its foreign ties this quarter over what its researchers can write abroad."""
    n = len(cap)
    per_author = np.bincount(a, weights=lam, minlength=n)
    per_author += np.bincount(b, weights=lam, minlength=n)
    return per_author / np.maximum(cap * bound, 1e-300)


def bound_papers(model, a, b, lam, cap) -> np.ndarray:
    """Scale each tie's expected papers so that neither end writes beyond its bound (in place where it binds).

    Keeps for `redirect`: `authors.used` (each author's workload after the bound), `authors.full` (workload
    before it >= 1), `authors.bound_ties` (the ties of full authors, the only ones the bound can cut) and
    `authors.lost` (their papers the bound takes); `lost` is None where nothing binds."""
    au, bound = model.network.authors, max_load(model.params.collaboration)
    au.lost = au.full = None
    if not np.isfinite(bound):
        return lam
    # Ties between two blocs of one split region (the EU and the UK in uk_own_bloc) write what was home output
    # in the calibration (sim/split.py), so the bound, a share of output abroad as the calibration counted it,
    # neither counts them in an author's workload nor cuts them: a German university's time with China is
    # bounded as when the UK was part of Europe.
    inside = split.inside_ties(model, a, b)
    work = load(a, b, lam if inside is None else np.where(inside, 0.0, lam), cap, bound)
    au.full = work >= 1.0
    if not au.full.any():
        return lam
    # Only ties with a full end change (a few thousand of tens of thousands): work on those, and correct the
    # authors' workloads by what the bound takes from them.
    bounded = au.full[a] | au.full[b]
    if inside is not None:
        bounded &= ~inside
    ties = np.flatnonzero(bounded)
    ta, tb, tl = a[ties], b[ties], lam[ties]
    per_unit = 1.0 / np.maximum(cap * bound, 1e-300)
    scale = 1.0 / np.maximum(work, 1.0)  # [author] share of its ties' demand it can write
    scale = np.minimum(scale[ta], scale[tb])

    def used():  # [author] workload after the bound
        cut = tl * (1.0 - scale)
        n = len(cap)
        return work - (np.bincount(ta, weights=cut, minlength=n) + np.bincount(tb, weights=cut, minlength=n)) * per_unit

    for _ in range(SERVE_ROUNDS):
        spare = 1.0 / np.maximum(used(), 1e-300)  # > 1: time left unused
        np.minimum(scale * np.minimum(spare[ta], spare[tb]), 1.0, out=scale)
    au.used = used()
    au.bound_ties, au.lost = ties, tl * (1.0 - scale)
    lam[ties] = tl * scale
    return lam


def redirect(model, rng, a, b, field, weight, buckets, n_fields):
    """The papers full authors cannot write, written by their partners with next-best authors instead.

    A tie's lost papers (`authors.lost`) are its partner's researchers' demand that the full end cannot serve.
    Drawn as Poisson events over the ties, each lost paper's partner end looks for another co-author as any
    proposal does (`collaboration.formation._form`): in the full end's bloc and the tie's field, drawn by `weight`
    (partner weight: reach, prestige, popularity) times the share of its time a candidate has to spare
    (1 - its workload; a full author none). Returns (partner, co-author, field) per paper; empty arrays when
    nothing was lost. Cost: one binary search per lost paper, no search over pairs.
    """
    au = model.network.authors
    empty = np.zeros(0, np.int64)
    if au.lost is None:
        return empty, empty, empty
    events = au.bound_ties[poisson_events(rng, au.lost)]
    if not len(events):
        return empty, empty, empty
    ea, eb = a[events], b[events]
    fuller = au.used[ea] >= au.used[eb]  # the end whose bound took the papers
    held, other = np.where(fuller, ea, eb), np.where(fuller, eb, ea)
    f = field[events]
    room = np.clip(1.0 - au.used, 0.0, 1.0)
    z = buckets.sample(rng, au.bloc[held] * n_fields + f, weight * room)
    ok = z >= 0
    return other[ok], z[ok], f[ok]
