"""FACTS.md 'Directions every policy lever must move': the validation's own direction list
(sim/validation/runs.py DIRECTIONS), each check on paired seeds: the same seeds with and without the lever.

Here the check is applied once to the timeseries averaged over the seeds (a low-noise paired comparison);
the validation report applies it per seed. A check the current model cannot meet names the issue whose
mechanisms it waits for and is reported only (below).
"""

import functools

import pytest

from sim.validation.runs import DIRECTION_YEAR, DIRECTIONS, base_timeseries, lever_timeseries, run_tables

pytestmark = pytest.mark.slow  # paired multi-seed runs of every direction: the full suite and CI run them

SEEDS = (0, 1, 2)
FACTOR = 0.15  # large enough for the paired differences to stand out of the noise, small enough to be quick
END = f"{DIRECTION_YEAR}Q4"


def _mean(frames):
    numeric = [f.select_dtypes("number") for f in frames]
    return sum(numeric) / len(numeric)


@functools.cache
def _base():
    from sim.validation.runs import make_config

    return _mean([run_tables(make_config("baseline", s, FACTOR, END))["ts"] for s in SEEDS])


@functools.cache
def _against(index: int):
    """The pair's other side: the scenario as it is, or the direction's own counterfactual."""
    d = DIRECTIONS[index]
    return _base() if d.base is None else _mean([base_timeseries(d, "baseline", s, FACTOR, END) for s in SEEDS])


@functools.cache
def _levered(index: int):
    return _mean([lever_timeseries(DIRECTIONS[index], "baseline", s, FACTOR, END) for s in SEEDS])


# A check the model cannot meet yet (expected_to_fail_until) is reported only: the validation report shows its
# seeds, and it is not a test here. A non-strict xfail would pass either way; a strict one would break on the
# seeds where it happens to hold (it did: "Chinese capital goes to the US" XPASSed here and held in 5 of 8
# validation seeds). Give it a mechanism, drop expected_to_fail_until, and it becomes a test.
CASES = [
    pytest.param(i, check, id=f"{d.name} -> {check.label}")
    for i, d in enumerate(DIRECTIONS)
    for check in d.checks
    if not check.expected_to_fail_until
]


@pytest.mark.parametrize(("index", "check"), CASES)
def test_direction_holds_on_paired_seeds(index, check):
    assert check.holds(_against(index), _levered(index))


def test_every_facts_direction_is_in_the_list():
    names = " | ".join(d.name for d in DIRECTIONS)
    for words in ("export controls", "EU research security", "inbound screening", "InvestAI", "standards"):
        assert words in names, words
    diversion = [c.label for d in DIRECTIONS for c in d.checks if "Diversion" in d.name or "Diversion" in c.label]
    assert len(diversion) >= 4  # US package: fewer US-CN and more EU-CN; Chinese capital elsewhere; US vendors' share


def test_the_slow_tests_directions_are_in_the_report_with_their_own_pairs():
    """Stockpiling and open weights: each compares two settings of its own, not the scenario as it is."""
    own = {d.name: d for d in DIRECTIONS if d.base is not None}
    assert any("stockpiling" in n for n in own) and any("open-weight" in n for n in own)
    assert all(d.source.startswith(("assumption", "FACTS")) for d in DIRECTIONS)
