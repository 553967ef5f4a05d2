"""A classroom-scale baseline run's tables are pinned by a checksum.

Speed work must not change any result: the same seed gives the same tables. When
the model's results change on purpose (a new mechanism, a recalibrated default),
update the pinned value deliberately with `python benchmarks/update_checksum.py --write`
and say so in the commit message.
"""

from benchmarks.update_checksum import current

# Checksum of scenario=baseline scale=classroom seed=0 (timeseries, countries, deals).
EXPECTED = "00c51866c5df8383d1b4a4035043398e8b54c1ba4fdf76ba8797fe04a8ac7d0c"


def test_classroom_baseline_tables_match_the_pinned_checksum():
    assert current() == EXPECTED, (
        "the model's results changed; if deliberate, run `python benchmarks/update_checksum.py --write`"
    )
