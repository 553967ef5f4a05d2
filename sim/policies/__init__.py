"""Policy lever families, one module each, and their registry.

Each module defines `FAMILY` (its key in scenario files and in `policies.` on the
command line), a `Measure` dataclass (what a scenario or the command line may set;
a field left empty keeps the lever as it is) and `apply(levers, measure, blocs)`.
Adding a lever family means adding one module here and one entry to FAMILIES.
"""

from . import (
    critical_minerals,
    export_controls,
    investai,
    investment_screening,
    regulation,
    research_security,
    shocks,
    standards_agreements,
)

FAMILIES = {
    m.FAMILY: m
    for m in (
        export_controls,
        research_security,
        investment_screening,
        investai,
        regulation,
        standards_agreements,
        critical_minerals,
        shocks,
    )
}


def bloc_indices(code: str, blocs: list[str], key: str, exclude: int | None = None) -> list[int]:
    """Indices of the blocs a measure names ("all" means every bloc but `exclude`)."""
    from ..errors import ConfigError

    if code == "all":
        return [i for i in range(len(blocs)) if i != exclude]
    if code not in blocs:
        raise ConfigError(key, f"unknown bloc '{code}'", "one of " + ", ".join(blocs + ["all"]))
    return [blocs.index(code)]
