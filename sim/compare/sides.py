"""Which override goes to which side of a comparison, and the side configs Hydra composes.

Levers (`policies.*`) set the treated side; `against.<key>=<value>` sets the counterfactual's
`<key>`; every other override (scale, end, params, output, hydra/launcher, ...) applies to both,
so the two sides differ only in their scenario and levers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from omegaconf import OmegaConf

from ..errors import ConfigError

TREATED_PREFIXES = ("policies.",)
COUNTERFACTUAL_PREFIX = "against."


@dataclass
class Sides:
    scenario: str
    against: str
    treated: list[str] = field(default_factory=list)  # overrides only the treated side has
    counterfactual: list[str] = field(default_factory=list)  # ... only the counterfactual has
    shared: list[str] = field(default_factory=list)  # overrides of both sides (and hydra.*)

    def overrides(self, side: str) -> list[str]:
        """Every override of one side's runs, as `python -m sim` would take them."""
        own = self.treated if side == "treated" else self.counterfactual
        scenario = self.scenario if side == "treated" else self.against
        return [f"scenario={scenario}", *[o for o in self.shared if not o.startswith("hydra")], *own]


def split(scenario: str, against: str, overrides: list[str]) -> Sides:
    sides = Sides(scenario, against)
    for arg in overrides:
        key, sep, _ = arg.partition("=")
        if not sep or key.startswith("-"):
            raise ConfigError(arg, "not understood", "key=value arguments (see python -m sim.compare --help)")
        bare = key.lstrip("+~")
        if bare in ("seed", "scenario", "against.scenario", "+side", "side"):
            raise ConfigError(bare, "is set by the comparison", "scenario=, against= and seeds=")
        if bare.startswith(COUNTERFACTUAL_PREFIX):
            sides.counterfactual.append(arg.replace(COUNTERFACTUAL_PREFIX, "", 1))
        elif bare.startswith(TREATED_PREFIXES):
            sides.treated.append(arg)
        else:
            sides.shared.append(arg)
    for arg in sides.treated + sides.counterfactual:
        _refuse_sweep(arg)
    return sides


def _refuse_sweep(arg: str) -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides([arg])[0]
    if parsed.is_sweep_override():
        raise ConfigError(parsed.get_key_element(), "a side's lever takes one value", "one value per side")


def side_config(scenario: str, overrides: list[str]) -> str:
    """A side's config (YAML, package _global_): its scenario and its own overrides, nested."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    cfg = OmegaConf.create({"scenario": scenario})
    for o in OverridesParser.create().parse_overrides(overrides):
        OmegaConf.update(cfg, o.key_or_group, o.value(), force_add=True)
    return "# @package _global_\n# written by python -m sim.compare: one side of the comparison\n" + OmegaConf.to_yaml(
        cfg
    )


def write_sides(folder: Path, sides: Sides) -> Path:
    """The search path holding `side/treated.yaml` and `side/counterfactual.yaml`."""
    from ..atomic import write_text

    root = folder / "sides"
    write_text(side_config(sides.scenario, sides.treated), root / "side" / "treated.yaml")
    write_text(side_config(sides.against, sides.counterfactual), root / "side" / "counterfactual.yaml")
    return root
