"""The contract between mechanisms: the state and flows they write and read, field by field.

Each mechanism owns some fields (it writes them; the comment names it) and may read any
other. Shapes use the model's sizes: bloc (`model.n_blocs`), country, firm, author
(institutions first, then firms), field (`catalogue.FIELDS`). Amounts are per quarter and
at model scale (the recorder scales counts up to real-world numbers).

- `BlocState` (`model.bloc_state`): what persists from quarter to quarter, per bloc or bloc pair.
  Fields are set by their owner's `setup()` (in the registry's set-up order, sim/mechanisms);
  the model checks that none is left unset.
- `Flows` (`model.flows`): what happened this quarter. Every field holds an empty value
  (zeros, no deals, no exits) from set-up on; the owner's `step()` replaces it each quarter.
- `InvestmentMarket` (`model.investment_market`), `People` (`model.people`) and `ResearchNetwork`
  (`model.network`): the structures investment, mobility and collaboration keep for themselves, built in
  their `setup()`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .mechanisms.collaboration import Authors, Ties


@dataclass
class BlocState:
    """Per-bloc state that carries over between quarters. None only until its owner has set up."""

    # compute
    chip_supply: np.ndarray = None  # [bloc] share of the world's advanced chips made by the bloc's firms (G1)
    chip_capacity: np.ndarray = None  # [bloc] domestic advanced-chip self-sufficiency, 0-1
    chip_investment: np.ndarray = None  # [bloc] EUR bn put into chip-making this quarter (0 before the first)
    pipeline: np.ndarray = None  # [build quarter, bloc] chip capacity under construction, arriving in order
    tool_supply: np.ndarray = None  # [bloc] share of chip-making tools supplied from the bloc
    compute_stock: np.ndarray = None  # [bloc] compute volume, US 2017 = 1
    stockpile: np.ndarray = (
        None  # [bloc] chips bought ahead of announced controls, not yet in service (units of a quarter's demand)
    )
    foreign_access: np.ndarray = None  # [bloc] share of chip demand the bloc can buy abroad, 0-1
    compute_access: np.ndarray = None  # [bloc] share of chip demand the bloc can buy at home or abroad, 0-1
    # investment
    influence: np.ndarray = None  # [investor bloc, target bloc] influence gained by investing abroad, cumulative
    # capability
    firm_bounds: np.ndarray = None  # [bloc + 1] each bloc's firm rows: bloc b is rows bounds[b]:bounds[b + 1]
    capability: np.ndarray = None  # [bloc] capability index: geometric mean of top-decile firm knowledge
    installed_access: np.ndarray = None  # [bloc] compute access of the chips in service (lags compute_access)
    entrant_knowledge: np.ndarray = None  # [bloc] knowledge of a new entrant (20th percentile at set-up)
    leading_firms: np.ndarray = None  # [bloc] how many firms the capability index averages (a tenth at set-up)
    knowledge0_us: float = None  # the US firms' total knowledge at set-up: the unit of new knowledge
    research_level: np.ndarray = None  # [bloc] research capacity relative to 2017
    research_funding0: np.ndarray = None  # [bloc] EUR bn a year reaching research in the first quarter
    research_compute0: np.ndarray = None  # [bloc] compute relative to the frontier at set-up
    # [bloc] net talent gained since 2017 as a share of research capacity (0 until a researcher population
    # writes it)
    talent_inflow: np.ndarray = None
    # standards
    alignment: np.ndarray = None  # [bloc, bloc] how aligned two AI regimes are, 0-1, 1 on the diagonal
    # the model (after every set-up, then each step)
    capability_last_year: np.ndarray = None  # [bloc] capability four quarters ago (behaviour's rules read it)

    def unset(self) -> list[str]:
        """Names of the fields no set-up has written."""
        return [f.name for f in dataclasses.fields(self) if getattr(self, f.name) is None]


# A deal is a round with at least one investor from a given foreign bloc (as MERICS counts them).
DEAL_COLUMNS = {
    "investor_bloc": np.int64,  # bloc index
    "investor_country": np.int64,  # country index of the deal's first investor from that bloc
    "investor_type": np.int64,  # an InvestorType code: that first investor's type
    "investor_id": np.int64,  # that first investor (its row in model.investors; investors are never reused)
    "target_bloc": np.int64,
    "target_country": np.int64,
    "stage": np.int64,  # a Stage code: the firm's stage when it raised the round
    "amount_eur": float,  # EUR invested by that bloc's investors (0 if blocked)
    "reviewed": bool,  # any of that bloc's investor slots was screened
    "blocked": bool,  # the deal was blocked: screening stopped every slot of that bloc
    "round_total_eur": float,  # EUR the round raised from all its investors
    "round_id": np.int64,  # the round, numbered from 0 in the order rounds open
    "company_id": np.int64,  # the firm that raised it (a reused firm row gets a new id)
}


@dataclass
class Flows:
    """This quarter's flows; each field is replaced by its owner's step every quarter."""

    # investment
    deals: dict[str, np.ndarray]  # per deal: one array per DEAL_COLUMNS key
    rounds: np.ndarray  # [bloc] funding rounds raised by the bloc's firms
    rounds_capital: np.ndarray  # [bloc] EUR m raised in those rounds
    rounds_foreign: np.ndarray  # [bloc] rounds with at least one foreign backer that was not blocked
    exited_firms: np.ndarray  # [exit] firm rows that failed or were sold this quarter (founding: who takes them)
    founded_firms: np.ndarray  # [entry] firm rows a new firm took this quarter (the exited rows, or spare rows)
    # [sale, 2] (sold firm row, acquirer firm row) of this quarter's absorbed firms (`trade_sale_entry`); the
    # sold rows are among exited_firms, and collaboration moves their research ties to the acquirer
    acquisitions: np.ndarray
    # standards
    complying: np.ndarray  # [bloc, regime] how many of the bloc's firms comply with each bloc's regime
    # collaboration (symmetric [bloc, bloc] matrices count ties and papers between two blocs)
    ties: np.ndarray  # [bloc, bloc] live research ties
    papers: np.ndarray  # [bloc, bloc] co-authored papers
    papers_field: np.ndarray  # [bloc, bloc, field] co-authored papers by field
    papers_military: np.ndarray  # [bloc, bloc] co-authored papers with a military-linked author
    papers_security: np.ndarray  # [bloc, bloc] co-authored papers with a security-linked author
    papers_corporate: np.ndarray  # [bloc, bloc] co-authored papers with a firm among the authors
    citations: np.ndarray  # [bloc, bloc] citation-weighted co-authored papers
    home_country: np.ndarray  # [country] single-bloc papers
    home: np.ndarray  # [bloc] single-bloc papers
    home_impact: np.ndarray  # [bloc] citation impact of home papers (capacity-weighted author quality)
    country_with: np.ndarray  # [country, bloc] papers co-authored with that bloc
    spillover: np.ndarray  # [bloc] yearly knowledge growth from co-authored research (capability reads it)
    exposure: np.ndarray  # [bloc] share of output in dual-use fields with military- or security-linked partners
    firm_papers: np.ndarray  # [firm] co-authored papers of each firm (capability reads it)
    # mobility
    moves: np.ndarray  # [bloc left, bloc joined] researchers who moved between the blocs (study abroad included)
    people_gain: np.ndarray  # [author, bloc] relative change since set-up of the value of new ties with the bloc
    # that comes from the author's people (researchers born in or alumni of the bloc); 0 at set-up
    # open weights
    open_labs: np.ndarray  # [bloc] frontier labs whose models are open-weight this quarter
    open_spillover: np.ndarray  # [bloc] yearly knowledge growth from foreign open-weight models (capability reads it)
    # capability
    new_knowledge: np.ndarray  # [bloc] knowledge the bloc's firms gained
    frontier_models: np.ndarray  # [bloc] notable models (G2)
    patents: np.ndarray  # [bloc] patent families (G3)

    @classmethod
    def empty(cls, n_blocs: int, n_countries: int, n_firms: int, n_fields: int, n_inst: int = 0) -> Flows:
        """The flows of a quarter in which nothing happened: what every field holds after set-up."""
        nb = n_blocs

        def per_bloc(dtype=float):
            return np.zeros(nb, dtype)

        def pairs():
            return np.zeros((nb, nb))

        return cls(
            deals={name: np.zeros(0, dtype) for name, dtype in DEAL_COLUMNS.items()},
            rounds=per_bloc(np.int64),
            rounds_capital=per_bloc(),
            rounds_foreign=per_bloc(np.int64),
            exited_firms=np.zeros(0, np.int64),
            founded_firms=np.zeros(0, np.int64),
            acquisitions=np.zeros((0, 2), np.int64),
            complying=pairs(),
            ties=np.zeros((nb, nb), np.int64),
            papers=pairs(),
            papers_field=np.zeros((nb, nb, n_fields)),
            papers_military=pairs(),
            papers_security=pairs(),
            papers_corporate=pairs(),
            citations=pairs(),
            home_country=np.zeros(n_countries),
            home=per_bloc(),
            home_impact=per_bloc(),
            country_with=np.zeros((n_countries, nb)),
            spillover=per_bloc(),
            exposure=per_bloc(),
            firm_papers=np.zeros(n_firms),
            moves=pairs(),
            people_gain=np.zeros((n_inst + n_firms, nb)),
            open_labs=per_bloc(np.int64),
            open_spillover=per_bloc(),
            new_knowledge=per_bloc(),
            frontier_models=per_bloc(np.int64),
            patents=per_bloc(),
        )


@dataclass
class InvestmentMarket:
    """What investment keeps between quarters for itself: the terms of investors' choices and counters."""

    distance: np.ndarray  # [investor bloc, target bloc] values distance (political risk)
    depth: np.ndarray  # [country] log share of its bloc's firms (ecosystem depth foreign investors favour)
    fund0: np.ndarray  # [investor] fund size at set-up: attempts scale with capital relative to it
    prefs: np.ndarray  # [investor type, raising stage] stage preference weights
    tickets: np.ndarray  # [investor type, 2] smallest and largest ticket as a share of fund size
    pace: np.ndarray  # [investor type] attempts per quarter at the fund's 2017 size
    home_bias: np.ndarray  # [investor type] utility cost of a deal outside its deal-flow bloc
    quality_weight: np.ndarray  # [investor type] weight on the firm's knowledge (expected return)
    starved: np.ndarray = dataclasses.field(
        default_factory=lambda: np.zeros(0, np.int64)
    )  # [firm] rows closing unfunded
    next_round: int = 0  # the next round id
    next_company: int = 0  # the next company id
    founding_ref: tuple | None = None  # ([bloc] set-up's money per young firm, [bloc] young firms): founding.py
    programme_money: np.ndarray | None = None  # [bloc] EUR m of public programmes' start-up money this quarter
    mean_knowledge: float = 1.0  # firms' mean knowledge this quarter: returns are judged against it
    vehicle_taste: np.ndarray | None = None  # [investor] lasting taste for a China team (logistic draw)
    # The screening funds' capital was raised under (inbound, outbound, thresholds as in Levers), moving towards
    # the rules in force as new capital comes in: a rule tightened since displaces the deals it was raised for.
    planned_inbound: np.ndarray | None = None
    planned_outbound: np.ndarray | None = None
    planned_threshold: np.ndarray | None = None
    plan_differs: bool = False  # this quarter the planned rules differ from those in force


