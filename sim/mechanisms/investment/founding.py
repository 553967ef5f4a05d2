"""Founding: who starts a start-up, and where its row comes from (`params.investment.founding`).

'exits' (the default): an entrant takes each failed or sold firm's row at once (turnover.py), so entry replaces
exits one for one, only listings leave the private pipeline, and start-up money founds no firm.

'money': founders decide. Each quarter a bloc's would-be founders (a pool that grows with its research base,
`bloc_state.research_level`) start firms at `founding_rate` per young firm of 2017, times the early-stage money
a young firm can expect relative to 2017 (its bloc's funds' dry powder for seed and A rounds and public programmes'
start-up money, per seed-B firm) to the power `founding_elasticity`. More money per young firm draws more founders; more
founders share the money: the pipeline grows with its funding, and InvestAI's start-up half founds firms. A new
firm takes one of its bloc's spare rows (`FirmArrays.alive` False: `spare_firms` per catalogue firm, added at
build after each bloc's own rows, drawn from their own stream), and a failed or sold firm's row becomes spare
again. Spare rows raise, write, publish and count nothing (every mechanism reads `alive`).
"""

from __future__ import annotations

import numpy as np

from ...catalogue import SECTORS, Risk, Stage
from ...population import FirmArrays, _mix


def with_spare_rows(firms: FirmArrays, specs, p_inv, p_pop, rng) -> FirmArrays:
    """`firms` with `spare_firms` spare rows per firm after each bloc's own rows (rows stay grouped by bloc), spread
    over the bloc's countries as its firms are; attributes a founder keeps (sector, fields, risk) drawn from `rng`."""
    if p_inv.founding != "money" or p_inv.spare_firms <= 0 or not len(firms):
        return firms
    order, spare_parts = [], []
    n_real = len(firms)
    for b, bloc in enumerate(specs.values()):
        own = np.flatnonzero(firms.bloc == b)
        order.append(own)
        countries, counts = np.unique(firms.country[own], return_counts=True)
        n = np.round(counts * p_inv.spare_firms).astype(np.int64)
        country = np.repeat(countries, n)
        k = len(country)
        if not k:
            continue
        sec = 2 * bloc.security_share
        spare_parts.append(
            dict(
                bloc=np.full(k, b, np.int64),
                country=country.astype(np.int64),
                sector=rng.choice(len(SECTORS), k, p=p_pop.sector_shares),
                risk=np.where(rng.random(k) < sec, Risk.SECURITY, Risk.NONE).astype(firms.risk.dtype),
                mix=_mix(rng, bloc.field_mix, k, p_pop.firm_field_concentration),
            )
        )
        order.append(n_real + sum(len(s["bloc"]) for s in spare_parts[:-1]) + np.arange(k))
    if not spare_parts:
        return firms
    k = sum(len(s["bloc"]) for s in spare_parts)
    nb = firms.complies.shape[1]

    def spare(key):
        return np.concatenate([s[key] for s in spare_parts])

    stacked = {
        "bloc": np.concatenate([firms.bloc, spare("bloc")]),
        "country": np.concatenate([firms.country, spare("country")]),
        "sector": np.concatenate([firms.sector, spare("sector")]),
        "stage": np.concatenate([firms.stage, np.full(k, Stage.SEED, firms.stage.dtype)]),
        "capital": np.concatenate([firms.capital, np.zeros(k)]),
        "knowledge": np.concatenate([firms.knowledge, np.zeros(k)]),
        "risk": np.concatenate([firms.risk, spare("risk")]),
        "complies": np.concatenate([firms.complies, np.zeros((k, nb), bool)]),
        "foreign_backer": np.concatenate([firms.foreign_backer, np.full(k, -1, np.int64)]),
        "mix": np.concatenate([firms.mix, spare("mix")]),
        "company": np.concatenate([firms.company, np.full(k, -1, np.int64)]),
        "alive": np.concatenate([firms.alive, np.zeros(k, bool)]),
    }
    idx = np.concatenate(order)
    return FirmArrays(**{key: v[idx] for key, v in stacked.items()})


def retire(model, rows: np.ndarray) -> None:
    """Failed and sold firms' rows become spare: nothing of the old firm stays for a founder."""
    f = model.firms
    f.alive[rows] = False
    f.capital[rows] = 0.0
    f.knowledge[rows] = 0.0
    f.complies[rows] = False
    f.foreign_backer[rows] = -1
    f.stage[rows] = Stage.SEED
    f.company[rows] = -1


def enter(model, rows: np.ndarray) -> None:
    """New seed-stage firms in these rows: seed capital, the bloc's entrant know-how, its own regime, a new id."""
    f = model.firms
    f.alive[rows] = True
    f.stage[rows] = Stage.SEED
    f.capital[rows] = model.params.population.stage_capital_eur_m[Stage.SEED]
    f.knowledge[rows] = model.bloc_state.entrant_knowledge[f.bloc[rows]]
    f.complies[rows] = np.eye(model.n_blocs, dtype=bool)[f.bloc[rows]]
    f.foreign_backer[rows] = -1
    f.company[rows] = model.investment_market.next_company + np.arange(len(rows))
    model.investment_market.next_company += len(rows)


def money_per_young(model, programme_eur_m: np.ndarray) -> np.ndarray:
    """[bloc] the early-stage money a young firm can expect: its bloc's funds' dry powder for seed and A rounds
    (each fund's capital times its type's preference for those stages) plus this quarter's public start-up money,
    per seed-B firm. The funds' money is supply, not what rounds raised: fewer young firms leave more for each."""
    f, inv, mk = model.firms, model.investors, model.investment_market
    prefs = mk.prefs / np.maximum(mk.prefs.sum(axis=1, keepdims=True), 1e-12)
    early_share = prefs[:, Stage.SEED] + prefs[:, Stage.A]
    supply = np.bincount(inv.bloc, weights=inv.capital * early_share[inv.type], minlength=model.n_blocs)
    young = np.bincount(f.bloc[f.alive & (f.stage <= Stage.B)], minlength=model.n_blocs)
    return (supply + programme_eur_m) / np.maximum(young, 1)


def reference(model) -> tuple[np.ndarray, np.ndarray]:
    """([bloc] the money a young firm can expect at set-up, [bloc] its young firms then): the rate's 2017 terms."""
    f = model.firms
    young0 = np.bincount(f.bloc[f.alive & (f.stage <= Stage.B)], minlength=model.n_blocs).astype(float)
    return np.maximum(money_per_young(model, np.zeros(model.n_blocs)), 1e-12), young0


def found(model, programme_eur_m: np.ndarray) -> np.ndarray:
    """This quarter's founders' decisions: rows of the firms founded (spare rows of their blocs, in row order)."""
    f, p, mk = model.firms, model.params.investment, model.investment_market
    signal = money_per_young(model, programme_eur_m)
    ref_signal, young0 = mk.founding_ref
    rate = (
        p.founding_rate
        * young0
        * model.bloc_state.research_level
        * (np.maximum(signal, 0.0) / ref_signal) ** p.founding_elasticity
    )
    rng = model.streams.quarter("investment", model.quarter, "founding")
    n = rng.poisson(rate)
    out = []
    for b in range(model.n_blocs):  # blocs are few
        lo, hi = model.bloc_state.firm_bounds[b], model.bloc_state.firm_bounds[b + 1]
        spare = lo + np.flatnonzero(~f.alive[lo:hi])
        out.append(spare[: n[b]])
    rows = np.concatenate(out) if out else np.zeros(0, np.int64)
    enter(model, rows)
    return rows
