"""Takeovers: a start-up bought by a listed firm (investment's trade sales with `trade_sale_entry`) brings its
research ties along. Its researchers join the acquirer's lab and keep their co-authors abroad; the entrant that
takes the sold firm's row starts with none. Without this, every sale would end the sold firm's ties as a
failure does, and recycling sold rows would cut the corporate co-authorship the record holds (C8).
"""

from __future__ import annotations

import numpy as np

from ...catalogue import RISKS
from .network import _pair_key


def _take_over(model) -> None:
    """Move this quarter's sold firms' ties to their acquirers (`flows.acquisitions`). A pair that is then tied
    twice (the acquirer already worked with that partner, or bought two firms that did) keeps its strongest
    tie: one team, one working relationship."""
    deals, ties = model.flows.acquisitions, model.network.ties
    if not len(deals) or not len(ties.a):
        return
    au = model.network.authors
    sold, acquirer = au.n_inst + deals[:, 0], au.n_inst + deals[:, 1]
    if not ties.degree_all[sold].any():  # most sold firms had no foreign ties
        return
    # Only the ties at a sold row move: found by a gather of flags per end (no pass of int compares over all ties).
    at = np.zeros(len(au), bool)
    at[sold] = True
    moved = np.take(at, ties.a)
    moved |= np.take(at, ties.b)
    moved = np.flatnonzero(moved)
    moves_to = np.arange(len(au))
    moves_to[sold] = acquirer
    a_old, b_old = ties.a[moved], ties.b[moved]
    ties.count(a_old, b_old, -1)
    a, b = moves_to[a_old], moves_to[b_old]
    ties.count(a, b, 1)
    ties.a[moved], ties.b[moved] = a, b
    ties.key[moved] = _pair_key(a, b, len(au))
    ties.codes[moved] = au.code[a] * (model.n_blocs * len(RISKS)) + au.code[b]
    # A pair tied twice now has an acquirer at one end: look among the acquirers' ties only.
    at[sold] = False
    at[acquirer] = True
    held = np.take(at, ties.a)
    held |= np.take(at, ties.b)
    _keep_strongest(ties, np.flatnonzero(held))


def _keep_strongest(ties, cand: np.ndarray) -> None:
    """End all but the strongest tie (the first in tie order among equals) of each pair tied twice among the
    ties `cand`."""
    keys = ties.key[cand]
    if len(np.unique(keys)) == len(keys):
        return
    order = cand[np.lexsort((cand, -ties.strength[cand], keys))]  # by pair, strongest first
    k = ties.key[order]
    second = order[1:][k[1:] == k[:-1]]
    keep = np.ones(len(ties.a), bool)
    keep[second] = False
    ties.keep(keep)
