"""Decay: ties end at a rate that falls with their strength; bans and research screening add to it, and the
ties of firms that exited end. With `freed_time` the writing time the restrictions' closures free is handed
to the authors' other ties (sim/mechanisms/freed.py).
"""

from __future__ import annotations

import functools

import numpy as np

from ...catalogue import RISKS, Risk
from .. import freed
from .network import _lever_table, _rng


@functools.lru_cache(maxsize=8)
def _code_pairs(nb: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every [code a, code b] pair of (bloc, risk) codes, flattened: the flat [bloc, partner] cells both ways
    and both ends' risks (the same for every quarter of every run with `nb` blocs)."""
    nr = len(RISKS)
    codes = np.arange(nb * nr)
    ca, cb = np.repeat(codes, len(codes)), np.tile(codes, len(codes))
    ba, bb = ca // nr, cb // nr
    return ba * nb + bb, bb * nb + ba, ca % nr, cb % nr


def _decay_tables(model) -> tuple[np.ndarray, np.ndarray]:
    """[code a * n_codes + code b] the quarterly end rate a tie's bans and its screening add, per pair of
    (bloc, risk) codes."""
    lv, p = model.levers, model.params.collaboration
    fwd, rev, ra, rb = _code_pairs(model.n_blocs)
    risk_w = np.asarray(p.risk_screening)
    mil, sec, scr = lv.ban_military.ravel(), lv.ban_security.ravel(), lv.screening.ravel()
    mil_b, mil_a, sec_b, sec_a = rb == Risk.MILITARY, ra == Risk.MILITARY, rb == Risk.SECURITY, ra == Risk.SECURITY
    banned = mil[fwd] * mil_b + mil[rev] * mil_a + sec[fwd] * sec_b + sec[rev] * sec_a
    screened = scr[fwd] * risk_w[rb] + scr[rev] * risk_w[ra]
    return p.ban_cut * banned, p.screening_cut * screened


def _pair_table(model, ban, screen) -> np.ndarray:
    """[pair of codes, 2] the ban and screening tables side by side (rebuilt when they are)."""
    au = model.network.authors
    held = getattr(au, "pair_table", None)
    if held is None or held[0] is not ban or held[1] is not screen:
        au.pair_table = (ban, screen, np.stack([ban, screen], axis=1))
    return au.pair_table[2]


def _decay(model, quarters: int = 1, part: str = "decay", cap=None) -> None:
    rng, p, lv, au, ties = (
        _rng(model, part),
        model.params.collaboration,
        model.levers,
        model.network.authors,
        model.network.ties,
    )
    # Bans and screening depend only on both ends' bloc and risk: evaluate them once per pair of
    # (bloc, risk) codes, then read each tie's value from that small table at its pair of codes (`Ties.codes`).
    ban, screen = _lever_table(model, "decay", (lv.ban_military, lv.ban_security, lv.screening), _decay_tables)
    end = np.sqrt(ties.strength)
    np.divide(p.tie_decay, end, out=end)  # tie_decay / sqrt(strength), in place
    banned, screened = ban.any(), screen.any()
    restricted = None  # [tie] the end rate the restrictions add (None: none in force)
    if banned and screened:  # both read in one gather of [pair, 2] rows, then added one after the other
        both = np.take(_pair_table(model, ban, screen), ties.codes, axis=0)
        end += both[:, 0]
        end += both[:, 1]
        if p.freed_time:
            restricted = both[:, 0] + both[:, 1]
    elif banned or screened:  # adding a table of zeros would change no tie's rate
        restricted = np.take(ban if banned else screen, ties.codes)
        end += restricted
    if p.freed_time and cap is not None:  # the writing time the restrictions' closures free (freed.py)
        freed.close(model, ties, restricted, cap)
    if quarters != 1:
        end = 1.0 - (1.0 - np.minimum(end, 1.0)) ** quarters
    survive = rng.random(len(ties.a)) >= end
    if p.strength_fade:  # renewal (a new proposal, _merge) adds 1; without it the excess over a fresh tie fades
        ties.strength = 1.0 + (ties.strength - 1.0) * (1.0 - p.strength_fade) ** quarters
    exited = model.flows.exited_firms  # investment steps first: this quarter's exits
    if len(exited) and ties.degree_all[au.n_inst + exited].any():  # most exits had no foreign ties
        gone = np.zeros(len(au), bool)
        gone[au.n_inst + exited] = True
        survive &= ~(np.take(gone, ties.a) | np.take(gone, ties.b))
    ties.keep(survive)
