"""Capability growth: firms' knowledge stocks grow with R&D money, compute and spillovers;
institutions' research capacity grows with their bloc's research funding.

A firm's growth rate is its bloc's R&D productivity scaled by its capital (R&D it
can pay for), the bloc's compute relative to the leader, access to frontier models,
knowledge spillovers from co-authored research and its own papers, less what
compliance costs. A bloc's capability index is the geometric mean of its top-decile
firms' knowledge (US 2017 = 1). Public programmes' compute raises the bloc's compute.

Notable models (G2) come from a production function of money and know-how: a firm's
expected count is Cobb-Douglas in its capital (what a training run costs) and its
closeness to the world frontier, with constant returns to scale, times its bloc's
installed compute. They are an output only, drawn from their own random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..population import bloc_bounds
from ..schema import spec


@dataclass
class Params:
    compute_elasticity: float = spec(0.5, lo=0, hi=3, source="assumption: scaling laws, sub-linear returns to compute")
    capital_elasticity: float = spec(0.15, lo=0, hi=2, source="assumption: better-funded firms grow faster")
    capital_ref_eur_m: float = spec(20.0, lo=0.01, source="assumption: capital at which R&D runs at the bloc rate")
    model_access_weight: float = spec(0.3, lo=0, hi=1, source="assumption: share of growth from frontier-model access")
    paper_learning: float = spec(0.002, lo=0, hi=1, source="assumption: growth per log co-authored papers of a firm")
    frontier_rate: float = spec(
        0.0145,
        lo=0,
        hi=10,
        source="calibrated to G2 (US 61 in 2023; fitted offline, 0.0145 kept for capital "
        "shares 0.5-0.6): notable models per quarter of a firm with EUR 1 bn "
        "at the world frontier",
    )
    frontier_capital_share: float = spec(
        0.6,
        lo=0,
        hi=1,
        source="calibrated to G2 (tried 0.4-0.6; 0.5 -> 0.6 when rounds began to raise what investors "
        "commit; offline 0.5-2 with a free "
        "knowledge exponent 0.25-2.5): capital's output elasticity in notable "
        "models; knowledge's is 1 - it (assumption: constant returns to scale)",
    )
    install_quarters: float = spec(
        16.0, lo=1, hi=40, source="calibrated to G2 (tried 1-16): chips stay in service ~4 years"
    )
    patent_rate: float = spec(10.0, lo=0, source="G3: patent families per unit knowledge and year, before propensity")


def setup(model) -> None:
    s, f = model.bloc_state, model.firms
    # Each bloc's firm rows: firms never change bloc (an exiting firm's row goes to an entrant of the same bloc).
    s.firm_bounds = bloc_bounds(f.bloc, model.n_blocs)
    s.capability = index(model)
    s.installed_access = s.compute_access.copy()
    s.entrant_knowledge = np.array(
        [
            np.percentile(f.knowledge[lo:hi], 20) if hi > lo else 0.01
            for lo, hi in zip(s.firm_bounds[:-1], s.firm_bounds[1:])
        ]
    )
    s.knowledge0_us = f.knowledge[f.bloc == model.blocs.index("US")].sum() if "US" in model.blocs else f.knowledge.sum()


def index(model) -> np.ndarray:
    f, out = model.firms, np.zeros(model.n_blocs)
    bounds = model.bloc_state.firm_bounds
    for b in range(model.n_blocs):  # blocs are few; each partition is O(n)
        k = f.knowledge[bounds[b] : bounds[b + 1]]
        if len(k):
            top = np.partition(k, len(k) - max(1, len(k) // 10))[-max(1, len(k) // 10) :]
            out[b] = np.exp(np.log(np.maximum(top, 1e-12)).mean())
    return out


def compliance_cost(model) -> np.ndarray:
    """Each firm's summed compliance cost over the regimes it complies with.

    A firm's cost depends only on which regimes it complies with: the sum is taken once per
    pattern of regimes (2 ** blocs of them), and each firm reads its pattern's value.
    """
    f, cost = model.firms, model.levers.compliance_cost
    nb = model.n_blocs
    patterns = (np.arange(2**nb)[:, None] >> np.arange(nb)) & 1  # [pattern, regime] 0/1
    per_pattern = (patterns.astype(bool) * cost[None, :]).sum(axis=1)
    return per_pattern[f.complies @ (1 << np.arange(nb))]


def step(model) -> None:
    f, p, s, lv, fl = model.firms, model.params.capability, model.bloc_state, model.levers, model.flows
    specs = list(model.bloc_specs.values())
    compute = s.compute_access * s.compute_stock
    compute_term = (compute / compute.max()) ** p.compute_elasticity
    models_lost = s.chip_supply @ lv.effective_export("models")  # frontier models come with chip leaders
    model_term = 1 - p.model_access_weight * np.clip(models_lost, 0, 1)
    rd = np.array([b.rd_growth for b in specs]) / 4
    capital_term = np.clip((np.maximum(f.capital, 1e-6) / p.capital_ref_eur_m) ** p.capital_elasticity, 0.3, 1.5)
    compliance = compliance_cost(model)
    # Per-bloc factors multiplied per bloc, then gathered once: the same products as per firm.
    growth = (
        (rd * compute_term * model_term)[f.bloc] * capital_term * (1 - compliance)
        + ((fl.spillover + fl.open_spillover) / 4)[f.bloc]
        + p.paper_learning * np.log1p(fl.firm_papers)
    )
    # Research capacity grows with each bloc's research funding and talent pipeline (C13).
    research = np.array([b.research_growth for b in specs]) / 4
    model.inst.capacity *= 1 + research[model.inst.bloc]
    before = f.knowledge.copy()
    f.knowledge *= 1 + growth
    s.capability = index(model)
    fl.new_knowledge = np.bincount(f.bloc, weights=f.knowledge - before, minlength=model.n_blocs)
    # Notable models: a production function of money (capital in EUR bn: a training run's cost) and know-how
    # (closeness to the world frontier), Cobb-Douglas with constant returns to scale (G2).
    closeness = np.minimum(f.knowledge / max(s.capability.max(), 1e-12), 10.0)
    a = p.frontier_capital_share
    output = (np.maximum(f.capital, 0.0) / 1000.0) ** a * closeness ** (1.0 - a)
    frontier = np.bincount(f.bloc, weights=output, minlength=model.n_blocs)
    # Training runs scale sub-linearly with compute (the same scaling-law elasticity as growth, G2).
    # Chips bought before a control stay in service: the installed base follows access with a lag.
    s.installed_access += (s.compute_access - s.installed_access) / p.install_quarters
    fl.frontier_models = model.streams.frontier_models.poisson(
        p.frontier_rate * frontier * s.installed_access**p.compute_elasticity
    )
    fl.patents = (
        p.patent_rate
        / 4
        * np.array([b.patent_propensity for b in specs])
        * np.bincount(f.bloc, weights=f.knowledge, minlength=model.n_blocs)
    )
