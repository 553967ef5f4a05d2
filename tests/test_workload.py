"""Collaboration capacity (sim/mechanisms/workload.py): no author writes beyond its researchers' time."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.mechanisms import collaboration, workload
from sim.mechanisms.sampling import Buckets
from tests.conftest import run


def _model(share, split_region=(0,), bloc=None):
    """A stand-in model; `split_region` [bloc] its region (blocs sharing one: a split region, sim/split.py)."""
    p = SimpleNamespace(international_share_max=share)
    au = SimpleNamespace() if bloc is None else SimpleNamespace(bloc=np.asarray(bloc))
    region = np.asarray(split_region)
    return SimpleNamespace(
        params=SimpleNamespace(collaboration=p),
        network=SimpleNamespace(authors=au),
        n_blocs=len(region),
        split_region=region,
    )


def test_a_full_author_writes_at_its_bound_and_a_tie_between_others_keeps_its_rate():
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
    au = model.network.authors
    assert au.bound_ties.tolist() == [0, 1, 2]  # the full author's ties: the only ones the bound can cut
    assert np.allclose(au.lost, (lam - out)[au.bound_ties])  # what its partners' researchers still want to write


def test_time_a_fuller_partner_cannot_take_goes_to_the_ties_the_author_can_serve():
    # Author 0 (bound 1 paper) has ties to 1 and 2, each wanting 2 papers; author 1 is fuller (bound 0.25), so
    # the tie 0-1 writes what 1 can. Proportional cuts alone would leave 0 writing 0.75; its spare time goes to
    # its tie with 2, which nobody else limits.
    a, b = np.array([0, 0]), np.array([1, 2])
    lam = np.array([2.0, 2.0])
    cap = np.array([1.0, 0.25, 100.0])
    out = workload.bound_papers(_model(0.5), a, b, lam.copy(), cap)
    assert out[0] == 0.25
    assert 0.5 < out[1] <= 0.75  # more than its proportional cut (1/4 of 2), within 0's bound
    assert out.sum() <= 1.0 + 1e-12


def test_lost_papers_are_written_by_the_partner_with_a_next_best_author_with_time_to_spare():
    # Bloc 0: author 0 (full), 2 (time to spare), 3 (full); bloc 1: author 1, 0's partner. 0's lost papers go
    # to 1 with 2, never with the full 0 or 3.
    au = SimpleNamespace(
        bloc=np.array([0, 1, 0, 0]),
        used=np.array([1.0, 0.1, 0.2, 1.0]),
        lost=np.array([40.0]),
        bound_ties=np.array([0]),
    )
    model = SimpleNamespace(network=SimpleNamespace(authors=au))
    buckets = Buckets(au.bloc, 2)
    rng = np.random.default_rng(0)
    partner, coauthor, field = workload.redirect(
        model, rng, np.array([0]), np.array([1]), np.array([0]), np.ones(4), buckets, 1
    )
    assert 20 < len(partner) < 60  # Poisson(40) papers, every one placed
    assert set(partner.tolist()) == {1} and set(coauthor.tolist()) == {2} and set(field.tolist()) == {0}


def test_ties_inside_a_split_region_neither_load_the_bound_nor_are_cut():
    # Blocs 0 (EU) and 1 (UK) form one region, bloc 2 (CN) is outside. Author 0 (EU, capacity 1, bound 1 paper at
    # 0.5) has a tie with the UK author 1 (4 papers) and one with the Chinese author 2 (0.5 papers): only the latter
    # counts, so 0 is not full and neither tie is cut, as when the UK was part of Europe.
    a, b = np.array([0, 0]), np.array([1, 2])
    lam = np.array([4.0, 0.5])
    model = _model(0.5, split_region=[0, 0, 2], bloc=[0, 1, 2])
    out = workload.bound_papers(model, a, b, lam.copy(), np.array([1.0, 100.0, 100.0]))
    assert out.tolist() == [4.0, 0.5]
    assert not model.network.authors.full[0]


def test_a_share_of_one_is_no_bound():
    model = _model(1.0)
    lam = np.array([5.0])
    assert workload.bound_papers(model, np.array([0]), np.array([1]), lam, np.ones(2)) is lam
    assert model.network.authors.lost is None


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
