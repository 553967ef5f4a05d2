"""Shared histories: runs that differ only in command-line `policies.*` levers share every quarter before
`policies.start`; a sweep job runs that history once and forks the model there for each lever setting.

A model is built from (scenario, scale, seed, params, tables) and nothing else; its quarters before
`policies.start` read the scenario only through measures due before then, its announcements, its
behaviour switches and its dates (sim/model.py, sim/mechanisms/behaviour.py, compute.stockpile). The
command line's levers are measures added at `policies.start` under keys `policies.<family>` (sim/run.py
`prepare`), applied by that quarter's step, which also locks them against the blocs' rules. So two runs
whose inputs are equal once those measures are left out hold the same state, draw for draw, at the start
of that quarter: the snapshot of one, given the other's scenario, steps on exactly as the other would.

Forking is exact or not done: a run forks only when its inputs equal the snapshot's (dataclass
equality, field by field, every measure and announcement included) and its levers take effect after the
run's first quarter (a lever at the first quarter is applied while the model is built). Anything else,
or a Mesa other than 3.3 (sim/agents.py `copy_agents`), builds the model afresh.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING

from . import periods

if TYPE_CHECKING:
    from .model import EntangleModel
    from .scenario import Scenario

_REGISTRIES = ("_agents", "_agents_by_type", "_all_agents")  # Mesa's agent registries (copy_agents)
LEVER_KEY = "policies."  # the measure keys of command-line levers (sim/run.py prepare)


def copy_model(model: EntangleModel) -> EntangleModel | None:
    """An independent copy of a model's whole state (arrays, generators, recorder, rules' memory, agents),
    sharing only its scenario, which a fork replaces. None where the agents cannot be copied (not Mesa 3.3)."""
    from .agents import collector_paused, copy_agents

    new = type(model).__new__(type(model))
    memo = {id(model): new, id(model.scenario): model.scenario}
    state = vars(new)
    with collector_paused():  # every object made here is kept: a collection would find nothing (~65-130 -> ~45 ms)
        for key, value in vars(model).items():
            if key not in _REGISTRIES:
                state[key] = copy.deepcopy(value, memo)
        return new if copy_agents(model, new, memo) else None


def _without_levers(scenario: Scenario, start: int) -> Scenario:
    """The scenario as it was before `prepare` added the command line's levers at `start`."""
    measures = {q: list(ms) for q, ms in scenario.measures.items()}
    if start in measures:
        measures[start] = [m for m in measures[start] if not m[2].startswith(LEVER_KEY)]
        if not measures[start]:
            del measures[start]
    return dataclasses.replace(scenario, measures=measures)


def inputs(scenario: Scenario, cfg) -> tuple | None:
    """What a model's quarters before `policies.start` depend on, or None when its levers cannot be forked in
    (they take effect at the run's first quarter, or no later quarter is left to share)."""
    start = periods.parse(cfg.policies.start, "policies.start")
    if not scenario.start < start <= scenario.end:
        return None
    return (start, cfg.seed, cfg.scale.factor, tuple(cfg.output.tables), cfg.params, _without_levers(scenario, start))


class Histories:
    """One job's shared history: the model of the last run that kept one, at the start of its `policies.start`."""

    def __init__(self):
        self.inputs: tuple | None = None
        self.model: EntangleModel | None = None
        self.forks = 0  # runs started from the snapshot (tests and the log read it)

    def close(self) -> None:
        """Let the snapshot go (Mesa 3.3 keeps every model with agents alive until released: sim/model.py)."""
        if self.model is not None:
            self.model.release()
        self.inputs = self.model = None

    def build(self, scenario: Scenario, cfg, more: bool) -> EntangleModel:
        """The model of a run: forked from the snapshot when the run shares its history, else built (and, when
        `more` runs of the job may share this one's, stepped to `policies.start` and kept)."""
        from .model import EntangleModel

        key = inputs(scenario, cfg)
        if key is not None and self.model is not None and self.inputs == key:
            model = copy_model(self.model) if more else self.model  # the job's last such run takes the snapshot
            if model is not None:
                if not more:
                    self.inputs = self.model = None
                model.scenario = scenario  # its own levers, due at the quarter it is at
                self.forks += 1
                return model
        self.close()
        model = EntangleModel(
            scenario, scale=cfg.scale.factor, seed=cfg.seed, params=cfg.params, tables=cfg.output.tables
        )
        if key is not None and more:
            while model.running and model.quarter < key[0]:
                model.step()
            snapshot = copy_model(model)
            if snapshot is not None:
                self.inputs, self.model = key, snapshot
        return model
