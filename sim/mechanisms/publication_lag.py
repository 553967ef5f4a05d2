"""Publication lag: the papers a bloc pair publishes now are the joint work its ties did some quarters ago.

Off unless `collaboration.paper_lag` is 'joint' or 'all' (a prototype, session 20: docs/CALIBRATION.md,
"Session 20: the US-China path (s20-uscn)"). A collaboration's work becomes papers over the quarters
`lag_delay` + 1 .. `lag_delay` + `lag_quarters` after it is done (by default 3-10 quarters, mean 6.5: idea to
publication median 18 months, Tumin et al. 2021; the params' sources). So

- a cut in tie formation (screening of proposals, personnel, mobility) shows in papers only as the work the
  missing ties would have done reaches its publication window;
- a tie a restriction ends still publishes the work it had done: its pair's past work stays in the pipeline.

Per bloc pair (both orders one cell) the mechanism keeps the work its ties did in each of the past quarters:
`work` = the sum over its live ties of their usual expected papers (`_write_papers`' rate before the
pandemic's productivity cut), with the time restrictions freed (freed.py) spent on the remaining ties' work,
times the pair's project-start rate sqrt(starts_a x starts_b) (the pandemic's start cut acts on the work begun,
so `projects.output_factor` is not applied on top). The pair publishes the window's mean work this quarter,
carried by its live ties in proportion to their own work (an approximation: who writes the papers of ended
ties is not tracked), and then the productivity cut and the writing bound act as before.

The history before the first quarter is filled as if the work had grown by `lag_growth` a quarter on the young
lanes (`young_lanes`: still building up in 2017), by `lag_growth_mature` on the mature ones (default 0, flat:
spun up at 2017 conditions) and flat at home; the published papers are divided by the window's mean of that
history relative to the first quarter's work, so the first quarter publishes what it would without the lag
(2017's calibrated levels: C4, C5, C12 fit) and a pair whose work grows at its assumed rate publishes its
current work. With 'all' a country's home output is lagged the same way (its capacity's work, times its bloc's
start rate).
Arrays: [quarters ago, bloc x bloc] and [quarters ago, country]; no per-tie state, no per-agent loop.
"""

from __future__ import annotations

import numpy as np


def _window(p) -> tuple[int, int]:
    return p.lag_delay, p.lag_delay + p.lag_quarters


def _past(p, growth: np.ndarray) -> np.ndarray:
    """[quarters ago 1 .. window end, cell] the work before the first quarter relative to the first quarter's."""
    lags = np.arange(1, _window(p)[1] + 1, dtype=float)
    return (1.0 + growth[None, :]) ** (-lags[:, None])


def _publish(p, model, name: str, now: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Published this quarter, pushing `now` into the history `model.network.<name>` (rows: 1, 2, ... quarters
    ago). The first quarter fills the past as if grown at `growth` [cell] a quarter, and every quarter's papers
    are divided by that past's window mean (relative to the first quarter's work), so the first quarter
    publishes its own work and a cell that grows at `growth` publishes what it would without the lag."""
    lo, hi = _window(p)
    net = model.network
    hist = getattr(net, name)
    past = _past(p, growth)
    if hist is None or not len(hist):  # the first quarter (set-up leaves no rows)
        hist = now[None, :] * past
    published = hist[lo:hi].mean(axis=0) / past[lo:hi].mean(axis=0)
    hist = np.roll(hist, 1, axis=0)
    hist[0] = now
    setattr(net, name, hist)
    return published


def _pair_growth(model) -> np.ndarray:
    """[bloc x bloc] `lag_growth` on the young lanes (still building up in 2017), `lag_growth_mature` (0: a flat
    past, as spun up at 2017 conditions) on the mature ones."""
    from .collaboration.start import _young_pairs

    p = model.params.collaboration
    return np.where(_young_pairs(model, p.young_lanes), p.lag_growth, p.lag_growth_mature).ravel()


def start_rates(model) -> np.ndarray:
    """[bloc] this quarter's project-start rate (1 - the shocks' start cut; 1 if `project_starts` is off)."""
    if not model.params.collaboration.project_starts:
        return np.ones(model.n_blocs)
    return 1.0 - model.levers.start_cut


def joint_factor(model, bx: np.ndarray, by: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """[tie] what each tie's usual papers (`lam`, with freed time) are multiplied by to publish its pair's
    lagged work: published(pair) / work(pair) this quarter, with work including the start rate."""
    p, nb = model.params.collaboration, model.n_blocs
    sr = start_rates(model)
    pair = np.minimum(bx, by) * nb + np.maximum(bx, by)
    usual = np.bincount(pair, weights=lam, minlength=nb * nb)
    now = usual * np.sqrt(np.outer(sr, sr)).ravel()
    published = _publish(p, model, "work_history", now, _pair_growth(model))
    factor = published / np.maximum(usual, 1e-300)
    return np.take(factor, pair)


def home_factor(model, home_usual: np.ndarray) -> np.ndarray:
    """[country] what each country's usual home output (`home_usual`, before productivity) is multiplied by
    to publish its lagged home work (work = usual x its bloc's start rate)."""
    p = model.params.collaboration
    now = home_usual * start_rates(model)[model.country_bloc]
    published = _publish(p, model, "home_work_history", now, np.zeros(len(now)))
    return published / np.maximum(home_usual, 1e-300)
