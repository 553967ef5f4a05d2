"""Policy lever families, one module each, and their registry.

Each module declares everything about its family (see `family.py`): `FAMILY` (its key in
scenario files and in `policies.` on the command line), a `Measure` dataclass (what a scenario
or the command line may set; a field left empty keeps the lever as it is), `apply(levers,
measure, blocs, key)`, its app sliders and its recorded `lever_*` columns. The config schema,
scenario validation, `Levers`, the app, `Bloc.levers` and the recorder all read FAMILIES.

Adding a lever family means adding one module here and its name to MODULES
(docs/ARCHITECTURE.md, "How to add a lever family").
"""

from __future__ import annotations

import importlib
from types import ModuleType

# The registry: one entry per family, in the order of the config schema, the app's lever panel
# and the lever_* columns (regulation's columns come before investai's in each bloc's block).
MODULES = (
    "export_controls",
    "research_security",
    "investment_screening",
    "regulation",
    "investai",
    "standards_agreements",
    "critical_minerals",
    "shocks",
    "entry_bans",
)

FAMILIES: dict[str, ModuleType] = {}


def register(module: ModuleType) -> ModuleType:
    """Add a family module to the registry (what an entry in MODULES does for a module of this package).

    Register before `sim.config` is first imported: the config schema is built from FAMILIES then.
    """
    FAMILIES[module.FAMILY] = module
    return module


for _name in MODULES:
    register(importlib.import_module(f"{__name__}.{_name}"))


def lever_columns(recorded: bool = False) -> list:
    """Every family's `Column` declarations in registry order (only the recorded ones if asked)."""
    return [c for m in FAMILIES.values() for c in getattr(m, "COLUMNS", ()) if c.recorded or not recorded]
