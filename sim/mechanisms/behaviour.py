"""Blocs' behavioural rules, each switched on by the scenario's `behaviour` section.

tighten_on_gap: a chip-supplying bloc tightens chip and tool controls on a rival
  that is closing the capability gap.
retaliation: a bloc targeted by export controls screens the issuer's investors and
  researchers in return.
join_agreements: two blocs form a standards agreement when the market influence
  each gains outweighs the distance between their values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..levers import SCOPES
from ..schema import spec


@dataclass
class Params:
    gap_threshold: float = spec(0.3, lo=0, hi=1, source="assumption: leader reacts when rival is within 30%")
    tighten_step: float = spec(0.05, lo=0, hi=1, source="assumption: per-quarter tightening")
    retaliation_strength: float = spec(0.6, lo=0, hi=1, source="assumption")
    values_weight: float = spec(1.0, lo=0, hi=10, source="assumption: how much values distance deters agreements")
    min_supply_share: float = spec(0.2, lo=0, hi=1, source="assumption: only a real supplier can control")


def setup(model) -> None:
    """Nothing to build: the rules read the state the other mechanisms keep."""


def step(model) -> None:
    """Each bloc, in turn, adapts its levers by the rules its scenario enables."""
    model.blocs_set.do(_adapt)


def _adapt(bloc) -> None:
    adapt(bloc.model, bloc.index)


def adapt(model, i: int) -> None:
    rules, p, lv, s = model.scenario.behaviour, model.params.behaviour, model.levers, model.bloc_state
    cap = s.capability
    if rules.tighten_on_gap and s.chip_supply[i] >= p.min_supply_share:
        for j in range(model.n_blocs):
            closing = cap[j] > cap[i] * (1 - p.gap_threshold) and cap[j] > s.capability_last_year[j] * cap[i] / max(
                s.capability_last_year[i], 1e-9
            )
            if j != i and closing and cap[j] < cap[i]:
                for scope in ("chips", "tools"):
                    k = SCOPES.index(scope)
                    lv.export[k, i, j] = min(1.0, lv.export[k, i, j] + p.tighten_step)
    if rules.retaliation:
        hit = lv.export[:, :, i].max(axis=0)  # strongest control each issuer imposes on bloc i
        for j in np.flatnonzero(hit > 0.3):
            level = p.retaliation_strength * hit[j]
            lv.inbound[i, j] = max(lv.inbound[i, j], level)
            lv.screening[i, j] = max(lv.screening[i, j], level)
    if rules.join_agreements:
        market = np.array([b.market_size for b in model.bloc_specs.values()])
        values = np.array([b.values for b in model.bloc_specs.values()])
        for j in range(i + 1, model.n_blocs):
            gain_i = market[j] / market.sum() * (1 - s.alignment[i, j])
            gain_j = market[i] / market.sum() * (1 - s.alignment[i, j])
            cost = p.values_weight * abs(values[i] - values[j]) * 0.5
            name = f"auto_{model.blocs[i]}_{model.blocs[j]}"
            if min(gain_i, gain_j) > cost and name not in lv.agreements:
                lv.agreements[name] = (frozenset({i, j}), 0.5)
