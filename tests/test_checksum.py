"""A classroom-scale baseline run's tables are pinned by a checksum.

Speed work must not change any result: the same seed gives the same tables. When
the model's results change on purpose (a new mechanism, a recalibrated default),
update the pinned value deliberately with `python benchmarks/update_checksum.py --write`
and say so in the commit message.
"""

from benchmarks.update_checksum import current

# Checksum of scenario=baseline scale=classroom scale.factor=0.04 seed=0 (timeseries, countries, deals).
EXPECTED = "d7d2efe7a5a8113ca6e9ce760c3685cd4c031fc2442d5e65189e993b102ab7fb"


def test_classroom_baseline_tables_match_the_pinned_checksum():
    assert current() == EXPECTED, (
        "the model's results changed; if deliberate, run `python benchmarks/update_checksum.py --write`"
    )
