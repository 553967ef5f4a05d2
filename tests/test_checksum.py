"""A classroom-scale baseline run's tables are pinned by a checksum.

Speed work must not change any result: the same seed gives the same tables. When
the model's results change on purpose (a new mechanism, a recalibrated default),
update the pinned value deliberately with `python benchmarks/update_checksum.py --write`
and say so in the commit message.
"""

from benchmarks.update_checksum import current

# Checksum of scenario=baseline scale=classroom seed=0 (timeseries, countries, deals).
EXPECTED = "72c4e2e12e594a5d560265bc24c52cfd9e5896ae58009ed32f65d8316e2adb1e"


def test_classroom_baseline_tables_match_the_pinned_checksum():
    assert current() == EXPECTED, (
        "the model's results changed; if deliberate, run `python benchmarks/update_checksum.py --write`"
    )
