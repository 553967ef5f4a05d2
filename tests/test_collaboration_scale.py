"""The 2017 tie stock and its steady state (docs/CALIBRATION.md, "Session 7", C15)."""

import numpy as np

from sim.compose import compose_config
from sim.mechanisms import collaboration
from sim.mechanisms.collaboration import decay
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
    every_lane = "params.collaboration.young_lanes=[]"
    assert _stock_pairs("params.collaboration.spinup_quarters=40", every_lane) > 1.3 * _stock_pairs(
        "params.collaboration.spinup_quarters=0", every_lane
    )


def _pairs(model, blocs: tuple[str, str]) -> set[tuple[int, int, int]]:
    ties, bloc = model.network.ties, model.network.authors.bloc
    i, j = (model.blocs.index(b) for b in blocs)
    ba, bb = bloc[ties.a], bloc[ties.b]
    sel = ((ba == i) & (bb == j)) | ((ba == j) & (bb == i))
    return set(zip(ties.key[sel].tolist(), ties.field[sel].tolist(), ties.strength[sel].astype(int).tolist()))


def test_the_young_lanes_with_china_start_from_their_first_draw_and_the_transatlantic_lane_is_spun_up():
    """Europe-China ties were still building up in 2017 (C2, C13), the transatlantic ones were not: the spin-up
    changes the US-EU stock and, with `young_on_mature` off, leaves the young lanes' first draw as it was
    (docs/CALIBRATION.md, session 8)."""
    old_rule = "params.collaboration.young_on_mature=false"
    first = build_model(compose_config(["scale.factor=0.1", "seed=0", "params.collaboration.spinup_quarters=0"]))
    spun = build_model(
        compose_config(["scale.factor=0.1", "seed=0", "params.collaboration.spinup_quarters=40", old_rule])
    )
    assert _pairs(spun, ("EU", "CN")) == _pairs(first, ("EU", "CN"))
    assert _pairs(spun, ("US", "CN")) == _pairs(first, ("US", "CN"))
    assert _pairs(spun, ("EU", "US")) != _pairs(first, ("EU", "US"))
    degree = np.bincount(spun.network.ties.a, minlength=len(spun.network.authors)) + np.bincount(
        spun.network.ties.b, minlength=len(spun.network.authors)
    )
    assert (degree == spun.network.ties.degree_all).all()  # the restored young ties are counted


def test_the_young_lanes_are_drawn_on_the_spun_up_network_onto_its_well_connected_authors():
    """With a mature start the young lanes' 2017 stock is the first draw's formation (the same quarters, no tie
    history) made on the spun-up network: about as many ties, but on European and US partners that already hold
    more transatlantic ties, as ties formed in the years before 2017 would be (docs/CALIBRATION.md, session 11)."""

    def young_stock(rule: str):
        model = build_model(
            compose_config(
                [
                    "scale.factor=0.1",
                    "seed=0",
                    "params.collaboration.spinup_quarters=40",
                    f"params.collaboration.young_on_mature={rule}",
                ]
            )
        )
        ties, bloc, cn = model.network.ties, model.network.authors.bloc, model.blocs.index("CN")
        sel = (bloc[ties.a] == cn) ^ (bloc[ties.b] == cn)
        western = np.where(bloc[ties.a[sel]] == cn, ties.b[sel], ties.a[sel])
        transatlantic = ties.degree_all - ties.degree.reshape(-1, model.n_blocs)[:, cn]
        return int(sel.sum()), float(transatlantic[western].mean())

    n_first, deg_first = young_stock("false")
    n_mature, deg_mature = young_stock("true")
    assert 0.8 * n_first < n_mature < 1.25 * n_first
    assert deg_mature > 1.2 * deg_first


def test_a_ties_strength_fades_back_towards_a_fresh_ties_unless_renewed():
    """Past joint work writes papers only while it is renewed (docs/CALIBRATION.md, session 9, C15): without a
    new proposal a tie's strength above 1 fades by `strength_fade` a quarter; a fresh tie's stays 1."""
    model = build_model(
        compose_config(
            ["scale.factor=0.1", "seed=0", "params.collaboration.tie_decay=0", "params.collaboration.strength_fade=0.2"]
        )
    )
    ties = model.network.ties
    ties.strength = np.where(np.arange(len(ties.a)) % 2 == 0, 1.0, 6.0)
    before = ties.strength.copy()
    decay._decay(model)
    assert np.allclose(ties.strength, 1.0 + (before - 1.0) * 0.8)
    model.params.collaboration.strength_fade = 0.0
    decay._decay(model)
    assert np.allclose(ties.strength, 1.0 + (before - 1.0) * 0.8)  # 0: strength only grows (the former model)
