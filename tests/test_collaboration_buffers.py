"""The cheaper forms of the new-ties and decay passes give the arrays the plain NumPy forms give (session 15)."""

import numpy as np

from sim.compose import compose_config
from sim.mechanisms import collaboration
from sim.mechanisms.collaboration import TIE_ARRAYS, Ties, effort
from sim.mechanisms.sampling import Buckets
from sim.run import build_model


def _model(*overrides: str):
    return build_model(compose_config(["scale.factor=0.1", "seed=0", *overrides]))


def test_tie_columns_append_and_keep_as_concatenate_and_gather():
    rng = np.random.default_rng(0)
    ties = Ties.empty(np.repeat(np.arange(3), 10), 3)
    mirror = {name: getattr(ties, name).copy() for name in TIE_ARRAYS}
    for quarter in range(30):
        k = int(rng.integers(0, 700))
        a, b = rng.integers(0, 30, k), rng.integers(0, 30, k)
        new = dict(a=a, b=b, field=rng.integers(0, 6, k), strength=rng.integers(1, 4, k), key=a * 30 + b)
        new.update(team=rng.random(k), codes=rng.integers(0, 81, k))
        ties.count(a, b, 1)
        ties.append(**new)
        mirror = {name: np.concatenate([mirror[name], np.asarray(new[name], mirror[name].dtype)]) for name in mirror}
        if quarter == 10:  # a column set from outside (as a test or the strength fade does) is taken over
            ties.strength = ties.strength * 2.0
            mirror["strength"] = mirror["strength"] * 2.0
        keep = rng.random(len(ties.a)) > 0.1
        ties.keep(keep)
        mirror = {name: mirror[name][keep] for name in mirror}
        for name in TIE_ARRAYS:
            got = getattr(ties, name)
            assert got.dtype == mirror[name].dtype and np.array_equal(got, mirror[name]), (quarter, name)
    assert np.array_equal(ties.degree_all, np.bincount(np.concatenate([ties.a, ties.b]), minlength=30))


def test_bucket_group_sums_are_bincounts_bit_for_bit():
    rng = np.random.default_rng(1)
    groups = rng.integers(0, 18, 5000)
    buckets = Buckets(groups, 20, shares=rng.random(5000))
    element_w = buckets.weigh(rng.random(5000) * 10.0 ** rng.uniform(-6, 6, 5000))
    expected = np.bincount(buckets.groups, weights=element_w, minlength=20)
    assert np.array_equal(buckets.group_sums(element_w), expected)  # groups 18 and 19 are empty: 0


def test_bucket_group_sums_add_each_group_in_order_whatever_the_shape():
    """The table form (session 16) adds a group's elements one by one from its first, as a Python loop does,
    call after call (the table is kept), for any number of groups and group sizes, -0.0 and empty groups too."""
    rng = np.random.default_rng(2)
    for trial in range(60):
        n_groups, n = int(rng.integers(1, 40)), int(rng.integers(0, 2000))
        groups = rng.integers(0, max(n_groups - int(rng.integers(0, 3)), 1), n)  # some groups empty
        buckets = Buckets(groups, n_groups, shares=rng.random(n))
        for _ in range(3):
            element_w = buckets.weigh(rng.random(n) * 10.0 ** rng.uniform(-8, 8, n))
            if trial % 7 == 0 and n:  # a group of negative zeros sums to -0.0, as a running sum gives it
                g = int(buckets.groups[0])
                element_w[buckets.bounds[g] : buckets.bounds[g + 1]] = -0.0
            expected = np.zeros(n_groups)
            for g in range(n_groups):
                part = element_w[buckets.bounds[g] : buckets.bounds[g + 1]].tolist()
                if part:
                    total = part[0]
                    for v in part[1:]:
                        total += v
                    expected[g] = total
            got = buckets.group_sums(element_w)
            assert np.array_equal(got.view(np.int64), expected.view(np.int64)), (trial, n_groups, n)


def test_lane_values_are_the_gathers_they_replace():
    model = _model()
    au, ties = model.network.authors, model.network.ties
    assert effort._lanes_by_column(au) == model.n_blocs - 1
    per_author = np.random.default_rng(2).random(len(au))
    assert np.array_equal(effort._per_lane(au, per_author), per_author[au.lane_author])
    gain = np.random.default_rng(3).random((len(au), model.n_blocs))
    assert np.array_equal(collaboration.lane_values(au, gain), gain.ravel()[au.foreign_lanes])
    memory = collaboration.lane_values(au, ties.degree, float)
    assert memory.dtype == float and np.array_equal(memory, ties.degree[au.foreign_lanes].astype(float))
    quality = np.array([1.5, 0.7, 1.1, 0.9])[: model.n_blocs]
    assert np.array_equal(collaboration.lane_bloc_values(au, quality), quality[au.lane_bloc])


def test_each_tie_keeps_the_pair_of_codes_the_decay_reads():
    model = _model()
    au, ties = model.network.authors, model.network.ties
    n_codes = model.n_blocs * 3
    assert len(ties.a) and np.array_equal(ties.codes, au.code[ties.a] * n_codes + au.code[ties.b])
    for _ in range(3):
        model.step()
    assert np.array_equal(ties.codes, au.code[ties.a] * n_codes + au.code[ties.b])
