"""One class's run: its own model, every lever move and event it made (dated), export and comparison.

Each browser session holds one `Session`, so two students never share a model.
All changes go through the model's public API (`apply_measure`) and are recorded
with the quarter in which they were made, so that `export_yaml()` can write a
scenario file that the command line replays to identical tables.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import periods
from ..config import EntangleConfig
from ..errors import ConfigError
from ..model import EntangleModel
from ..run import build_model
from ..scenario import load, parse_measures, read_merged
from . import bands
from .bands import SeedBands
from .explain import describe

SCALE_DIR = Path(__file__).resolve().parents[2] / "configs" / "scale"


def scales() -> dict[str, float]:
    """Scale name -> agents per real-world actor, from configs/scale/*.yaml (classroom first)."""
    out = {}
    for p in sorted(SCALE_DIR.glob("*.yaml")):
        data = yaml.safe_load(p.read_text())
        out[data.get("name", p.stem)] = float(data["factor"])
    return dict(sorted(out.items(), key=lambda kv: kv[0] != "classroom"))


def scenario_history(scenario: str, shipped_parents_only: bool = False) -> list[tuple[str, str]]:
    """(period, plain-language measures) of every dated measure the running scenario holds.

    Its parents' included: the baseline's record (the 2022Q4 US chip controls, say) and an
    uploaded export's events are marked on the charts, so the room sees why a line moves.
    """
    data = read_merged(scenario, shipped_parents_only=shipped_parents_only)
    timeline = data.get("timeline") if isinstance(data.get("timeline"), dict) else {}
    out = []
    for period, measures in sorted(timeline.items(), key=lambda kv: periods.parse(str(kv[0]))):
        said = [
            describe(str(family), values)
            for family, entry in (measures or {}).items()
            for values in (entry if isinstance(entry, list) else [entry])
            if isinstance(values, dict)
        ]
        out.append((str(period), "; ".join(said)))
    return out


def letters(k: int) -> str:
    """A, B, ..., Z, AA, AB, ...: short badges for the scenario's own measures."""
    return chr(ord("A") + k) if k < 26 else letters(k // 26 - 1) + chr(ord("A") + k % 26)


@dataclass
class Change:
    """One measure the class put in force at `period` (a lever move or part of an event)."""

    period: str
    family: str
    values: dict
    label: str = ""  # the event's title; empty for a lever move
    slot: tuple = ()  # what a lever move sets, so repeated moves within a quarter merge
    marker: str = ""  # the event's short label on the charts

    @property
    def is_event(self) -> bool:
        return bool(self.label)


class Session:
    """A model for one class, built from a scenario (name or .yaml path), a seed and a scale."""

    def __init__(
        self,
        scenario: str = "baseline",
        seed: int = 0,
        scale: str = "classroom",
        display_name: str | None = None,
        uploaded: bool = False,
    ):
        self.scenario, self.seed, self.scale = scenario, seed, scale
        self.display_name = display_name or Path(scenario).stem
        self.lock = threading.RLock()
        factors = scales()
        if scale not in factors:
            raise ConfigError("scale", f"'{scale}' is not a scale", ", ".join(factors))
        self.cfg = EntangleConfig(scenario=scenario, seed=seed)
        self.cfg.scale.name, self.cfg.scale.factor = scale, factors[scale]
        if uploaded:  # an upload may extend only a shipped scenario (checked before the model is built)
            load(scenario, shipped_parents_only=True)
        self.model = build_model(self.cfg)  # validates; raises ConfigError with the CLI's line
        self.raw = read_merged(
            scenario, shipped_parents_only=uploaded
        )  # the scenario file's content, parents merged in
        self.raw.pop("_path", None)
        self.changes: list[Change] = []
        self.reference: EntangleModel | None = None  # the comparison run, same seed and scale (Compare)
        self.compare_with: tuple[str, str, bool] | None = None  # (scenario, its name on screen, uploaded)
        self.version = 0  # bumped whenever the class's timeline changes (a change, a rewind, a reset)
        self._bands_for: tuple | None = None
        self.bands = SeedBands()  # several seeds of the class's timeline and of the comparison, in the background
        self.scenario_measures = scenario_history(scenario, uploaded)

    # --- time ----------------------------------------------------------------------
    @property
    def period(self) -> str:
        return self.model.period

    @property
    def started(self) -> bool:
        return bool(self.model.recorder.rows)

    @property
    def finished(self) -> bool:
        return not self.model.running

    # A screen's step (a tab's, a room's) pauses the seed bands' background runs, so its redraw comes
    # first; a background run's own sessions set this False.
    hushes_bands = True

    def step(self) -> bool:
        """Advance one quarter; False once the scenario has ended."""
        if self.hushes_bands:
            bands.hush()
        with self.lock:
            if not self.model.running:
                return False
            self.model.step()
            return True

    def reset(self) -> None:
        with self.lock:
            self._replace(build_model(self.cfg))
            self.changes = []
            self.version += 1

    def run_to(self, period: str) -> None:
        """Make `period` the next quarter to run: forward by stepping, back by replaying.

        Going back rebuilds the model and replays the class's changes dated up to `period` (the
        model is deterministic per seed, so the replay is exact); later changes are discarded,
        so the export is the timeline as it now stands.
        """
        with self.lock:
            scen = self.model.scenario
            target = periods.parse(period, "run to")
            if not scen.start <= target <= scen.end + 1:
                raise ConfigError(
                    "run to",
                    f"'{period}' is outside the scenario",
                    f"{periods.label(scen.start)} to "
                    f"{periods.label(scen.end)} (or {periods.label(scen.end + 1)}, its end)",
                )
            if target < self.model.quarter:
                kept = [c for c in self.changes if periods.parse(c.period) <= target]
                self._replace(build_model(self.cfg))
                self.changes = []
                self.version += 1
                for change in kept:
                    self._advance(periods.parse(change.period))
                    self._apply(change.family, change.values, change.label, change.slot, change.marker)
            self._advance(target)

    def step_back(self) -> None:
        """Undo the last quarter run (the class's changes made while it was next stay)."""
        with self.lock:
            if self.started:
                self.run_to(periods.label(self.model.quarter - 1))

    def _advance(self, quarter: int) -> None:
        while self.model.running and self.model.quarter < quarter:
            self.model.step()

    def close(self) -> None:
        """The class moved on to another run: free this one's models and stop its background runs."""
        with self.lock:
            self.bands.cancel()
            for m in (self.model, self.reference):
                if m is not None:
                    m.release()

    def _replace(self, model: EntangleModel) -> None:
        self.model.release()
        self.model = model

    # --- changes -------------------------------------------------------------------
    def set_lever(self, family: str, values: dict, slot: tuple = ()) -> None:
        """A slider or switch moved: put `values` in force from this quarter's step on."""
        with self.lock:
            self._apply(family, values, "", slot)

    def inject(self, event) -> None:
        """An event button: all its measures, dated now; validated together before any applies."""
        with self.lock:
            self._validate([(fam, vals) for fam, vals in event.measures])
            for family, values in event.measures:
                self._apply(family, values, event.title, marker=event.short)

    def _validate(self, items) -> list:
        return [parse_measures(fam, copy.deepcopy(vals), self.model.blocs, fam)[0] for fam, vals in items]

    def _apply(self, family: str, values: dict, label: str, slot: tuple = (), marker: str = "") -> None:
        (measure,) = self._validate([(family, values)])
        change = Change(self.period, family, copy.deepcopy(values), label, slot, marker)
        if not self.started:
            # Before the first step the model has already set up its mechanisms from the levers
            # in force; a scenario file applies start-of-run measures before that set-up. Rebuild
            # with the measure added at the start so that the exported file replays exactly.
            scen = self.model.scenario
            scen.add(scen.start, family, measure, f"app.{family}")
            m = self.model
            self._replace(EntangleModel(scen, scale=m.scale, seed=m.seed, params=m.params))
        else:
            self.model.apply_measure(family, measure, f"app.{family}")
        self.version += 1
        last = self.changes[-1] if self.changes else None
        if slot and last and last.slot == slot and last.period == change.period:
            self.changes[-1] = change  # the same slider dragged again within a quarter: the last value holds
        else:
            self.changes.append(change)

    # --- compare -------------------------------------------------------------------
    def set_compare(self, scenario: str | None, name: str = "", uploaded: bool = False) -> None:
        """Overlay `scenario` (same seed and scale; None: the unchanged run of this scenario) on the charts."""
        with self.lock:
            want = (scenario or self.scenario, name or ("unchanged " + self.display_name), uploaded)
            if want[:2] != (self.compare_with or ("", ""))[:2]:
                if uploaded:
                    load(want[0], shipped_parents_only=True)
                if self.reference is not None:
                    self.reference.release()
                self.reference, self.compare_with = None, want

    @property
    def compare_name(self) -> str:
        return (self.compare_with or (self.scenario, "unchanged " + self.display_name, False))[1]

    def _compare_cfg(self) -> EntangleConfig:
        scenario = (self.compare_with or (self.scenario,))[0]
        cfg = EntangleConfig(scenario=scenario, seed=self.seed)
        cfg.scale.name, cfg.scale.factor = self.cfg.scale.name, self.cfg.scale.factor
        return cfg

    def reference_rows(self) -> list[dict]:
        """Rows of the comparison run (default: the unchanged scenario, same seed), one per quarter the
        class has run, matched by period (a quarter the comparison does not hold is empty)."""
        with self.lock:
            if self.reference is None:
                self.reference = build_model(self._compare_cfg())
            ref = self.reference
            while ref.running and ref.quarter < self.model.quarter:
                ref.step()
            rows = self.model.recorder.rows
            if ref.scenario.start == self.model.scenario.start:
                return ref.recorder.rows[: len(rows)]
            by_period = {r["period"]: r for r in ref.recorder.rows}
            return [by_period.get(r["period"], {}) for r in rows]

    # --- seed band -------------------------------------------------------------------
    def update_bands(self, on: bool, compare: bool) -> bool:
        """Start (or keep) the background runs of several seeds for what is on the charts; True if any
        were (re)started. The class's band follows its timeline, so a change restarts it."""
        with self.lock:
            key = (on, compare, self.version, self.compare_with)
            if key == self._bands_for:  # asked on every redraw: cheap when nothing changed
                return False
            self._bands_for = key
            if not on:
                return self.bands.update({})
            body = yaml.safe_dump(self.export_dict(), sort_keys=False)
            jobs = {"class": (None, body)}
            if compare:
                scenario, _, uploaded = self.compare_with or (self.scenario, "", False)
                jobs["compare"] = (scenario, None)
            return self.bands.update(jobs, self.seed, self.scale)

    # --- export --------------------------------------------------------------------
    def export_dict(self) -> dict:
        """The starting scenario (no `extends:`) plus every change, dated, in the order it took effect.

        The model applies a quarter's scenario measures at the start of that quarter's step, i.e.
        after anything the class set before pressing Step; so a change is listed before the
        scenario's own measures of the same family and quarter. Changes made before the first step
        were added after all start-of-run measures (see `_apply`) and are listed after them.
        """
        data = copy.deepcopy(self.raw)
        data.pop("extends", None)
        data["name"] = f"{data.get('name') or self.display_name}_class"
        start = periods.parse(str(data.get("start", "2017Q1")))
        timeline = {str(k): dict(v or {}) for k, v in (data.get("timeline") or {}).items()}
        mine: dict[tuple[str, str], list] = {}
        for change in self.changes:
            mine.setdefault((change.period, change.family), []).append(change.values)
        for (period, family), values in mine.items():
            entry = timeline.setdefault(period, {})
            old = entry.get(family)
            old = [] if old is None else (old if isinstance(old, list) else [old])
            entry[family] = values + old if periods.parse(period) > start else old + values
        data["timeline"] = dict(sorted(timeline.items(), key=lambda kv: periods.parse(kv[0])))
        return data

    def export_yaml(self) -> str:
        ran_to = periods.label(self.model.quarter - 1) if self.started else self.period
        header = (
            f"# Exported from the Entangle teaching app: scenario '{self.display_name}' with "
            f"{len(self.changes)} change(s) made in class; the class ran to {ran_to}.\n"
            f"# Reproduce: python -m sim scenario=<this file> seed={self.seed} scale={self.scale}\n"
        )
        return header + yaml.safe_dump(self.export_dict(), sort_keys=False, allow_unicode=True)

    def markers(self) -> list[tuple[str, str, str]]:
        """(period, label, badge) for the charts, in time order: one marker per quarter with changes.

        Quarters with the class's events get numbers 1, 2, ...; the measures the scenario file
        holds, its parents' included (the baseline's record, say), get letters A, B, ...;
        lever moves get no badge. The page spells the badges out above the charts.
        """
        names: dict[str, list[str]] = {}
        for c in self.changes:
            labels = names.setdefault(c.period, [])
            if c.is_event and (c.marker or c.label) not in labels:
                labels.append(c.marker or c.label)
        out, number = [], 0
        for period, labels in names.items():
            number += bool(labels)
            out.append((period, " + ".join(labels) or "lever change", str(number) if labels else ""))
        history = [(period, what, letters(k)) for k, (period, what) in enumerate(self.scenario_measures)]
        return sorted(out + history, key=lambda m: periods.parse(m[0]))
