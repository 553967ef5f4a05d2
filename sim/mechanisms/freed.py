"""Freed writing time: the papers a closed tie no longer writes are written with the author's other partners.

On with `collaboration.freed_time` (the default since session 18). An author's researchers have a finite
amount of time for joint work abroad (issue 13 item 2: finite collaboration capacity, substitution). When
restrictions end one of its ties (bans and research screening, `collaboration.decay._decay`: the end rate they add
to a tie's natural decay), the time its researchers spent writing with that partner is not lost: they spend
it as they spend their effort (formation's logit split over the foreign lanes and home,
`collaboration.effort._lane_rates`): its foreign share on the ties they still have, in proportion to each tie's
expected value (its expected papers times the chance its lane survives the restrictions, the pass formation
weighs lanes by), the rest at home.
Ties ended by their natural decay free nothing here: those authors start new ties instead
(formation, `tie_rate`), as calibrated.

- **Decision.** Each author, each quarter: how to spend the writing time its closed ties freed.
  Objective: the most expected joint papers. Options: its remaining foreign ties, and home. Information: its
  ties' expected papers this quarter (what `collaboration.papers._write_papers` draws from), its lanes' pass under
  the restrictions in force (`collaboration.effort._lane_pass`) and the time freed (below).
  Constraint: the freed time (at most `freed_time_max` times its remaining ties' papers), and afterwards the
  writing bound (`workload.bound_papers`): no author writes beyond its researchers' share abroad.
- **Freed time.** Per author, the usual papers a quarter (`papers_per_tie` x sqrt(strength x both
  capacities) / cap_ref) of its ties times the end rate the restrictions added to them this quarter (an
  expectation, so no random numbers are drawn), times 1/2 (a closed tie's papers are re-written once, half
  through each end; the new partners' halves come from their usual time), times the author's foreign share of
  effort this quarter (1 - the home option's logit share in formation; the rest goes home). It fades at
  `tie_decay` a quarter: a closed tie would have ended at about that rate anyway, and its authors would then
  have started new ties, which formation already does.
- **Spending.** A tie between a and b writes lam (1 + pass_a e_a + pass_b e_b), where pass is each end's lane
  pass and e = freed x rate / (the author's sum of lam x pass over its ties), capped at `freed_time_max`, with
  rate the share of its usual papers the author's bloc writes this quarter (the pandemic's productivity cut
  times its past project starts: freed time writes as all its researchers' work does): each end
  spends its own freed time on its ties by expected value, and a joint paper needs its partner too, who
  writes it with the time its own lane had (the writing bound, applied after, cuts full partners).

Without restrictions nothing is freed, so 2017 (the fit parts' year) and every run without bans or screening
are unchanged.
"""

from __future__ import annotations

import numpy as np


def close(model, ties, restricted: np.ndarray | None, cap: np.ndarray) -> None:
    """Fade last quarter's freed time and add what restrictions end this quarter ([tie] added end rate)."""
    p, net = model.params.collaboration, model.network
    au = net.authors
    n = len(au)
    freed = net.freed_time  # zeros from set-up (collaboration.setup)
    freed *= 1.0 - p.tie_decay
    if restricted is None or not len(ties.a):
        return
    hit = np.flatnonzero(restricted)  # only ties under a rule (the US-China ones in the baseline) free time
    a, b, restricted = ties.a[hit], ties.b[hit], restricted[hit]
    gone = p.papers_per_tie * np.sqrt(ties.strength[hit] * cap[a] * cap[b]) / au.cap_ref  # usual papers a quarter
    # A closed tie's papers, re-written once elsewhere: each end's time writes half of them (its new partners'
    # halves come from their usual time), so the closure moves papers and makes none.
    gone *= 0.5 * np.minimum(restricted, 1.0)
    # Each end spends as it spends its effort (formation's split this quarter): its foreign share abroad.
    freed += np.bincount(a, weights=gone, minlength=n) * au.foreign_share
    freed += np.bincount(b, weights=gone, minlength=n) * au.foreign_share


def respend(model, a: np.ndarray, b: np.ndarray, lam: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """[tie] expected papers with each end's freed time spent on its ties by expected papers times lane pass.

    `rate` [bloc]: the share of its usual papers a bloc's researchers write this quarter (the pandemic's
    productivity cut times its past project starts): freed time writes at that rate, as all their work."""
    net = model.network
    au = net.authors
    freed = net.freed_time * rate[au.bloc]
    n, nb = len(au), model.n_blocs
    # Only ties with an end that has freed time change (every tie of such an author is among them).
    has = freed > 0.0
    t = np.flatnonzero(has[a] | has[b])
    a, b, tl = a[t], b[t], lam[t]
    held = getattr(au, "pass_dense", None)
    if held is None or held[0] is not au.lane_pass:  # rebuilt when the lanes' pass is (a few times a run)
        dense = np.ones(n * nb)  # [author * nb + bloc] the chance a tie on that lane survives the restrictions
        dense[au.foreign_lanes] = au.lane_pass
        au.pass_dense = held = (au.lane_pass, dense)
    dense = held[1]
    va = tl * dense[a * nb + au.bloc[b]]  # each end's expected value of the tie
    vb = tl * dense[b * nb + au.bloc[a]]
    value = np.bincount(a, weights=va, minlength=n) + np.bincount(b, weights=vb, minlength=n)
    # an author whose ties are worth nothing (value 0) gets the cap, but every va and vb of its ties is 0
    share = np.minimum(freed / np.maximum(value, 1e-300), model.params.collaboration.freed_time_max)
    lam[t] = tl + va * share[a] + vb * share[b]  # in place: the papers step's own array
    return lam
