"""The compute market: each bloc's buyers choose among the suppliers they can reach, by price.

Suppliers are each bloc's chip vendors plus the rest of the world. A buyer bloc can
reach a foreign supplier's capacity directly (what export controls leave), through
cloud providers abroad and through smuggling (what controls leak, split by
`cloud_share`, each channel at its own markup), and its own vendors' or fabs'
capacity at home at a price set by their quality. Buyers (one demand curve per bloc:
its labs and firms) spread their demand over these options with logit shares by
effective price; pricier channels deliver less compute per euro, so controls cut the
compute a bloc can buy. Quality (China's parts) decides whom buyers prefer. Prices
move with each supplier's utilisation (demand over capacity) and with critical-mineral
controls on the supplier. G1 is the start: US vendors hold ~85% of world supply; from
there the shares move.

All arrays are [buyer bloc, supplier], suppliers being the blocs then the rest of the world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schema import spec


@dataclass
class Params:
    cloud_share: float = spec(
        0.5, lo=0, hi=1, source="assumption: half of what leaks past controls is rented through cloud providers abroad"
    )
    cloud_markup: float = spec(0.3, lo=0, hi=5, source="assumption: cloud rental over owning, per unit of compute")
    smuggling_premium: float = spec(0.6, lo=0, hi=5, source="assumption: grey-market chips sell well above list")
    share_elasticity: float = spec(2.0, lo=0, hi=10, source="assumption: buyers switch suppliers on price (logit)")
    quantity_elasticity: float = spec(
        0.5, lo=0, hi=3, source="assumption: a dearer channel buys less compute per euro (sub-proportional)"
    )
    price_response: float = spec(0.5, lo=0, hi=3, source="assumption: price elasticity to utilisation")
    domestic_quality: dict[str, float] = spec(
        factory=lambda: {"CN": 0.6},
        source="assumption: China's domestic accelerators deliver ~60% of a US part's compute per euro",
    )


class Market:
    """Prices, capacities and last quarter's purchases of the compute market."""

    def __init__(self, model):
        n = model.n_blocs
        p = model.params.compute.market
        self.suppliers = list(model.blocs) + ["RoW"]
        self.quality = np.array([p.domestic_quality.get(c, 1.0) for c in model.blocs] + [1.0])
        self.price = np.ones(n + 1)
        self.mineral_supply = np.array([model.params.compute.mineral_supply.get(c, 0.0) for c in model.blocs])
        market = np.array([b.market_size for b in model.bloc_specs.values()])
        self.demand = market / market.sum()  # each bloc's share of world compute demand
        self.shares = np.zeros((n, n + 1))
        self.access = np.ones(n)
        self.util0 = None  # utilisation at the start, where prices are 1


def capacity(model) -> np.ndarray:
    """[supplier] capacity as a share of world demand: vendors' world share or home fabs, whichever is more."""
    s, m = model.bloc_state, model.market
    home = s.chip_capacity * m.demand
    return np.append(np.maximum(s.chip_supply, home), model.params.compute.rest_of_world_supply)


def clear(model) -> None:
    """Buyers' shares and the compute they can buy at today's prices."""
    m = model.market
    m.access, m.shares, m.foreign = offer(model, model.levers)


def offer(model, lv) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(access, [buyer, supplier] shares, reachable abroad) under the controls in `lv`, at today's prices.

    Pure: buyers who know of an announced control ask it what they will lose (stockpiling, compute.py).
    """
    s, p, m = model.bloc_state, model.params.compute.market, model.market
    n = model.n_blocs
    cap = capacity(model)
    # What each buyer can reach of each supplier, per channel.
    x = np.zeros((n, n + 1))
    x[:, :n] = lv.export[0].T  # [buyer, supplier] stringency of the supplier's chip controls on the buyer
    np.fill_diagonal(x[:, :n], 0.0)
    e = np.zeros((n, n + 1))
    e[:, :n] = lv.evasion.T
    leak = x * e
    reach = np.stack([1.0 - x, leak * p.cloud_share, leak * (1.0 - p.cloud_share)])  # [channel, buyer, supplier]
    markup = np.array([1.0, 1.0 + p.cloud_markup, 1.0 + p.smuggling_premium])[:, None, None]
    # At home a bloc buys its own vendors' or fabs' output (the bigger), at their quality.
    own = np.zeros((n, n + 1))
    own[np.arange(n), np.arange(n)] = np.maximum(s.chip_supply, s.chip_capacity)
    amount = reach * np.where(np.eye(n, n + 1, dtype=bool), 0.0, cap)[None] + np.stack([own, 0 * own, 0 * own])
    # Offered amounts are per unit of the buyer's demand: the suppliers' world shares, as in G1.
    eff = markup * (m.price / m.quality)[None, None, :]  # effective price per unit of compute
    weight = amount * eff ** (-p.share_elasticity)
    total = weight.sum(axis=(0, 2))
    choice = weight / np.maximum(total, 1e-12)[None, :, None]  # [channel, buyer, supplier] demand shares
    # Compute bought per unit of demand: the amounts reachable, each discounted by its channel's markup and
    # its supplier's price (quality decides whom buyers prefer, not how much compute a part is counted as).
    bought = amount * (markup * m.price[None, None, :]) ** (-p.quantity_elasticity)
    access = np.clip(bought.sum(axis=(0, 2)), 0.0, 1.0)
    # What a bloc can reach abroad at any price: what its government plans substitution against.
    foreign = np.clip((amount.sum(axis=0) * ~np.eye(n, n + 1, dtype=bool)).sum(axis=1), 0.0, 1.0)
    return access, choice.sum(axis=0), foreign


def utilisation(model) -> np.ndarray:
    """[supplier] compute sold over capacity."""
    m = model.market
    sold = (m.demand[:, None] * m.shares * m.access[:, None]).sum(axis=0)
    return sold / np.maximum(capacity(model), 1e-9)


def reprice(model, minerals_lost: np.ndarray) -> None:
    """Prices for next quarter: cost (dearer where minerals are controlled) times utilisation.

    Utilisation counts relative to the start's, where prices are 1 (the market starts in balance, G1).
    """
    m, p = model.market, model.params.compute.market
    if m.util0 is None:
        m.util0 = np.maximum(utilisation(model), 1e-9)
    cost = np.append(1.0 + model.params.compute.mineral_exposure * minerals_lost, 1.0)
    m.price = cost * np.clip(utilisation(model) / m.util0, 0.25, 4.0) ** p.price_response


def world_shares(model) -> np.ndarray:
    """[supplier] share of the world's compute bought from each supplier."""
    m = model.market
    sold = (m.demand[:, None] * m.shares * m.access[:, None]).sum(axis=0)
    return sold / max(sold.sum(), 1e-12)
