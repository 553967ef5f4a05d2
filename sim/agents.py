"""The actors, as Mesa agents.

Blocs are few and act one by one. Institutions, firms and investors are many: each
agent knows its row in arrays owned by its kind (`model.inst`, `model.firms`,
`model.investors`), and the mechanisms act on whole arrays at once. The agent
objects give a readable view of one actor (`firm.capital`, `inst.risk`) for
inspection, the app and tests.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import itertools
import weakref

import mesa
import numpy as np

from .catalogue import FIELDS, INVESTOR_TYPES, RISKS, SECTORS, STAGES
from .policies import lever_columns

# The bulk path writes Mesa's registries directly, as Mesa 3.3 lays them out; any other Mesa version
# (or layout) takes Mesa's own one-by-one path, which gives the same agents, only slower.
_BULK_REGISTRATION = mesa.__version__.split(".")[:2] == ["3", "3"] and hasattr(mesa.Agent, "_ids")


class RowAgent(mesa.Agent):
    """An agent whose state lives in row `row` of its kind's arrays."""

    kind = ""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = row

    @classmethod
    def add_rows(cls, model, n: int) -> None:
        """Agents for rows 0..n-1, registered with the model exactly as `cls(model, row)` one by one would.

        A realistic run has ~18,600 of them. Mesa 3.3's `Agent.__init__` registers one agent at a time:
        two weak-keyed set inserts in Python and a debug line formatted even when nobody logs it,
        ~2 µs an agent, ~40 ms a run (~3% of a sweep run). Here the same ids, the same attributes and
        the same registrations (model._agents, the kind's AgentSet, model.agents, in the same order)
        are made in bulk; tests/test_agents.py compares the result with Mesa's own path.
        """
        if n == 0:
            return
        with collector_paused():
            if not _BULK_REGISTRATION:
                for row in range(n):
                    cls(model, row)
                return
            ids = itertools.islice(mesa.Agent._ids[model], n)  # the ids Mesa's counter would give, in order
            agents = [cls.__new__(cls) for _ in range(n)]
            for agent, unique_id, row in zip(agents, ids, range(n)):
                agent.model, agent.unique_id, agent.pos, agent.row = model, unique_id, None, row
            model._agents.update(dict.fromkeys(agents))
            if cls not in model._agents_by_type:
                model._agents_by_type[cls] = mesa.agent.AgentSet([], random=model.random)
            _add_all(model._agents_by_type[cls], agents)
            _add_all(model._all_agents, agents)

    @property
    def arrays(self):
        return getattr(self.model, self.kind)

    @property
    def bloc(self) -> str:
        return self.model.blocs[self.arrays.bloc[self.row]]

    @property
    def country(self) -> str:
        return self.model.countries[self.arrays.country[self.row]]


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while many objects that all stay alive are made (a kind's agents,
    a model's copy: sim/fork.py). Every ~700 new objects would start a collection, and some walk the whole heap,
    yet finding nothing to free: ~50-90 ms of a realistic build (a third of it). Back on afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def release_agents(model) -> None:
    """Let a finished model's agents go (`EntangleModel.release`): on Mesa 3.3 by emptying its registries,
    weak-keyed sets first, so no removal callback runs per agent; on any other Mesa by its own removal."""
    if not _BULK_REGISTRATION:
        model.remove_all_agents()
        return
    for agent_set in (model._all_agents, *model._agents_by_type.values()):
        agent_set._agents.data.clear()
    model._agents.clear()


_ATOMIC = frozenset((int, float, str, bool, type(None)))
_ROW_KEYS = frozenset(("model", "unique_id", "pos", "row"))  # what add_rows and Mesa's Agent set


def copy_agents(src, dst, memo: dict) -> bool:
    """Give `dst`, a copy being made of model `src` (`copy.deepcopy`'s `memo` maps src's objects to theirs),
    a copy of every agent of src, registered as src's are: the same ids, attributes and order in
    `_agents`, each kind's AgentSet and `model.agents`, and Mesa's id counter where src's stands.

    Copying Mesa's registries themselves would go through the weak-keyed sets' pickling one agent at a
    time (~1.4 s for a realistic model's ~18,600 agents; this takes ~30 ms). Only on Mesa 3.3's layout
    (the bulk registration's); on any other Mesa returns False and registers nothing."""
    if not _BULK_REGISTRATION:
        return False
    agents = []
    for agent in src._agents:
        new = memo.get(id(agent))
        if new is None:
            new = type(agent).__new__(type(agent))
            state = agent.__dict__.copy()
            if state.keys() <= _ROW_KEYS and type(state.get("pos")) in _ATOMIC:
                state["model"] = dst  # a row agent: its other attributes are plain numbers
            else:
                state = {k: v if type(v) in _ATOMIC else copy.deepcopy(v, memo) for k, v in state.items()}
            new.__dict__ = state
            memo[id(agent)] = new
        agents.append(new)
    twin = dict(zip(src._agents, agents))
    dst._agents = dict.fromkeys(agents)
    dst._all_agents = mesa.agent.AgentSet([], random=dst.random)
    _add_all(dst._all_agents, list(map(twin.__getitem__, src._all_agents)))
    dst._agents_by_type = {}
    for kind, agent_set in src._agents_by_type.items():
        dst._agents_by_type[kind] = mesa.agent.AgentSet([], random=dst.random)
        _add_all(dst._agents_by_type[kind], list(map(twin.__getitem__, agent_set)))
    # agents are only ever added (at build), so src's counter stands one past its largest id
    mesa.Agent._ids[dst] = itertools.count(max((a.unique_id for a in agents), default=0) + 1)
    return True


def _add_all(agent_set: mesa.agent.AgentSet, agents: list) -> None:
    """`agent_set.add(a)` for each agent, in order: its weak-keyed dict's entries made in one C-level pass."""
    store = agent_set._agents  # a WeakKeyDictionary: entries are weak references with its removal callback
    store.data.update(zip(map(weakref.ref, agents, itertools.repeat(store._remove)), itertools.repeat(None)))


class Institution(RowAgent):
    """A university or research institute: research capacity, field mix, prestige, risk profile."""

    kind = "inst"

    @property
    def capacity(self) -> float:
        return float(self.arrays.capacity[self.row])

    @property
    def prestige(self) -> float:
        return float(self.arrays.prestige[self.row])

    @property
    def field_mix(self) -> dict[str, float]:
        return dict(zip(FIELDS, self.arrays.mix[self.row].tolist()))

    @property
    def risk(self) -> str:
        return RISKS[self.arrays.risk[self.row]]


class Firm(RowAgent):
    """An AI company, corporate lab or chipmaker: stage, capital, capability, compute, standards."""

    kind = "firms"

    @property
    def sector(self) -> str:
        return SECTORS[self.arrays.sector[self.row]]

    @property
    def stage(self) -> str:
        return STAGES[self.arrays.stage[self.row]]

    @property
    def capital(self) -> float:
        return float(self.arrays.capital[self.row])

    @property
    def capability(self) -> float:
        return float(self.arrays.knowledge[self.row])

    @property
    def risk(self) -> str:
        return RISKS[self.arrays.risk[self.row]]

    @property
    def compute(self) -> float:
        return float(self.model.bloc_state.compute_access[self.arrays.bloc[self.row]])

    @property
    def standards(self) -> list[str]:
        return [self.model.blocs[r] for r in np.flatnonzero(self.arrays.complies[self.row])]


class Investor(RowAgent):
    """A venture, corporate/strategic, state-guided or growth fund: capital, stage preference, risk appetite."""

    kind = "investors"

    @property
    def type(self) -> str:
        return INVESTOR_TYPES[self.arrays.type[self.row]]

    @property
    def capital(self) -> float:
        return float(self.arrays.capital[self.row])

    @property
    def stage_preference(self) -> list[float]:
        """Weights over funding stages its type prefers (seed ... F+)."""
        return list(self.model.params.investment.stage_preference[self.type])

    @property
    def risk_appetite(self) -> float:
        return float(self.arrays.risk_appetite[self.row])


class Bloc(mesa.Agent):
    """A government: market, budget, regime, stance, and the levers it sets.

    Each step it may adapt its levers by the behavioural rules its scenario enables
    (sim/mechanisms/behaviour.py applies them to every bloc).
    """

    def __init__(self, model, index: int, code: str, spec):
        super().__init__(model)
        self.index, self.code, self.spec = index, code, spec

    @property
    def capability(self) -> float:
        return float(self.model.bloc_state.capability[self.index])

    @property
    def compute_access(self) -> float:
        return float(self.model.bloc_state.compute_access[self.index])

    @property
    def levers(self) -> dict[str, dict[str, float]]:
        """The levers this bloc sets, towards each other bloc and its own (the lever families' COLUMNS)."""
        lv, i = self.model.levers, self.index
        columns = [(c, c.read(lv)) for c in lever_columns()]
        view = {
            code: {c.name: values[i, j] for c, values in columns if c.towards}
            for j, code in enumerate(self.model.blocs)
            if j != i
        }
        view["own"] = {c.name: values[i] for c, values in columns if not c.towards}
        return {k: {n: float(v) for n, v in d.items()} for k, d in view.items()}
