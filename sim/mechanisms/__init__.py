"""The model's mechanisms, one module each, and the one registry of them.

A mechanism module defines `Params` (a dataclass of `spec(...)` fields: its section
`params.<name>` of the config), `setup(model)` and `step(model)`. The registry below is
the only place their order lives: the model sets them up in `SETUP_ORDER` and steps them
in `STEP_ORDER` each quarter, the config's `params` sections (sim/config.py) and
docs/PARAMETERS.md (sim/docs.py) follow `STEP_ORDER`. What each one writes and reads is
declared in sim/state.py; docs/ARCHITECTURE.md has the step-by-step for adding one.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from . import behaviour, capability, collaboration, compute, investment, mobility, standards


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism module; its functions are looked up at call time (profilers may wrap them)."""

    name: str
    module: ModuleType

    @property
    def Params(self) -> type:  # noqa: N802 (the dataclass the module calls Params)
        return self.module.Params

    def setup(self, model) -> None:
        self.module.setup(model)

    def step(self, model) -> None:
        self.module.step(model)


def _registered(*modules: ModuleType) -> tuple[Mechanism, ...]:
    return tuple(Mechanism(m.__name__.rsplit(".", 1)[-1], m) for m in modules)


# Each quarter, in this order: blocs adapt their levers to last quarter's state, then chips and
# compute access, capital (rounds, exits), researchers' moves (who is where), research ties and papers
# (valued by who is where; ties of exited firms end),
# standards compliance, and last capability growth, which uses this quarter's compute access,
# knowledge spillover and papers.
STEP_ORDER = _registered(behaviour, compute, investment, mobility, collaboration, standards, capability)

# Set-up differs from the step order because set-ups read what earlier set-ups wrote:
# capability's set-up needs compute access and gives the firm bounds standards' set-up needs.
# Collaboration's set-up draws the 2017 tie stock from its own stream (sim/streams.py), so its place
# in this order no longer moves anyone else's random numbers.
SETUP_ORDER = tuple(
    next(m for m in STEP_ORDER if m.name == name)
    for name in ("compute", "investment", "capability", "standards", "mobility", "collaboration", "behaviour")
)

BY_NAME = {m.name: m for m in STEP_ORDER}
