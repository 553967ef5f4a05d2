"""The 2017 tie stock and its steady state (docs/CALIBRATION.md, "Session 7", C15)."""

import numpy as np

from sim.compose import compose_config
from sim.mechanisms import collaboration
from sim.run import build_model


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
