"""A small run stands for the real world: an author below realistic scale stands for several real ones
(docs/CALIBRATION.md, "Session 7"), so repeated proposals to one author reach different real partners."""

import numpy as np

from sim.compose import compose_config
from sim.mechanisms import collaboration
from sim.run import build_model


def _repeat_proposals(factor: float, n: int = 400):
    """A fresh model's ties after `n` proposals between the same two authors (an EU and a CN one)."""
    model = build_model(compose_config([f"scale.factor={factor}", "seed=0"]))
    ties, au = model.network.ties, model.network.authors
    ties.keep(np.zeros(len(ties.a), bool))  # start from no ties
    x = np.full(n, np.flatnonzero(au.bloc == model.blocs.index("EU"))[0])
    y = np.full(n, np.flatnonzero(au.bloc == model.blocs.index("CN"))[0])
    collaboration._merge(model, x, y, np.zeros(n, np.int64), np.random.default_rng(0))
    return model, ties


def test_at_realistic_scale_repeated_proposals_strengthen_one_tie():
    _, ties = _repeat_proposals(1.0)
    assert len(ties.a) == 1 and ties.strength.sum() == 400


def test_below_realistic_scale_they_reach_the_authors_real_counterparts():
    model, ties = _repeat_proposals(0.1)
    k = collaboration.twins(model)
    assert k == 10
    assert len(ties.a) == k and ties.strength.sum() == 400  # as many ties as real pairs, every proposal kept
    assert ties.degree_all.max() == k  # each is a distinct partner of the author


def _stock_pairs(*overrides: str) -> float:
    """Mean sqrt(capacity x capacity) / mean capacity of the pairs tied at the start of a run."""
    model = build_model(compose_config(["scale.factor=0.1", "seed=0", *overrides]))
    ties, au = model.network.ties, model.network.authors
    cap = collaboration.capacity(model)
    return float((np.sqrt(cap[ties.a] * cap[ties.b]) / au.cap_ref).mean())


def test_a_spin_up_moves_the_2017_tie_stock_onto_the_larger_authors():
    """Tie history and popular partners move ties onto large authors: a stock run to its steady state at the
    2017 rates holds larger pairs than the first draw (docs/CALIBRATION.md, session 7, C15)."""
    assert _stock_pairs("params.collaboration.spinup_quarters=40") > 1.3 * _stock_pairs()
