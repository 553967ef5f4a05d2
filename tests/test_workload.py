"""Collaboration capacity (sim/mechanisms/workload.py): no author writes beyond its researchers' time."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.mechanisms import collaboration, workload
from tests.conftest import run


def _model(share):
    p = SimpleNamespace(international_share_max=share)
    return SimpleNamespace(params=SimpleNamespace(collaboration=p), network=SimpleNamespace(authors=SimpleNamespace()))


def test_a_full_author_writes_at_its_bound_and_its_partners_lose_only_their_ties_with_it():
    # Author 0 holds three ties (to 1, 2, 3) that would write 6 papers a quarter; its capacity 1 and a 0.5
    # share allow 1 paper abroad. The tie 2-3 (both ends with room) keeps its rate.
    a, b = np.array([0, 0, 0, 2]), np.array([1, 2, 3, 3])
    lam = np.array([2.0, 2.0, 2.0, 0.5])
    cap = np.array([1.0, 100.0, 100.0, 100.0])
    model = _model(0.5)
    out = workload.bound_papers(model, a, b, lam.copy(), cap)
    written = np.bincount(np.r_[a, b], weights=np.r_[out, out], minlength=4)
    assert written[0] == np.float64(1.0)  # at its bound, not beyond
    assert out[3] == 0.5
    assert model.network.authors.full.tolist() == [True, False, False, False]
    assert workload.open_authors(model).tolist() == [0.0, 1.0, 1.0, 1.0]  # no new ties next quarter


def test_a_share_of_one_is_no_bound():
    model = _model(1.0)
    lam = np.array([5.0])
    assert workload.bound_papers(model, np.array([0]), np.array([1]), lam, np.ones(2)) is lam
    assert workload.open_authors(model) is None


def test_in_a_run_no_institution_writes_beyond_its_share_abroad():
    # The shipped classroom scale: the tests' smaller factor gives too few ties for any author to fill its time.
    model = run("seed=0", "end=2022Q4", "scale.factor=0.5", "params.collaboration.international_share_max=0.7")
    net, p = model.network, model.params.collaboration
    cap = collaboration.capacity(model)
    t = net.ties
    lam = p.papers_per_tie * np.sqrt(t.strength * cap[t.a] * cap[t.b]) / net.authors.cap_ref
    probe = _model(p.international_share_max)  # the cached run stays as it was
    bounded = workload.bound_papers(probe, t.a, t.b, lam.copy(), cap)
    assert probe.network.authors.full.any()  # the bound binds somewhere: the test can fail
    assert workload.load(t.a, t.b, bounded, cap, workload.max_load(p)).max() <= 1.0 + 1e-9
