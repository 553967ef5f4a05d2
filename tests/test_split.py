"""A bloc split off from its region (the UK out of Europe in `uk_own_bloc`) inherits what it had inside it
(sim/split.py, issue 14 item 5)."""

import numpy as np
import pytest

from sim import split
from sim.catalogue import CATALOGUE, EXTENSIVE, resolve
from sim.compose import compose_config
from sim.mechanisms.collaboration import partner_weight, with_affinities
from sim.run import build_model


@pytest.fixture(scope="module")
def uk_model():
    return build_model(compose_config(["scenario=uk_own_bloc", "scale.factor=0.1", "seed=0", "end=2017Q2"]))


def test_parents_name_the_region_a_simulated_country_left():
    assert split.parents(["EU", "CN", "US", "UK"]) == {"UK": "EU"}
    assert split.parents(["EU", "CN", "US"]) == {}


def test_the_parent_keeps_its_totals_less_the_part_that_left():
    specs = resolve(["EU", "CN", "US", "UK"], {})
    for name in EXTENSIVE:
        whole = getattr(CATALOGUE["EU"], name)
        assert getattr(specs["EU"], name) + getattr(specs["UK"], name) == pytest.approx(whole)
    assert resolve(["EU", "CN", "US"], {})["EU"].market_size == CATALOGUE["EU"].market_size


def test_blocs_of_one_region_tie_at_their_affinities_and_outsiders_weigh_the_region_once(uk_model):
    m = uk_model
    au, eu, uk, cn = m.network.authors, m.blocs.index("EU"), m.blocs.index("UK"), m.blocs.index("CN")
    # The EU and the UK tie with each other as two blocs do, at the catalogue's affinities (an ordinary lane).
    uk_to_eu = (au.bloc[au.lane_author] == uk) & (au.lane_bloc == eu)
    de_to_uk = (au.country[au.lane_author] == m.countries.index("DE")) & (au.lane_bloc == uk)
    uk_eu = with_affinities(CATALOGUE, m.params.collaboration)["UK"].countries["UK"].affinity["EU"]
    assert (au.lane_affinity[uk_to_eu] == uk_eu).all()  # the catalogue's, refit for the mature start
    assert (au.lane_affinity[de_to_uk] == CATALOGUE["EU"].countries["DE"].affinity["UK"]).all()
    assert m.network.ties.degree.reshape(-1, m.n_blocs)[au.bloc == uk, eu].sum() > 0  # the 2017 stock has them
    # A Chinese author's two European lanes, pooled, are worth one lane's value, split by partner weight.
    reach = np.ones(len(au))
    value = np.where(np.isin(au.lane_bloc, [eu, uk]), 1.0, 0.0)
    out = split.pool_region_lanes(m, value, 0.0, lambda: partner_weight(m, reach))
    from_cn = au.bloc[au.lane_author] == cn
    to_eu, to_uk = from_cn & (au.lane_bloc == eu), from_cn & (au.lane_bloc == uk)
    assert np.allclose(out[to_eu] + out[to_uk], 1.0)
    w = np.bincount(au.bloc, weights=partner_weight(m, reach), minlength=m.n_blocs)
    assert np.allclose(out[to_uk], w[uk] / (w[uk] + w[eu]))
    # Ties already made with the region count in full, whichever part they are with.
    memory = np.where(to_uk, 2.0, 0.0)
    pooled = split.pool_region_lanes(m, value, memory, lambda: partner_weight(m, reach))
    assert np.allclose(pooled[to_eu] + pooled[to_uk], 3.0)


def test_people_from_europe_are_shared_by_research_capacity(uk_model):
    m = uk_model
    table = {"US": {"EU": 0.06}}
    shares = split.origin_shares(
        m, table, ["US", "UK", "DE"], np.array([m.blocs.index(b) for b in ("US", "UK", "EU")]), 0.02
    )
    eu, uk, us = m.blocs.index("EU"), m.blocs.index("UK"), m.blocs.index("US")
    assert shares[0, eu] + shares[0, uk] == pytest.approx(0.06)
    assert shares[0, uk] == pytest.approx(0.06 * split.parts(m)[uk])
    assert shares[1, eu] == 0 and shares[2, uk] == 0  # the EU-born in the UK are home-born, as calibrated
    assert shares[1, us] == 0.02


def test_a_run_without_a_split_region_is_left_alone():
    m = build_model(compose_config(["scale.factor=0.05", "seed=0", "end=2017Q1"]))
    assert not split.is_split(m) and split.destinations(m) is None
    v = np.arange(3.0)
    assert split.region_sum(m, v) is v and split.region_mean(m, v, lambda: None) is v