@dataclass
class People:
    """Mobility's researchers: cohorts of career stage x institution x origin bloc, and what they carry."""

    researchers: np.ndarray  # [stage, institution, origin bloc] researchers (real count per model institution)
    alumni: np.ndarray  # [institution, bloc] its researchers who studied or worked in that (foreign) bloc
    pull0: np.ndarray  # [institution, bloc] share of its researchers born in or alumni of each foreign bloc, set-up
    pull0_country: np.ndarray  # [country, bloc] the same over the country's researchers, at set-up
    bloc_dual_use: np.ndarray  # [bloc] dual-use share of the bloc's field mix (new students' fields)
    newcomer_pull: np.ndarray  # [institution, origin bloc] its country's pull for newcomers of that origin
    situation: np.ndarray  # [institution] its bloc x DU_LEVELS + its fields' dual-use share in tenths (what
    # a cohort's choice depends on besides origin: personnel screening reads the dual-use share)
    starts: np.ndarray  # [bloc] first institution row of each bloc (rows are laid out bloc by bloc)
    cells: np.ndarray  # [institution * bloc] flat [country, bloc] cell of each institution's row (for sums)
    talent: np.ndarray = None  # [bloc] share of its researchers gained since set-up by a change in net migration
    net0: np.ndarray = None  # [bloc] net migration rate in the first quarter (the 2017 balance)
    sit_cells: np.ndarray = None  # [institution * bloc] flat [situation, origin] cell of each institution's row
    gain_base: tuple = None  # (people_weight, its 1 + weight x pull0, the same per country): _gain's set-up side
    bloc_cells: np.ndarray = None  # [institution * bloc] flat [bloc, bloc] cell of each institution's row: a
    # per-(bloc, origin) value spread over the rows by one gather, not a broadcast with a 3-long inner loop
    firm_cells: np.ndarray = None  # [firm * bloc] flat [country, bloc] cell of each firm's row (its country's)
    firm_blocks: list = None  # population.group_blocks of the firms by country: (country, first row, end row), or []
    # The cohorts' sums as mobility last left them (only mobility changes `researchers`): its next quarter starts
    # from them and the recorder reads them, instead of summing the cohorts again (the same numbers).
    by_origin: np.ndarray = None  # [institution, origin bloc] researchers over the three stages
    total: np.ndarray = None  # [institution] researchers of every origin (by_origin's columns, in order)
    at: np.ndarray = None  # [bloc, origin bloc] researchers working in each bloc (by_origin over its block of rows)


