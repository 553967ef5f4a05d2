"""The Entangle model: it builds the actors and orders each quarter's step."""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

from . import periods, population
from .agents import Bloc, Firm, Institution, Investor, release_agents
from .catalogue import FIELDS
from .config import ParamsConfig
from .levers import Levers
from .mechanisms import SETUP_ORDER, STEP_ORDER, collaboration
from .mechanisms.behaviour import Governments
from .mechanisms.investment import founding
from .mechanisms.market import Market
from .recorder import Recorder
from .scenario import Scenario
from .state import BlocState, Flows, InvestmentMarket, OpenWeights, People, ResearchNetwork
from .streams import Streams
from .sweep.config import TABLES


class EntangleModel(mesa.Model):
    """EU, China and the US (or any configured blocs) trading research ties, capital and standards.

    Parameters: a validated `Scenario`, the scale factor (agents per real-world actor),
    the seed, the mechanisms' parameters, and the tables the run will write (default all: the
    outcomes only other tables read are not computed).
    """

    # The contract between mechanisms (sim/state.py); investment's and collaboration's set-up
    # build their own structures, investment_market and network.
    bloc_state: BlocState
    flows: Flows
    investment_market: InvestmentMarket
    network: ResearchNetwork
    people: People  # mobility's researcher cohorts (sim/mechanisms/mobility.py)
    open_weights: OpenWeights  # frontier labs' release policies and each bloc's open frontier
    market: Market  # the compute market (sim/mechanisms/market.py): prices, shares, access
    governments: Governments  # the rules' memory: locked levers, streaks, policy events

    def __init__(
        self,
        scenario: Scenario,
        scale: float = 1.0,
        seed: int = 0,
        params: ParamsConfig | None = None,
        tables=TABLES,
    ):
        super().__init__(rng=np.random.default_rng(seed))
        self.scenario, self.scale, self.seed = scenario, scale, seed
        self.tables = frozenset(tables)
        self.params = params or ParamsConfig()
        self.streams = Streams(seed)  # one random stream per mechanism; model.rng builds the population
        self.blocs = scenario.blocs
        self.n_blocs = len(self.blocs)
        self.bloc_specs = collaboration.with_affinities(scenario.bloc_specs, self.params.collaboration)
        self.quarter = scenario.start
        self.levers = Levers(self.n_blocs)
        self.bloc_state = BlocState()
        self.injected: list[tuple[str, str, object]] = []  # measures added while running (app, events)
        # Called before each mechanism of a step (None: not at all). The app's background seed runs wait
        # there while the room acts (sim/app/bands.py), so a click never shares the interpreter with the
        # rest of a background quarter, only with one mechanism's.
        self.pause_point: Callable[[], None] | None = None

        self.inst, self.firms, self.investors, self.countries = population.build(
            self.rng, self.bloc_specs, scale, self.params.population, self.streams.fields
        )
        # Rows for firms founders start later (founding 'money'; none with the default 'exits').
        self.firms = founding.with_spare_rows(
            self.firms, self.bloc_specs, self.params.investment, self.params.population, self.streams.founding
        )
        self.country_bloc = np.array(
            [next(b for b, s in enumerate(self.bloc_specs.values()) if c in s.countries) for c in self.countries]
        )
        for i, (code, spec_) in enumerate(self.bloc_specs.items()):
            Bloc(self, i, code, spec_)
        for kind, arrays in ((Institution, self.inst), (Firm, self.firms), (Investor, self.investors)):
            kind.add_rows(self, len(arrays))  # in bulk: Mesa registers one agent at a time (sim/agents.py)

        self.flows = Flows.empty(self.n_blocs, len(self.countries), len(self.firms), len(FIELDS), len(self.inst))
        self.governments = Governments(self)  # before any measure: explicit settings lock the levers they set
        self._apply_due()  # levers in force at the start
        for mechanism in SETUP_ORDER:
            mechanism.setup(self)
        self.bloc_state.capability_last_year = self.bloc_state.capability.copy()
        self._history = [self.bloc_state.capability.copy()]
        if unset := self.bloc_state.unset():
            raise RuntimeError(f"no mechanism's set-up wrote bloc_state.{', '.join(unset)}")
        self.recorder = Recorder(self)

    # --- calendar -----------------------------------------------------------------
    @property
    def period(self) -> str:
        return periods.label(self.quarter)

    @property
    def years_elapsed(self) -> float:
        return (self.quarter - self.scenario.start) / 4

    @property
    def blocs_set(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[Bloc]

    @property
    def counts_institutions(self) -> bool:
        """Whether the run keeps institution-level counts (who co-authored with whom, home co-authors
        included): only the institutions table and the countries table's institutions_with_<bloc> read
        them, so a run writing neither (a sweep's timeseries) skips them; every other outcome is the same."""
        return not self.tables.isdisjoint(("institutions", "countries"))

    # --- policy -------------------------------------------------------------------
    def apply_measure(self, family: str, measure, key: str = "injected") -> None:
        """Put a validated measure in force now (the app's sliders and events use this)."""
        self.governments.apply(self, family, measure, key)  # a person's setting wins over the blocs' rules
        self.injected.append((self.period, family, measure))

    def _apply_due(self) -> None:
        for family, measure, key in self.scenario.measures.get(self.quarter, []):
            self.governments.apply(self, family, measure, key)

    # --- the step -----------------------------------------------------------------
    def step(self) -> None:
        """One quarter: measures due, then every mechanism in the registry's step order (sim/mechanisms)."""
        if self.quarter > self.scenario.start:
            self._apply_due()
        for mechanism in STEP_ORDER:
            if self.pause_point is not None:
                self.pause_point()
            mechanism.step(self)
        for prog in self.levers.programmes.values():
            prog.quarters_left -= 1
        self.recorder.collect(self)
        self._history.append(self.bloc_state.capability.copy())
        self.bloc_state.capability_last_year = self._history[max(0, len(self._history) - 5)]
        self.quarter += 1
        if self.quarter > self.scenario.end:
            self.running = False

    def run(self, progress=None) -> EntangleModel:
        while self.running:
            self.step()
            if progress:
                progress()
        return self

    def release(self) -> None:
        """Let Python free this model once its caller drops it; call it when a run is done.

        Mesa 3.3 counts agent ids in a class-level dict keyed by model (`mesa.Agent._ids`), which
        keeps every model built in a process alive (mesa issue 3179, fixed in later Mesa): a sweep
        worker running many jobs, or the app serving a seminar with many resets, would grow with
        every run. No agent may be added to the model afterwards.

        The agents are let go too (model.agents is empty afterwards; the tables, recorder and arrays
        stay): each agent and the model refer to each other, so without this the ~18,600 agents of a
        realistic run wait for a full garbage collection, which then walks them all (~10 ms a sweep
        run). The weak-keyed sets go first, so no removal callback runs per agent.
        """
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)
        release_agents(self)
