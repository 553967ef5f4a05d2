"""Standards alignment: which AI regimes firms comply with, and how far blocs align.

Every bloc has its own regime; a firm always complies with its home regime. Each
quarter some firms review the foreign regimes: complying buys market access
(weighted by market size and the firm's reach), costs compliance (less where the
regime is aligned with the firm's home regime), and pays network effects (the
more firms comply, the more a regime is worth). Blocs' alignment drifts towards
a target set by their values and regulatory distance, raised by any standards
agreement between them and by their firms' cross-compliance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..catalogue import STAGES
from ..population import sum_by_bloc
from ..schema import spec


@dataclass
class Params:
    review_rate: float = spec(0.1, lo=0, hi=1, source="assumption: firms revisit compliance every ~2.5 years")
    market_weight: float = spec(3.0, lo=0, hi=50, source="assumption: value of full access to the largest market")
    cost_weight: float = spec(12.0, lo=0, hi=100, source="assumption: value lost per unit compliance cost")
    network_weight: float = spec(2.0, lo=0, hi=50, source="assumption: network effect per share of firms complying")
    backer_bonus: float = spec(1.0, lo=0, hi=10, source="assumption: a foreign investor opens its home market")
    entry_cost: float = spec(1.5, lo=0, hi=20, source="assumption: fixed cost of a second regime")
    noise: float = spec(0.7, lo=0.01, hi=10, source="assumption: spread of firms' private reasons")
    base_alignment: float = spec(
        0.55, lo=0, hi=1, source="assumption: alignment of identical regimes without agreement"
    )
    adjustment: float = spec(0.08, lo=0, hi=1, source="assumption: alignment moves ~8% of the way each quarter")
    bottom_up: float = spec(0.5, lo=0, hi=5, source="assumption: cross-compliance pulls regimes together")


def setup(model) -> None:
    model.bloc_state.alignment = _target(model, complying(model))
    np.fill_diagonal(model.bloc_state.alignment, 1.0)


def complying(model) -> np.ndarray:
    """[bloc, regime] how many of the bloc's firms comply with the regime."""
    return sum_by_bloc(model.firms.complies.view(np.uint8), model.bloc_state.firm_bounds).astype(float)


def _target(model, complying) -> np.ndarray:
    p, lv = model.params.standards, model.levers
    values = np.array([s.values for s in model.bloc_specs.values()])
    distance = np.abs(values[:, None] - values[None, :])
    strict_gap = np.abs(lv.strictness[:, None] - lv.strictness[None, :])
    target = p.base_alignment * (1 - distance) * (1 - 0.5 * strict_gap)
    target = np.maximum(target, lv.agreement_depth())
    f = model.firms
    counts = np.maximum(np.bincount(f.bloc[f.alive], minlength=model.n_blocs), 1)
    cross = complying / counts[:, None]
    cross = (cross + cross.T) / 2
    np.fill_diagonal(cross, 0.0)
    return np.clip(target + p.bottom_up * cross * (1 - target), 0, 1)


def step(model) -> None:
    rng, f, p, lv, s = model.streams.standards, model.firms, model.params.standards, model.levers, model.bloc_state
    nb = model.n_blocs
    review = np.flatnonzero((rng.random(len(f)) < p.review_rate) & f.alive)
    home = f.bloc[review]
    market = np.array([b.market_size for b in model.bloc_specs.values()])
    reach = (f.stage[review] + 1) / float(len(STAGES))  # listed firms reach every market
    share = complying(model).sum(axis=0) / max(int(f.alive.sum()), 1)
    # [firm, regime] utility of complying
    access = p.market_weight * market[None, :] / market.max() * reach[:, None]
    cost = p.cost_weight * lv.compliance_cost[None, :] * (1 - s.alignment[home])
    network = p.network_weight * share[None, :]
    backer = p.backer_bonus * (f.foreign_backer[review][:, None] == np.arange(nb)[None, :])
    utility = access - cost + network + backer - p.entry_cost * (1 - s.alignment[home])
    comply = rng.random(utility.shape) < 1 / (1 + np.exp(-utility / p.noise))
    comply[np.arange(len(review)), home] = True
    f.complies[review] = comply
    model.flows.complying = complying(model)  # the recorder reports it too
    s.alignment += p.adjustment * (_target(model, model.flows.complying) - s.alignment)
    np.fill_diagonal(s.alignment, 1.0)
