"""Upper bounds on what a user's input may ask for, checked before anything is built or written.

Scenario files travel between analysts and the seminar app takes uploads, so size is cost: a file,
a YAML alias, an agent count, a run's span or a number can each ask for more memory or time than a
workstation has. Each limit is far above anything a shipped scenario needs (the realistic baseline:
a 2 KB file, ~18.5k agents, 76 quarters, a few dozen measures) and is documented in the README.
"""

from __future__ import annotations

from .errors import ConfigError

MAX_SCENARIO_BYTES = 1_000_000  # a scenario file (the shipped ones are < 5 KB)
MAX_YAML_NODES = 100_000  # YAML nodes after expanding aliases ("billion laughs" expand to ~10^9)
MAX_MEASURES = 5_000  # dated measures in one scenario, parents included
FIRST_YEAR, LAST_YEAR = 1990, 2100  # periods a scenario may name
MAX_QUARTERS = 400  # a run's span (100 years)
MAX_AGENTS = 2_000_000  # agents of all kinds after scaling (realistic: ~18.5k; 64x realistic: ~1.2M)
MAX_MAGNITUDE = 1e9  # any number without a declared upper bound (EUR bn, rates, multipliers)


def check_span(start: int, stop: int, key: str) -> None:
    if stop - start + 1 > MAX_QUARTERS:
        raise ConfigError(key, f"the run spans {stop - start + 1} quarters", f"at most {MAX_QUARTERS} quarters")


def check_population(bloc_specs: dict, factor: float, key: str = "scenario.actors") -> None:
    """The agents a scenario asks for at this scale, counted before any array is allocated."""
    total = 0.0
    for bloc in bloc_specs.values():
        for country in bloc.countries.values():
            total += (country.institutions + country.firms + country.investors) * factor
    if total > MAX_AGENTS:
        raise ConfigError(
            key, f"asks for {total:,.0f} agents at scale factor {factor}", f"at most {MAX_AGENTS:,} agents in all"
        )
