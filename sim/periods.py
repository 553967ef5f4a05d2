"""Calendar periods ("2017Q1") and their step index. One step is one quarter."""

import re

from .errors import ConfigError

_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


def parse(period: str, key: str = "period") -> int:
    """Quarter count since year 0 for a period like "2022Q4"."""
    m = _PERIOD.match(str(period).strip())
    if not m:
        raise ConfigError(key, f"'{period}' is not a period", "YYYYQn, e.g. 2022Q4")
    from .limits import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise ConfigError(key, f"'{period}' is out of range", f"a period from {FIRST_YEAR}Q1 to {LAST_YEAR}Q4")
    return int(m.group(1)) * 4 + int(m.group(2)) - 1


def label(quarters: int) -> str:
    return f"{quarters // 4}Q{quarters % 4 + 1}"


def year(quarters: int) -> int:
    return quarters // 4
