"""Compute and export controls.

Advanced chips come mostly from US firms (G1). A bloc's compute access is the share
of its demand it can buy: uncontrolled foreign supply, controlled supply that
leaks through evasion, and its own domestic capacity. A bloc cut off invests in
domestic substitution; that capacity arrives only after a build lag, and more
slowly when chip-making tools are controlled too.

Buyers who know a control is coming (a scenario measure with an `announced:` period before it
takes effect) stockpile: between announcement and effect they buy ahead part of what the control
will cut, and draw the stock down into service over the following quarters.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from ..policies import FAMILIES
from ..schema import spec
from . import market


@dataclass
class Params:
    rest_of_world_supply: float = spec(
        0.07, lo=0, hi=1, source="G1: NVIDIA ~70%, AMD and Intel follow; rest uncontrolled"
    )
    substitution_rate: float = spec(
        0.5, lo=0, hi=10, source="assumption: EUR bn per quarter and unit shortfall per EUR tn of market"
    )
    capacity_per_eur_bn: float = spec(
        0.006, lo=0, hi=1, source="G4: USD 47 bn buys China some self-sufficiency over a decade"
    )
    build_quarters: int = spec(10, lo=1, hi=40, source="assumption: fabs take 2-3 years to come online")
    capacity_depreciation: float = spec(0.01, lo=0, hi=1, source="assumption: nodes age out in ~25 years")
    compute_growth: float = spec(0.35, lo=0, hi=2, source="assumption: yearly growth of AI compute volume")
    compute_per_eur_bn: float = spec(
        0.004, lo=0, hi=1, source="assumption: public compute per EUR bn, as a share of the frontier stock"
    )
    tool_supply: dict[str, float] = spec(
        factory=lambda: {"US": 0.45, "EU": 0.3, "JP": 0.2},
        source="assumption: lithography (NL), deposition/etch (US, JP)",
    )
    mineral_supply: dict[str, float] = spec(
        factory=lambda: {"CN": 0.85},
        source="assumption: China refines most gallium, germanium, graphite and rare earths (timeline 2023-25)",
    )
    mineral_exposure: float = spec(
        0.3, lo=0, hi=1, source="assumption: share of chip-capacity growth that a full mineral cut-off stops"
    )
    stockpile_quarters: float = spec(
        2.0,
        lo=0,
        hi=8,
        source="assumption: over the notice period buyers buy ahead about two quarters of what an announced "
        "control will cut (reported Chinese orders ahead of the 2022-23 US rules; not in FACTS)",
    )
    stockpile_drawdown: float = spec(
        0.25, lo=0, hi=1, source="assumption: a stockpile goes into service over about a year (share per quarter)"
    )
    market: market.Params = field(default_factory=market.Params)  # the compute market's buyers and prices


def setup(model) -> None:
    s, n = model.bloc_state, model.n_blocs
    s.pipeline = np.zeros((model.params.compute.build_quarters, n))
    s.chip_capacity = np.array([b.chip_capacity for b in model.bloc_specs.values()])
    s.compute_stock = np.array([b.compute_stock for b in model.bloc_specs.values()])
    s.chip_supply = np.array([b.chip_supply_share for b in model.bloc_specs.values()])
    model.market = market.Market(model)
    s.tool_supply = np.array([model.params.compute.tool_supply.get(c, 0.0) for c in model.blocs])
    s.chip_investment = np.zeros(n)
    s.stockpile = np.zeros(n)
    update_access(model)


def update_access(model, drawn: np.ndarray | float = 0.0) -> None:
    """Compute access from the market (what each bloc's buyers can buy at today's prices) plus stock drawn."""
    s = model.bloc_state
    market.clear(model)
    s.foreign_access = model.market.foreign
    s.compute_access = np.clip(model.market.access + drawn, 0.0, 1.0)


def stockpile(model) -> np.ndarray:
    """Buy ahead of announced controls; return the stock each bloc puts into service this quarter.

    Buyers see every measure announced and not yet in force, ask the market what they could buy
    once it is (`market.offer` on the levers it will set), and spread `stockpile_quarters` of that
    cut over the quarters of notice left. Bought-ahead chips wait in stock and go into service at
    `stockpile_drawdown` a quarter, counted on top of what the market sells (in units of demand).
    """
    s, p, q = model.bloc_state, model.params.compute, model.quarter
    pending = [a for a in model.scenario.announcements if a[0] <= q < a[1]]
    if pending:
        later = copy.deepcopy(model.levers)
        for _, _, family, measure, key in sorted(pending, key=lambda a: a[1]):
            FAMILIES[family].apply(later, measure, model.blocs, key)
        cut = np.clip(model.market.access - market.offer(model, later)[0], 0.0, None)
        notice = min(a[1] for a in pending) - q  # quarters left before the first of them takes effect
        s.stockpile = s.stockpile + p.stockpile_quarters * cut / notice
    drawn = p.stockpile_drawdown * s.stockpile
    s.stockpile = s.stockpile - drawn
    return drawn


def step(model) -> None:
    s, p, lv = model.bloc_state, model.params.compute, model.levers
    drawn = stockpile(model)  # against last quarter's market: what buyers know when they order
    update_access(model, drawn)
    shortfall = 1.0 - np.clip(s.foreign_access + s.chip_supply, 0, 1)  # what controls and prices cut off
    market_size = np.array([b.market_size for b in model.bloc_specs.values()])
    baseline = np.array([b.chip_investment_eur_bn for b in model.bloc_specs.values()]) / 40.0  # over a decade
    s.chip_investment = baseline + p.substitution_rate * shortfall * market_size * (1.0 - s.chip_capacity)
    # Controlled tools make each euro of substitution buy less capacity.
    # (sums, not `@`: BLAS picks its kernels by CPU, so its last bits differ between machines; sim/simd.py)
    tools = lv.effective_export("tools")
    tools_lost = (s.tool_supply[:, None] * tools).sum(axis=0) - s.tool_supply * np.diag(tools)
    # Controlled critical minerals make chips dearer to make: less capacity per euro in the target.
    ms = model.market.mineral_supply
    minerals_lost = (ms[:, None] * lv.minerals).sum(axis=0) - ms * np.diag(lv.minerals)
    s.pipeline[-1] += (
        s.chip_investment
        * p.capacity_per_eur_bn
        * np.clip(1.0 - tools_lost, 0, 1)
        * np.clip(1.0 - p.mineral_exposure * minerals_lost, 0, 1)
    )
    arrived, s.pipeline = s.pipeline[0], np.roll(s.pipeline, -1, axis=0)
    s.pipeline[-1] = 0.0
    s.chip_capacity = np.clip(s.chip_capacity * (1 - p.capacity_depreciation) + arrived, 0, 1)
    frontier = s.compute_stock.max()
    # Stock put into service counts on top of what the market sells, even beyond a quarter's demand.
    s.compute_stock *= 1.0 + p.compute_growth / 4 * (model.market.access + drawn)
    # Public compute (gigafactories): a euro buys a share of today's frontier stock, as chips get cheaper.
    for prog in lv.programmes.values():
        if prog.quarters_left > 0:
            s.compute_stock[prog.bloc] += prog.quarterly_eur_bn * prog.compute_share * p.compute_per_eur_bn * frontier
    market.reprice(model, minerals_lost)
    update_access(model, drawn)
