"""Publication lag (sim/mechanisms/publication_lag.py): papers publish the work a bloc pair did some quarters ago."""

from types import SimpleNamespace

import numpy as np
from conftest import run

from sim.mechanisms import publication_lag


def _fake(delay: int, quarters: int, growth: float = 0.0):
    p = SimpleNamespace(lag_delay=delay, lag_quarters=quarters, lag_growth=growth)
    return SimpleNamespace(params=SimpleNamespace(collaboration=p), network=SimpleNamespace(work_history=None))


def _path(model, work, growth):
    p = model.params.collaboration
    return [publication_lag._publish(p, model, "work_history", np.array([w]), growth)[0] for w in work]


def test_a_drop_in_work_shows_after_the_delay_over_the_window():
    m = _fake(delay=1, quarters=2)
    out = _path(m, [1.0, 1.0, 0.0, 0.0, 0.0, 0.0], np.zeros(1))
    # Work stopped in quarter 2: published in quarters 4 and 5 (rows 2 and 3 quarters ago), half then none.
    assert np.allclose(out, [1.0, 1.0, 1.0, 1.0, 0.5, 0.0])


def test_the_first_quarter_publishes_its_own_work_and_assumed_growth_is_neutral():
    g = 0.05
    m = _fake(delay=2, quarters=8, growth=g)
    work = [(1.0 + g) ** q for q in range(12)]
    out = _path(m, work, np.array([g]))
    assert np.allclose(out, work)  # a cell that grows as assumed publishes its current work
    flat = _fake(delay=2, quarters=8)
    assert _path(flat, work, np.zeros(1))[0] == 1.0
    assert _path(flat, work, np.zeros(1))[-1] < work[-1]  # faster than assumed: published lags behind


def test_off_by_default_and_on_it_keeps_a_history_and_moves_the_us_china_decline_later():
    off = run("seed=0", "end=2019Q4")
    assert len(off.network.work_history) == 0 and len(off.network.home_work_history) == 0  # off: no history kept
    on = run(
        "seed=0",
        "end=2019Q4",
        "params.collaboration.paper_lag=all",
        "params.collaboration.lag_delay=2",
        "params.collaboration.lag_growth=0.041",
    )
    net, p = on.network, on.params.collaboration
    assert net.work_history.shape == (p.lag_delay + p.lag_quarters, on.n_blocs**2)
    assert net.home_work_history.shape == (p.lag_delay + p.lag_quarters, len(on.countries))

    def us_cn(m):
        ts = m.recorder.timeseries()
        return ts.loc[ts["period"].astype(str).str.startswith("2019"), "papers_CN_US"].sum()

    # The 2018Q4 rules cut tie formation at once; with the lag, 2019's papers are still the earlier work's.
    assert us_cn(on) > us_cn(off)
