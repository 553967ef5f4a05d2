"""Project starts (sim/mechanisms/projects.py): papers come from projects started over past quarters."""

from types import SimpleNamespace

import numpy as np
from conftest import run

from sim.mechanisms import projects


def _fake(delay: int, quarters: int, on: bool = True):
    params = SimpleNamespace(
        collaboration=SimpleNamespace(project_starts=on, project_delay=delay, project_quarters=quarters)
    )
    return SimpleNamespace(
        params=params,
        network=SimpleNamespace(project_starts=np.ones((0, 2)), project_output=np.ones(2)),
        levers=SimpleNamespace(start_cut=np.zeros(2)),
        n_blocs=2,
    )


def test_a_cut_in_starts_shows_after_the_delay_over_the_projects_life_then_ends():
    m = _fake(delay=1, quarters=2)
    factors = []
    for q in range(6):
        m.levers.start_cut = np.array([0.5, 0.0]) if q == 0 else np.zeros(2)
        f = projects.output_factor(m)
        factors.append(None if f is None else f.tolist())
    # Started in quarter 0: writes in quarters 2 and 3 (delay 1, two quarters), half as many projects.
    assert factors == [None, None, [0.75, 1.0], [0.75, 1.0], None, None]
    assert len(m.network.project_starts) == 0  # the history is dropped once the cut has left the window


def test_start_cuts_are_ignored_unless_switched_on():
    m = _fake(delay=0, quarters=2, on=False)
    m.levers.start_cut = np.array([0.5, 0.5])
    assert all(projects.output_factor(m) is None for _ in range(4))


def test_the_pandemics_start_cuts_reach_western_output_in_2022_and_barely_chinas():
    # scenarios/baseline.yaml: 36% fewer starts in the US and Europe in 2020, in China in 2020Q1 only.
    m = run("seed=0", "end=2022Q1", "params.collaboration.project_starts=true")
    f = dict(zip(m.blocs, m.network.project_output))
    assert f["EU"] == f["US"] < 0.85 and f["CN"] > 0.95  # all four quarters of 2020 in the window
    off = run("seed=0", "end=2022Q1", "params.collaboration.project_starts=false")
    assert (off.network.project_output == 1.0).all()  # off: start cuts are ignored