@dataclass
class OpenWeights:
    """What open-weight releases keep between quarters (sim/mechanisms/openweights.py)."""

    open: np.ndarray  # [firm] the lab's models are released with open weights
    frontier: np.ndarray  # [bloc] knowledge of the best open-weight model the bloc's labs have released


@dataclass
class ResearchNetwork:
    """Collaboration's authors and ties, and the papers each author has written with each bloc."""

    authors: Authors  # every author's fixed attributes, institutions first, then firms
    ties: Ties  # the live cross-bloc research ties
    papers_with: np.ndarray  # [author, bloc] cumulative co-authored papers with that bloc
    # Occasional publishers: institutions that publish AI work but start no foreign ties of their own; they
    # appear on cross-bloc papers only as a writer's home co-authors (collaboration.papers._home_coauthors).
    occasional_country: np.ndarray = None  # [occasional] country index
    occasional_size: np.ndarray = None  # [occasional] capacity relative to its country's mean institution
    occasional_with: np.ndarray = None  # [occasional, bloc] cumulative co-authored papers with that bloc
    # [quarters ago, bloc] start rate of new research projects (1 = usual), kept only while a cut is in the window
    # (no rows: no cut in the window; sim/mechanisms/projects.py)
    project_starts: np.ndarray = None
    project_output: np.ndarray = None  # [bloc] this quarter's output from past project starts (1: as usual)
    # [author] usual papers a quarter of its ties closed by restrictions, fading (sim/mechanisms/freed.py)
    freed_time: np.ndarray = None
    # [quarters ago, bloc x bloc] and [quarters ago, country]: the joint and home work done in past quarters, what
    # publishes now (sim/mechanisms/publication_lag.py; no rows until the first quarter, and with `paper_lag` off)
    work_history: np.ndarray = None
    home_work_history: np.ndarray = None
