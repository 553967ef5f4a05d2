"""Hydra structured configs: one dataclass per config group, registered in the ConfigStore.

Groups mirror the code: `scale` (how many agents), `output` (what a run writes),
`params` (one section per mechanism module), `policies` (one section per lever family;
a lever set here is added to the scenario as a measure at `policies.start`).
The scenario itself is data: a name in `scenarios/` or a path to a YAML file.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Optional

from hydra.core.config_store import ConfigStore

from . import population
from .mechanisms import STEP_ORDER
from .policies import FAMILIES
from .schema import spec
from .sweep.config import TABLES, SweepConfig


@dataclass
class ScaleConfig:
    name: str = spec("realistic", source="label")
    factor: float = spec(1.0, lo=0.001, hi=64.0, source="agents per real-world actor in the catalogue")


@dataclass
class OutputConfig:
    plots: bool = spec(True, source="write PNG plots")
    dpi: int = spec(110, lo=30, hi=600, source="plot resolution")
    tables: list[str] = spec(
        factory=lambda: list(TABLES),
        choices=TABLES,
        source="tables written",
    )
    csv: bool = spec(False, source="also write CSV copies of the tables (for spreadsheets)")


def _importable(cls):
    """Name a made dataclass as a global of this module (make_dataclass leaves `types.<name>`).

    The composed config refers to these classes, and a sweep pickles it for every job (joblib's
    workers get the config and return it). A class pickle cannot find by name is pickled by value
    instead (cloudpickle), rebuilt in every receiving process: ~25 ms more per job in each direction.
    """
    cls.__module__, cls.__qualname__ = __name__, cls.__name__
    globals()[cls.__name__] = cls
    return cls


def _optional(cls):
    """The command-line form of a measure: every field optional and unset (None) by default."""
    hints = typing.get_type_hints(cls)
    fields = [
        # typing.Optional, not `X | None`: OmegaConf's structured configs read typing.Union
        (f.name, Optional[hints[f.name]], dataclasses.field(default=None, metadata=f.metadata))  # noqa: UP045
        for f in dataclasses.fields(cls)
    ]
    name = cls.__module__.rsplit(".", 1)[-1].title().replace("_", "") + "Lever"
    return _importable(dataclasses.make_dataclass(name, fields))


LEVER_CONFIGS = {name: _optional(module.Measure) for name, module in FAMILIES.items()}


def _policies_config():
    fields = [("start", str, dataclasses.field(default="2025Q1", metadata={"source": "first quarter after history"}))]
    fields += [(name, cls, dataclasses.field(default_factory=cls)) for name, cls in LEVER_CONFIGS.items()]
    return _importable(dataclasses.make_dataclass("PoliciesConfig", fields))


PoliciesConfig = _policies_config()


def _params_config():
    """`params`: how the population is drawn, then one section per mechanism, in the registry's step order."""
    sections = [("population", population.Params)] + [(m.name, m.Params) for m in STEP_ORDER]
    fields = [(name, cls, dataclasses.field(default_factory=cls)) for name, cls in sections]
    return _importable(dataclasses.make_dataclass("ParamsConfig", fields))


ParamsConfig = _params_config()


@dataclass
class EntangleConfig:
    scenario: str = spec("baseline", source="a name in scenarios/ or a path to a scenario YAML file")
    seed: int = spec(0, lo=0, source="all randomness flows from this seed")
    end: str | None = spec(None, source="cut the run at this period (default: the scenario's end)")
    scale: ScaleConfig = field(default_factory=ScaleConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    params: ParamsConfig = field(default_factory=ParamsConfig)
    policies: PoliciesConfig = field(default_factory=PoliciesConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)


def register() -> None:
    cs = ConfigStore.instance()
    cs.store(name="entangle_schema", node=EntangleConfig)
