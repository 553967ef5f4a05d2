"""Open-weight models: frontier labs decide whether to release weights; open models spread capability.

Who decides: each bloc's few frontier labs, its `labs_per_bloc` firms with the largest
notable-model output (money for training runs and know-how, as in capability's production
function; G2's notable models come from a few labs, not every firm near the frontier). Each
quarter a share `review_rate` of the labs reconsider their policy.

The decision (logit over open or closed, from the lab's own stream):
- objective: adoption and reputation (worth more to a lab behind the frontier, which gains users
  and developers by opening) against the competitive loss of giving its lead away (worth more
  to the leader) and the cost its home regime puts on releasing (regulation strictness, and
  its government's controls on model exports);
- information: the lab's knowledge against the best lab's in the world (its lead) at the end of
  last quarter, its bloc's regime and controls in force;
- constraint: only labs release; a release cannot be taken back (the weights stay out).

The spillover, a catch-up term (Griffith, Redding and Van Reenen 2004, "Mapping the two faces of
R&D"; Cohen and Levinthal 1989): what open labs have released is each bloc's open frontier (the best
open model's knowledge, kept once released). A bloc's firms learn from the best foreign open frontier
by how far it lies above the bloc's capability, in levels: the bloc gains `absorption` x its absorptive
capacity x max(0, foreign open frontier - own capability), a yearly growth of its firms' knowledge of
that gain over its capability. Absorptive capacity is the bloc's research capacity (the researchers who
study, fine-tune and build on released weights) over the largest bloc's. A gain in levels, not a
proportional boost, so a bloc near or above the released frontier (the leader) gains little and a
follower far below it gains most: open release narrows gaps in levels as well as in ratios. It is a
channel that export controls on chips and on closed models do not stop (FACTS 2025Q1: DeepSeek-R1
released with open weights); it does not read compute, which chip controls cut. A bloc's own open
models spread through its other channels (people, papers), already in the model. Capability reads
the spillover as yearly knowledge growth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import split
from ..levers import SCOPES
from ..schema import spec
from ..state import OpenWeights


@dataclass
class Params:
    labs_per_bloc: int = spec(
        3,
        lo=0,
        hi=50,
        source="G2: notable models come from a few large labs per bloc, the firms with the most notable-model "
        "output (capital and know-how, capability.py); assumption: three",
    )
    review_rate: float = spec(0.25, lo=0, hi=1, source="assumption: labs reconsider their release policy yearly")
    adoption_value: float = spec(
        1.0,
        lo=0,
        hi=10,
        source="assumption: weight on adoption and reputation, scaled by how far the lab trails the best lab "
        "(followers opened first: FACTS 2025Q1 DeepSeek-R1)",
    )
    competitive_loss: float = spec(
        2.0, lo=0, hi=10, source="assumption: weight on the lead given away, scaled by the lab's closeness to the best"
    )
    regulation_cost: float = spec(
        1.0, lo=0, hi=10, source="assumption: weight on the home regime's strictness and model-export controls"
    )
    choice_noise: float = spec(0.5, lo=0.01, hi=10, source="assumption: logit scale of labs' idiosyncratic reasons")
    absorption: float = spec(
        0.03,
        lo=0,
        hi=1,
        source="assumption: yearly knowledge growth per unit relative distance ((foreign open frontier - own "
        "capability) / own capability) of the bloc with the largest research capacity (the same order as "
        "research spillover)",
    )
    max_gap: float = spec(
        19.0,
        lo=0,
        hi=100,
        source="assumption: far-behind blocs cannot absorb beyond a frontier ~20x their own capability (the "
        "relative distance is capped at 19)",
    )


def setup(model) -> None:
    n = model.n_blocs
    model.open_weights = OpenWeights(open=np.zeros(len(model.firms), bool), frontier=np.zeros(n))


def labs(model) -> np.ndarray:
    """Row indices of each bloc's `labs_per_bloc` frontier labs (blocs are few; each is one partition).

    A frontier lab is a firm with the largest notable-model output: capital (what a training run
    costs) and know-how combined as in capability's production function (G2).
    """
    f, k = model.firms, model.params.openweights.labs_per_bloc
    a = model.params.capability.frontier_capital_share
    # The log of capital^a x knowledge^(1 - a): the same order, at half the cost of the powers.
    score = a * np.log(np.maximum(f.capital, 1e-12)) + (1.0 - a) * np.log(np.maximum(f.knowledge, 1e-12))
    bounds = model.bloc_state.firm_bounds
    out = []
    for b in range(model.n_blocs):
        lo, hi = bounds[b], bounds[b + 1]
        m = min(k, hi - lo)
        if m > 0:
            out.append(lo + np.argpartition(score[lo:hi], hi - lo - m)[hi - lo - m :])
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def step(model) -> None:
    f, p, lv, ow, fl = model.firms, model.params.openweights, model.levers, model.open_weights, model.flows
    n = model.n_blocs
    ow.open[fl.exited_firms] = False  # an entrant in an exited firm's row has no policy yet
    rows = labs(model)
    if len(rows):
        rng = model.streams.quarter("openweights", model.quarter, "release")
        home = f.bloc[rows]
        lead = f.knowledge[rows] / max(f.knowledge[rows].max(), 1e-12)  # 1 for the world's best lab
        controls = lv.export[SCOPES.index("models")].max(axis=1)  # [bloc] its strictest model-export control
        utility = (
            p.adoption_value * (1.0 - lead)
            - p.competitive_loss * lead
            - p.regulation_cost * (lv.strictness[home] + controls[home])
        )
        reviews = rng.random(len(rows)) < p.review_rate
        opens = rng.random(len(rows)) < 1.0 / (1.0 + np.exp(-utility / p.choice_noise))
        ow.open[rows[reviews]] = opens[reviews]
        released = rows[ow.open[rows]]
        best = np.zeros(n)
        np.maximum.at(best, f.bloc[released], f.knowledge[released])
        ow.frontier = np.maximum(ow.frontier, best)  # released weights stay out
        fl.open_labs = np.bincount(f.bloc[released], minlength=n)
    # Each bloc catches up on the best open model released abroad, if it is above its own capability: a gain in
    # levels (distance x absorptive capacity), so the leader gains little and a far follower most.
    foreign = np.where(np.eye(n, dtype=bool), 0.0, ow.frontier[None, :]).max(axis=1)
    cap = np.maximum(model.bloc_state.capability, 1e-12)
    behind = np.clip((foreign - cap) / cap, 0.0, p.max_gap)
    fl.open_spillover = p.absorption * absorptive_capacity(model) * behind


def absorptive_capacity(model) -> np.ndarray:
    """[bloc] its research capacity over the largest bloc's (a split bloc reads its region's, as calibrated)."""
    researchers = split.region_sum(
        model, np.bincount(model.inst.bloc, weights=model.inst.capacity, minlength=model.n_blocs)
    )
    return researchers / max(researchers.max(), 1e-12)
