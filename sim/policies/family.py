"""What a lever family module declares besides its measure: sliders, recorded columns, new lever arrays.

A family module (one per family in this package) has:

- `FAMILY`, `Measure` and `apply(levers, measure, blocs, key)`: what a scenario or the command
  line may set, and how it sets the lever arrays (`sim/levers.py`);
- `GROUP` and `SLIDERS`: the heading and the sliders of the app's lever panel (a family
  without sliders, e.g. shocks, is not in the panel);
- `COLUMNS`: the lever values the bloc view (`Bloc.levers`) shows and the timeseries records
  as `lever_*` columns;
- `ARRAYS` (optional): lever arrays the family adds to `Levers`, by name: "bloc" for one
  value per bloc, "pair" for [bloc, partner].

The app, `Bloc.levers`, the recorder and `Levers` read these declarations through the
registry (`sim/policies/__init__.py`), so a family is defined here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConfigError


def bloc_indices(code: str, blocs: list[str], key: str, exclude: int | None = None) -> list[int]:
    """Indices of the blocs a measure names ("all" means every bloc but `exclude`)."""
    if code == "all":
        return [i for i in range(len(blocs)) if i != exclude]
    if code not in blocs:
        raise ConfigError(key, f"unknown bloc '{code}'", "one of " + ", ".join(blocs + ["all"]))
    return [blocs.index(code)]


def set_pairs(
    levers, blocs: list[str], key: str, acting: tuple[str, str], partner: tuple[str, str], values: dict
) -> None:
    """Set [bloc, partner] lever arrays for every pair a measure names.

    `acting` and `partner` are (measure field name, bloc code or "all"); `values` maps a lever array's
    name to the measure's value, and None (the measure leaves that lever alone) sets nothing.
    """
    for i in bloc_indices(acting[1], blocs, f"{key}.{acting[0]}"):
        for j in bloc_indices(partner[1], blocs, f"{key}.{partner[0]}", exclude=i):
            for name, value in values.items():
                if value is not None:
                    getattr(levers, name)[i, j] = value


@dataclass(frozen=True)
class Slider:
    """One slider of the app's lever panel: the acting bloc sets `field` of a measure towards the partner.

    `family` and `group` are filled in from the module's FAMILY and GROUP (sim/app/levers_ui.py).
    """

    field: str
    label: str
    ident: Callable[[str, str], dict]  # acting bloc, partner -> the measure's other fields
    read: Callable[[object, int, int, str, str], float]  # levers, i, j, a, b -> value in force
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    scale: float = 1.0  # slider value * scale -> measure value
    make: Callable[[str, str, float], dict] | None = None  # builds the measure itself (standards)
    family: str = ""
    group: str = ""

    def slot(self, a: str, b: str) -> tuple:
        return (self.family, self.field, repr(sorted(self.ident(a, b).items())))

    def values(self, a: str, b: str, x: float) -> dict:
        if self.make:
            return self.make(a, b, x)
        return {**self.ident(a, b), self.field: round(float(x) * self.scale, 6)}


def pair_slider(field: str, label: str, bloc_key: str = "bloc", partner_key: str = "partner", array: str = ""):
    """A 0-1 slider of a [bloc, partner] lever array (named `field` unless `array` says otherwise)."""
    array = array or field
    return Slider(
        field,
        label,
        lambda a, b: {bloc_key: a, partner_key: b},
        lambda lv, i, j, a, b: getattr(lv, array)[i, j],
    )


def own_slider(field: str, label: str, array: str = "", **kwargs) -> Slider:
    """A slider of the acting bloc's own [bloc] lever array (`kwargs`: lo, hi, step)."""
    array = array or field
    return Slider(field, label, lambda a, b: {"bloc": a}, lambda lv, i, j, a, b: getattr(lv, array)[i], **kwargs)


@dataclass(frozen=True)
class Column:
    """A lever value a family shows in `Bloc.levers` and records in the timeseries.

    Recorded as `lever_<name>_<bloc>` when `towards` is empty (the bloc's own lever: `read`
    gives one value per bloc), else `lever_<name>_<a>_<towards>_<b>` (`read` gives [bloc, partner]).
    """

    name: str
    read: Callable[[object], object]  # levers -> [bloc] or [bloc, partner] array
    towards: str = ""  # the word between the two blocs in the column name: "to", "on", "from"
    recorded: bool = True  # False: shown in Bloc.levers only
    unit: str = "0-1"  # for docs/OUTPUTS.md
    meaning: str = ""  # for docs/OUTPUTS.md: what the value in force says, naming the blocs as A and B

    def described(self) -> tuple[str, str, str]:
        """The (pattern, unit, meaning) row of docs/OUTPUTS.md for this column."""
        pattern = f"lever_{self.name}_<A>_{self.towards}_<B>" if self.towards else f"lever_{self.name}_<bloc>"
        return pattern, self.unit, f"lever in force: {self.meaning}"

    def column(self, a: str, b: str = "") -> str:
        return f"lever_{self.name}_{a}_{self.towards}_{b}" if self.towards else f"lever_{self.name}_{a}"
