"""A classroom-scale baseline run's tables are pinned by a checksum.

Speed work must not change any result: the same seed gives the same tables. When
the model's results change on purpose (a new mechanism, a recalibrated default),
update the pinned value deliberately with `python benchmarks/update_checksum.py --write`
and say so in the commit message.
"""

from benchmarks.update_checksum import current

# Checksum of scenario=baseline scale=classroom seed=0 (timeseries, countries, deals).
EXPECTED = "dba45811c0e128eb8b70ad3b03b7ab315dc24ec17f7bb907b6c647d4fc483ad4"


def test_classroom_baseline_tables_match_the_pinned_checksum():
    assert current() == EXPECTED, (
        "the model's results changed; if deliberate, run `python benchmarks/update_checksum.py --write`"
    )
