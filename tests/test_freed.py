"""Freed writing time (sim/mechanisms/freed.py): what restrictions close is spent on the authors' other ties."""

from types import SimpleNamespace

import numpy as np
import pytest

from sim.mechanisms import freed


class _Authors(SimpleNamespace):
    def __len__(self):
        return len(self.bloc)


def _model(n_blocs=3):
    # authors 0, 1 in bloc 0; 2 in bloc 1; 3 in bloc 2. Foreign lanes: every (author, other bloc).
    bloc = np.array([0, 0, 1, 2])
    lanes = np.flatnonzero(bloc[:, None] != np.arange(n_blocs)[None, :])
    au = _Authors(
        bloc=bloc, cap_ref=1.0, foreign_share=np.full(4, 0.8), foreign_lanes=lanes, lane_pass=np.ones(len(lanes))
    )
    net = SimpleNamespace(authors=au, freed_time=np.zeros(4))  # as collaboration.setup makes it
    p = SimpleNamespace(tie_decay=0.1, papers_per_tie=0.5, freed_time_max=1.0)
    return SimpleNamespace(params=SimpleNamespace(collaboration=p), network=net, n_blocs=n_blocs)


def test_close_frees_half_a_closed_ties_papers_per_end_times_the_foreign_share_and_fades():
    m = _model()
    ties = SimpleNamespace(a=np.array([0, 1]), b=np.array([2, 3]), strength=np.array([4.0, 1.0]))
    cap = np.ones(4)
    freed.close(m, ties, None, cap)
    assert not m.network.freed_time.any()  # nothing restricted: nothing freed
    freed.close(m, ties, np.array([0.2, 0.0]), cap)
    # tie 0: usual papers 0.5 * sqrt(4) = 1; 0.2 of it closes; half per end; foreign share 0.8
    assert m.network.freed_time == pytest.approx([0.08, 0.0, 0.08, 0.0])
    freed.close(m, ties, None, cap)
    assert m.network.freed_time == pytest.approx([0.072, 0.0, 0.072, 0.0])  # fades at tie_decay


def test_respend_spends_each_ends_freed_time_by_expected_value_at_its_blocs_rate():
    m = _model()
    m.network.freed_time = np.array([0.3, 0.0, 0.0, 0.0])
    a, b = np.array([0, 0, 1]), np.array([2, 3, 2])
    lam = np.array([1.0, 2.0, 1.0])
    out = freed.respend(m, a, b, lam.copy(), rate=np.array([0.5, 1.0, 1.0]))
    # author 0 spends 0.3 * 0.5 over its two ties by lam: 0.05 and 0.1; author 1's tie is untouched
    assert out == pytest.approx([1.05, 2.1, 1.0])
    assert out.sum() - lam.sum() == pytest.approx(0.15)


def test_respend_weighs_ties_by_their_lanes_pass_and_caps_the_raise():
    m = _model()
    au = m.network.authors
    lane_pass = np.ones((4, 3))
    lane_pass[0, 1] = 0.0  # author 0's lane to bloc 1 is closed to it
    au.lane_pass = lane_pass.ravel()[au.foreign_lanes]
    m.network.freed_time = np.array([10.0, 0.0, 0.0, 0.0])
    a, b = np.array([0, 0]), np.array([2, 3])
    out = freed.respend(m, a, b, np.array([1.0, 2.0]), rate=np.ones(3))
    assert out == pytest.approx([1.0, 4.0])  # all to the open lane, at most doubling it (freed_time_max 1)


def test_in_a_run_nothing_is_freed_before_a_restriction_and_china_europe_gains_after_the_us_closes_ties():
    from conftest import timeseries

    on, off = (timeseries("seed=0", "end=2021Q4", f"params.collaboration.freed_time={v}") for v in ("true", "false"))
    before = on["period"] < "2018Q4"  # the China Initiative (2018Q4) is the record's first rule that ends ties
    assert on[before].equals(off[before])
    after = ~before
    assert on.loc[after, "papers_CN_EU"].sum() > off.loc[after, "papers_CN_EU"].sum()
