"""The quarter's deals table (`model.flows.deals`): a row per round and foreign investor bloc."""

from __future__ import annotations

import numpy as np


def _record(model, raised, firm, r_stage, ask, seats, round_id, d_round, d_inv, d_paid, b_round, b_inv) -> None:
    """Deals as MERICS counts them: a round with at least one investor from a given foreign bloc.

    A blocked attempt is a deal row too (amount 0) unless investors of that bloc joined the round anyway.
    """
    f, inv, lv, nb = model.firms, model.investors, model.levers, model.n_blocs
    r = np.concatenate([d_round, b_round])
    i = np.concatenate([d_inv, b_inv])
    paid = np.concatenate([d_paid, np.zeros(len(b_round))])
    done = np.concatenate([np.ones(len(d_round), bool), np.zeros(len(b_round), bool)])
    key = r * nb + inv.bloc[i]
    # One row per (round, investor bloc): a done deal's first investor before any blocked attempt.
    order = np.lexsort((~done, key))
    key, r, i, paid, done = key[order], r[order], i[order], paid[order], done[order]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) else np.zeros(0, np.int64)
    amount = np.add.reduceat(paid, first) if len(key) else np.zeros(0)
    r0, i0 = r[first], i[first]
    tb, ib = model.firms.bloc[firm[r0]], inv.bloc[i0]
    big = ask[r0] / seats[r0]
    reviewed = ((lv.inbound[tb, ib] > 0) & (big >= lv.threshold_eur_m[tb])) | (
        (lv.outbound[ib, tb] > 0) & (big >= lv.threshold_eur_m[ib])
    )
    model.flows.deals = dict(
        investor_bloc=ib,
        investor_country=inv.country[i0],
        investor_type=inv.type[i0],
        investor_id=i0,
        target_bloc=tb,
        target_country=f.country[firm[r0]],
        stage=r_stage[r0],
        amount_eur=amount * 1e6,
        reviewed=reviewed | ~done[first],
        blocked=~done[first],
        round_total_eur=raised[r0] * 1e6,
        round_id=round_id[r0],
        company_id=f.company[firm[r0]],
    )
