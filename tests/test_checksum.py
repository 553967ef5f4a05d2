"""A classroom-scale baseline run's tables are pinned by a checksum.

Speed work must not change any result: the same seed gives the same tables. When
the model's results change on purpose (a new mechanism, a recalibrated default),
update the pinned value deliberately with `python benchmarks/update_checksum.py --write`
and say so in the commit message.
"""

from benchmarks.update_checksum import current

# Checksum of scenario=baseline scale=classroom seed=0 (timeseries, countries, deals).
EXPECTED = "0d7b9883dba5004d64f10ff4cf2857ab74d2cec698d971c55ad2650c9914207c"


def test_classroom_baseline_tables_match_the_pinned_checksum():
    assert current() == EXPECTED, ("the model's results changed; if deliberate, run "
                                   "`python benchmarks/update_checksum.py --write`")
