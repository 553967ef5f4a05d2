"""A classroom-scale baseline run's tables are pinned by a checksum.

Speed work must not change any result: the same seed gives the same tables. When
the model's results change on purpose (a new mechanism, a recalibrated default),
update the pinned value deliberately with `python benchmarks/update_checksum.py --write`
and say so in the commit message.
"""

from benchmarks.update_checksum import current

# Checksum of scenario=baseline scale=classroom seed=0 (timeseries, countries, deals).
EXPECTED = "664c85a6ec657b615e1abc50989a1ceb20178ab16a8cf84fd25e2ba1b6678ebb"


def test_classroom_baseline_tables_match_the_pinned_checksum():
    assert current() == EXPECTED, (
        "the model's results changed; if deliberate, run `python benchmarks/update_checksum.py --write`"
    )
