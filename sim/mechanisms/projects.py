"""Research projects: papers come from projects started earlier, so a cut in project starts shows later.

Off unless `collaboration.project_starts`. Authors decide each quarter how many new research projects
to start (the work a tie or a home team will write up). Under the pandemic's closures researchers started
fewer of them (the `shocks` family's `starts`, by bloc: the share of new projects not started). A project
writes its papers evenly over the quarters `project_delay` + 1 .. `project_delay` + `project_quarters`
after its start, so a bloc's output in a quarter is its researchers' usual output times the mean of its
start rates over that window. A joint project needs both ends: a tie between blocs a and b writes
sqrt(output_a x output_b) of its usual papers, as it writes with the root of both ends' capacities
(collaboration/papers.py). With no start ever cut every factor is exactly 1 and nothing is multiplied.
"""

from __future__ import annotations

import numpy as np


def output_factor(model) -> np.ndarray | None:
    """[bloc] this quarter's output relative to a bloc whose project starts were never cut; None if all 1.

    Called once a quarter, before papers are written: records this quarter's start rates (they write from
    the next quarter on) and reads the window of past starts whose projects write now.
    """
    p, net = model.params.collaboration, model.network
    if not p.project_starts:
        return None  # off: start cuts are ignored (the pandemic is only the direct output cut)
    starts = 1.0 - model.levers.start_cut  # the shocks family declares it for every run
    depth = p.project_delay + p.project_quarters
    hist = net.project_starts
    if len(hist) == 0:
        if not (starts < 1.0).any():
            return None  # no cut in the window: no history needed (project_output stays all 1)
        hist = np.ones((depth, model.n_blocs))  # before the first cut every start rate was the usual one
    window = hist[p.project_delay :]  # rows: 1, 2, ... quarters ago; the window's starts write now
    factor = window.mean(axis=0)
    hist = np.roll(hist, 1, axis=0)
    hist[0] = starts
    net.project_starts = hist[:0] if (hist == 1.0).all() else hist  # dropped once the cut has left the window
    net.project_output = factor  # what scripts report
    return None if (factor == 1.0).all() else factor
