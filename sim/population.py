"""Initial conditions: the arrays behind each kind of agent, drawn from the actor catalogue.

Counts are the catalogue's realistic counts times the scale factor (at least 2 per
country and kind, so every country stays represented at classroom scale).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalogue import INVESTOR_TYPES, SECTORS, STAGES, Risk
from .schema import spec
from .split import parents as split_parents


@dataclass
class Params:
    """How the initial population is drawn."""

    capacity_sigma: float = spec(1.0, lo=0, hi=3, source="calibrated to C6, C9 (tried 1.0-1.8): DE 70% < 10 papers")
    knowledge_sigma: float = spec(0.8, lo=0, hi=3, source="assumption: firm capability spread within a bloc")
    field_concentration: float = spec(
        8.0,
        lo=0.01,
        hi=1000,
        source=(
            "assumption: an institution of average size specialises around its bloc's field mix (Dirichlet"
            " concentration 8: a field's share varies between institutions by about 60-90% of its mean)"
        ),
    )
    field_groups: float = spec(
        1.0,
        lo=0,
        hi=2,
        source=(
            "assumption: an institution larger than average is that many average-sized research groups, each as"
            " specialised as an average institution; its mix is their mean (concentration grows with size^1)"
        ),
    )
    firm_field_concentration: float = spec(
        4.0, lo=0.01, hi=1000, source="assumption: firms are more specialised than institutions (a product line)"
    )
    sector_shares: list[float] = spec(
        factory=lambda: [0.86, 0.1, 0.04], lo=0, hi=1, source="assumption: software, corporate labs, chipmakers"
    )
    stage_shares: list[float] = spec(
        factory=lambda: [0.40, 0.25, 0.14, 0.09, 0.05, 0.02, 0.01, 0.04],
        lo=0,
        hi=1,
        source="assumption: funding-stage pyramid of AI start-ups (seed ... E, F+, listed)",
    )
    stage_capital_eur_m: list[float] = spec(
        factory=lambda: [1.5, 6.0, 20.0, 45.0, 90.0, 150.0, 250.0, 400.0],
        lo=0,
        source="assumption: typical European round sizes by stage (seed ... E, F+, listed)",
    )
    investor_type_shares: list[float] = spec(
        factory=lambda: [0.6, 0.15, 0.05, 0.2],
        lo=0,
        hi=1,
        source="assumption: venture, corporate/strategic, state-guided, growth/PE funds (Western mix)",
    )
    investor_type_shares_by_bloc: dict[str, list[float]] = spec(
        factory=lambda: {"EU": [0.65, 0.15, 0.05, 0.15], "CN": [0.22, 0.2, 0.48, 0.1], "US": [0.5, 0.2, 0.0, 0.3]},
        source="assumption: guidance funds are a large part of Chinese AI investors; growth funds of US ones; "
        "CN venture/state split calibrated to I1 deals 2017-2020 (tried 0.22-0.4 venture)",
    )
    risk_appetite_by_type: list[float] = spec(
        factory=lambda: [0.6, 0.45, 0.3, 0.4],
        lo=0,
        hi=1,
        source="assumption: mean risk appetite by type (venture highest, state-guided lowest)",
    )
    investor_capital_eur_m: float = spec(60.0, lo=0, source="assumption: median dry powder per fund")


@dataclass
class InstitutionArrays:
    bloc: np.ndarray
    country: np.ndarray
    capacity: np.ndarray  # papers per quarter this institution can author
    prestige: np.ndarray  # citation-weighted reputation, mean ~1
    mix: np.ndarray  # [row, field] share of its work in each field
    risk: np.ndarray  # a Risk code: none, military-linked, security-linked
    label: np.ndarray | None = None  # "DE institution 1": readable, made up from the model's own attributes

    def __len__(self):
        return len(self.bloc)


def institution_labels(country: np.ndarray, capacity: np.ndarray, countries: list[str]) -> np.ndarray:
    """A readable name for each institution: its country and its rank by size (capacity) within that
    country at the start, e.g. "DE institution 1" for Germany's largest. The model does not tell
    universities from labs, so the kind is "institution"; and no real institution's name is given to an
    agent (FACTS.md names TU Munich only as a fact about the data, not as an agent)."""
    order = np.lexsort((-capacity, country))  # by country, then the largest first (ties: by row)
    by_country = country[order]
    rank = np.empty(len(country), np.int64)
    rank[order] = np.arange(len(order)) - np.searchsorted(by_country, by_country, side="left")
    # Europe's "other" countries are one catalogue entry; say whose others they are.
    names = np.asarray([c if c != "other" else "other European" for c in countries], dtype=str)[country]
    return np.char.add(np.char.add(names, " institution "), (rank + 1).astype(str))


@dataclass
class FirmArrays:
    bloc: np.ndarray
    country: np.ndarray
    sector: np.ndarray  # a Sector code (index into SECTORS)
    stage: np.ndarray  # a Stage code (index into STAGES)
    capital: np.ndarray  # EUR m on hand
    knowledge: np.ndarray  # capability (knowledge stock); bloc frontier 2017 = catalogue capability
    risk: np.ndarray  # a Risk code
    complies: np.ndarray  # [row, regime] bool: complies with that bloc's AI regime
    foreign_backer: np.ndarray  # bloc index of the latest foreign investor, -1 if none
    mix: np.ndarray
    company: np.ndarray  # company id: a row reused by a new entrant gets a new id
    # False for a spare row: a venture not (yet, or no longer) founded, which raises, writes and counts nothing
    # (rows for founders' decisions, params.investment.founding 'money': sim/mechanisms/investment/founding.py)
    alive: np.ndarray

    def __len__(self):
        return len(self.bloc)


@dataclass
class InvestorArrays:
    bloc: np.ndarray
    country: np.ndarray
    type: np.ndarray  # an InvestorType code (index into INVESTOR_TYPES)
    capital: np.ndarray  # EUR m of dry powder
    target_capital: np.ndarray  # fund size: what its refills aim at; sets its ticket range
    risk_appetite: np.ndarray  # 0-1: how little screening and political risk deter it
    deal_flow: np.ndarray  # the bloc whose rounds it sees first and judges as a local (its bloc; China for a US
    # fund that chose a China team: investment/vehicles.py `_choose_vehicles`)

    def __len__(self):
        return len(self.bloc)


def _count(n: int, factor: float) -> int:
    return max(2, int(round(n * factor))) if n > 0 else 0


def _capacities(rng, n_real: int, n: int, sigma: float) -> tuple[np.ndarray, float]:
    """Log-normal capacities of `n` institutions standing for `n_real`, and the mean of the realistic sample.

    Below realistic scale each institution stands for n_real / n of the same rank: the realistic sample is
    drawn and a systematic sample of its ranks (random start) is kept, so the largest institutions are as
    large as at realistic scale. Drawing only n would thin the tail, and research ties concentrate on the
    largest institutions (popular partners draw more partners), so a country's share of papers hinges on its
    few largest: at factor 0.5 Germany lost its rank to France (docs/CALIBRATION.md, "Classroom scale").
    """
    if n >= n_real:
        cap = rng.lognormal(0.0, sigma, n)
        return cap, float(cap.mean())
    full = rng.lognormal(0.0, sigma, n_real)
    ranks = ((rng.random() + np.arange(n)) * (n_real / n)).astype(np.int64)
    return np.sort(full)[::-1][np.minimum(ranks, n_real - 1)], float(full.mean())


def _mix(rng, base, n, concentration):
    """Field specialisms: a Dirichlet draw around the bloc's mix per row, `concentration` per row (or one for all).

    Drawn as normalised gamma variates, which allow a concentration per row (numpy's dirichlet does not)."""
    base = np.asarray(base, float)
    alpha = np.broadcast_to(np.asarray(concentration, float), (n,))[:, None] * (base / base.sum())[None, :]
    g = rng.gamma(alpha)
    return g / np.maximum(g.sum(axis=1, keepdims=True), 1e-300)


def _assign_risk(rng, capacity, share_mil, share_sec):
    """Mark institutions as military- or security-linked until they hold the given capacity shares.

    Large institutions are likelier to be linked (the Seven Sons are among China's largest).
    """
    risk = np.zeros(len(capacity), np.int8)
    if len(capacity) == 0:
        return risk
    keys = rng.random(len(capacity)) ** (1.0 / np.maximum(capacity, 1e-9))  # weighted sampling order
    order = np.argsort(-keys, kind="stable")
    cum = np.cumsum(capacity[order]) / capacity.sum()
    n_mil = int(np.searchsorted(cum, share_mil))
    risk[order[:n_mil]] = Risk.MILITARY
    rest = order[n_mil:]
    cum_rest = np.cumsum(capacity[rest]) / capacity.sum()
    risk[rest[: int(np.searchsorted(cum_rest, share_sec))]] = Risk.SECURITY
    return risk


def bloc_bounds(bloc: np.ndarray, n_blocs: int) -> np.ndarray:
    """Where each bloc's rows start and end (bloc b: rows bounds[b] to bounds[b + 1]).

    `build` lays every kind out bloc by bloc, so a bloc's agents are one block of rows: per-bloc
    work reads a slice (a view) instead of gathering rows, and per-bloc sums are one `reduceat`.
    """
    if np.any(np.diff(bloc) < 0):
        raise ValueError("rows are not laid out bloc by bloc")
    return np.searchsorted(bloc, np.arange(n_blocs + 1))


def group_blocks(group: np.ndarray, n_groups: int) -> list[tuple[int, int, int]]:
    """(group, first row, end row) of each non-empty group's block of rows where rows come group by group (firms
    and institutions country by country within their bloc, as `build` lays them out); [] where they do not, and
    the caller then gathers by group instead."""
    if np.any(np.diff(group) < 0):
        return []
    bounds = np.searchsorted(group, np.arange(n_groups + 1))
    return [(g, int(bounds[g]), int(bounds[g + 1])) for g in range(n_groups) if bounds[g + 1] > bounds[g]]


def sum_by_bloc(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Column sums of `values` (e.g. 0/1 flags, as integers) over each bloc's block of rows."""
    out = np.zeros((len(bounds) - 1,) + values.shape[1:], np.int64)
    full = np.flatnonzero(bounds[1:] > bounds[:-1])  # reduceat would give an empty block one row, not zero
    if len(full):
        out[full] = np.add.reduceat(values, bounds[:-1][full], axis=0, dtype=np.int64)
    return out


def build(rng: np.random.Generator, specs: dict, factor: float, params, fields_rng: np.random.Generator | None = None):
    """Draw institutions, firms and investors for every bloc and country. Returns arrays and country names.

    Field specialisms come from `fields_rng` (default `rng`): their own stream, so how they are drawn
    leaves every other attribute of the population as it is."""
    fields_rng = rng if fields_rng is None else fields_rng
    countries: list[str] = []
    inst, firms, inv = [], [], []
    parents = split_parents(list(specs))
    for b, (_code, bloc) in enumerate(specs.items()):
        bloc_inst = []
        for cname, c in bloc.countries.items():
            ci = len(countries)
            countries.append(cname)
            n = _count(c.institutions, factor)
            # Heavy-tailed capacity: a few institutions write most papers (C9).
            cap, mean = _capacities(rng, c.institutions, n, params.capacity_sigma)
            cap *= bloc.paper_rate * c.research_weight / mean
            ref = cap.mean() if n >= c.institutions else bloc.paper_rate * c.research_weight  # prestige mean ~1
            bloc_inst.append(
                dict(
                    bloc=np.full(n, b),
                    country=np.full(n, ci),
                    capacity=cap,
                    prestige=cap / ref * rng.lognormal(0, 0.3, n) ** 0.5,
                    # A large institution is many research groups: its mix is their average, less specialised.
                    mix=_mix(
                        fields_rng,
                        bloc.field_mix,
                        n,
                        params.field_concentration
                        * np.maximum(cap / (bloc.paper_rate * c.research_weight), 1.0) ** params.field_groups,
                    ),
                )
            )
            nf = _count(c.firms, factor)
            sector = rng.choice(len(SECTORS), nf, p=params.sector_shares)
            stage = rng.choice(len(STAGES), nf, p=params.stage_shares)
            z = rng.normal(0, params.knowledge_sigma, nf)
            firms.append(
                dict(
                    bloc=np.full(nf, b),
                    country=np.full(nf, ci),
                    sector=sector,
                    stage=stage,
                    capital=np.asarray(params.stage_capital_eur_m)[stage] * rng.lognormal(0, 0.5, nf),
                    z=z,
                    mix=_mix(fields_rng, bloc.field_mix, nf, params.firm_field_concentration),
                )
            )
            ni = _count(c.investors, factor)
            by_bloc = params.investor_type_shares_by_bloc
            # A bloc split off from its region (the UK from Europe) keeps the region's mix.
            shares = by_bloc.get(_code, by_bloc.get(parents.get(_code, _code), params.investor_type_shares))
            itype = rng.choice(len(INVESTOR_TYPES), ni, p=np.asarray(shares) / np.sum(shares))
            appetite = np.asarray(params.risk_appetite_by_type)[itype]
            cap_i = rng.lognormal(np.log(params.investor_capital_eur_m), 1.0, ni) * bloc.round_size
            inv.append(
                dict(
                    bloc=np.full(ni, b),
                    country=np.full(ni, ci),
                    type=itype,
                    capital=cap_i,
                    target_capital=cap_i.copy(),
                    risk_appetite=rng.beta(4 * appetite, 4 * (1 - appetite)),
                )
            )
        cat = {k: np.concatenate([d[k] for d in bloc_inst]) for k in bloc_inst[0]}
        cat["risk"] = _assign_risk(rng, cat["capacity"], bloc.military_share, bloc.security_share)
        inst.append(cat)

    def join(parts, key, dtype=None):
        out = np.concatenate([p[key] for p in parts])
        return out.astype(dtype) if dtype else out

    inst_arr = InstitutionArrays(
        **{k: join(inst, k) for k in ("bloc", "country", "capacity", "prestige", "mix", "risk")}
    )
    inst_arr.bloc = inst_arr.bloc.astype(np.int64)
    inst_arr.label = institution_labels(inst_arr.country, inst_arr.capacity, countries)
    fb = join(firms, "bloc").astype(np.int64)
    n_blocs = len(specs)
    # Firm capability: log-normal around the bloc's 2017 frontier (mean of its top decile = catalogue value).
    z = join(firms, "z")
    knowledge = np.empty(len(fb))
    caps = np.array([s.capability for s in specs.values()])
    for b in range(n_blocs):
        sel = fb == b
        k = np.exp(z[sel])
        top = np.sort(k)[-max(1, len(k) // 10) :]
        knowledge[sel] = k / np.exp(np.log(top).mean()) * caps[b]
    # Firms' risk profile: Chinese firms tied to the state security apparatus (e.g. surveillance vendors).
    firm_risk = np.zeros(len(fb), np.int8)
    sec_share = np.array([s.security_share for s in specs.values()])[fb]
    firm_risk[rng.random(len(fb)) < sec_share * 2] = Risk.SECURITY
    complies = np.zeros((len(fb), n_blocs), bool)
    complies[np.arange(len(fb)), fb] = True
    firm_arr = FirmArrays(
        bloc=fb,
        country=join(firms, "country").astype(np.int64),
        sector=join(firms, "sector").astype(np.int64),
        stage=join(firms, "stage").astype(np.int64),
        capital=join(firms, "capital"),
        knowledge=knowledge,
        risk=firm_risk,
        complies=complies,
        foreign_backer=np.full(len(fb), -1, np.int64),
        mix=join(firms, "mix"),
        company=np.arange(len(fb), dtype=np.int64),
        alive=np.ones(len(fb), bool),
    )
    inv_arr = InvestorArrays(
        bloc=join(inv, "bloc").astype(np.int64),
        country=join(inv, "country").astype(np.int64),
        type=join(inv, "type").astype(np.int64),
        capital=join(inv, "capital"),
        target_capital=join(inv, "target_capital"),
        risk_appetite=join(inv, "risk_appetite"),
        deal_flow=join(inv, "bloc").astype(np.int64),
    )
    return inst_arr, firm_arr, inv_arr, countries
