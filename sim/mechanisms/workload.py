"""Collaboration capacity: an author's foreign ties cannot outgrow the researchers who write for them.

An author's research capacity (papers a quarter) stands for its research staff
(`mobility.researchers_per_paper` per unit). Only part of what they write can be
co-authored abroad: the papers its foreign ties would write in a quarter (their expected
count, both ends) are its collaboration workload, bounded by `international_share_max`
of its output. Two decisions follow from it:

- **Writing.** A tie's papers take both ends' time: where an end's ties would write more
  than its bound, each of them writes in proportion less (the tighter end binds), so no
  author writes beyond its researchers' time, however many partners it has gathered.
- **New ties.** An author whose bound was full last quarter (what it knows of its own
  workload) starts and accepts no new foreign ties: its effort stays at home, and a
  proposal drawn to it goes to a partner with time to spare (its weight in the partner
  draw is zero). Below the bound nothing changes.

Without a bound, ties beget ties (tie history, popular partners) until one outlier
institution writes many times its own capacity with foreign partners and carries its
country's lane (docs/CALIBRATION.md, "Session 10: C6"); with it, a country's share of a
lane follows the research staff of its institutions, not its luckiest one.
"""

from __future__ import annotations

import numpy as np


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
    """Scale each tie's expected papers so that neither end writes beyond its bound (in place where it binds);
    keep each author's workload (before the bound) for next quarter's tie decisions."""
    au, bound = model.network.authors, max_load(model.params.collaboration)
    if not np.isfinite(bound):
        au.full = None
        return lam
    work = load(a, b, lam, cap, bound)
    au.full = work >= 1.0
    if not au.full.any():
        return lam
    fraction = 1.0 / np.maximum(work, 1.0)  # [author] share of its ties' demand it can write
    lam *= np.minimum(fraction[a], fraction[b])
    return lam


def open_authors(model) -> np.ndarray | None:
    """[author] 1 where it has time for new foreign ties, 0 where its bound was full last quarter; None: all."""
    full = getattr(model.network.authors, "full", None)
    if full is None or not full.any():
        return None
    return (~full).astype(float)
