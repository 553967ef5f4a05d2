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
    parts = []
    for b, bloc in enumerate(specs.values()):
        countries, counts = np.unique(firms.country[firms.bloc == b], return_counts=True)
        country = np.repeat(countries, np.round(counts * p_inv.spare_firms).astype(np.int64))
        k = len(country)
        sector = rng.choice(len(SECTORS), k, p=p_pop.sector_shares)
        risky = rng.random(k) < 2 * bloc.security_share  # as population.build draws a firm's risk
        parts.append(
            dict(
                bloc=np.full(k, b, np.int64),
                country=country.astype(np.int64),
                sector=sector,
                risk=np.where(risky, Risk.SECURITY, Risk.NONE).astype(firms.risk.dtype),
                mix=_mix(rng, bloc.field_mix, k, p_pop.firm_field_concentration),
            )
        )
    k = sum(len(part["bloc"]) for part in parts)
    if not k:
        return firms
    spare = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    spare |= dict(
        stage=np.full(k, Stage.SEED, firms.stage.dtype),
        capital=np.zeros(k),
        knowledge=np.zeros(k),
        complies=np.zeros((k, firms.complies.shape[1]), bool),
        foreign_backer=np.full(k, -1, np.int64),
        company=np.full(k, -1, np.int64),
        alive=np.zeros(k, bool),
    )
    both = {key: np.concatenate([getattr(firms, key), value]) for key, value in spare.items()}
    # Each bloc's own rows, then its spare ones: a stable sort by bloc (the own rows come first and are grouped).
    order = np.argsort(both["bloc"], kind="stable")
    return FirmArrays(**{key: value[order] for key, value in both.items()})


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


def _young(model) -> np.ndarray:
    """[bloc] its seed-B firms."""
    f = model.firms
    return np.bincount(f.bloc[f.alive & (f.stage <= Stage.B)], minlength=model.n_blocs).astype(float)


def money_per_young(model, programme_eur_m: np.ndarray) -> np.ndarray:
    """[bloc] the early-stage money a young firm can expect: its bloc's funds' dry powder for seed and A rounds
    (each fund's capital times its type's preference for those stages) plus this quarter's public start-up money,
    per seed-B firm. The funds' money is supply, not what rounds raised: fewer young firms leave more for each."""
    inv, mk = model.investors, model.investment_market
    prefs = mk.prefs / np.maximum(mk.prefs.sum(axis=1, keepdims=True), 1e-12)
    early_share = prefs[:, Stage.SEED] + prefs[:, Stage.A]
    supply = np.bincount(inv.bloc, weights=inv.capital * early_share[inv.type], minlength=model.n_blocs)
    return (supply + programme_eur_m) / np.maximum(_young(model), 1)


def reference(model) -> tuple[np.ndarray, np.ndarray]:
    """([bloc] the money a young firm can expect at set-up, [bloc] its young firms then): the rate's 2017 terms."""
    return np.maximum(money_per_young(model, np.zeros(model.n_blocs)), 1e-12), _young(model)


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
