"""Founding (sim/mechanisms/investment/founding.py): founders' decisions and the spare rows they take."""

import numpy as np
import pytest

from sim.catalogue import Stage
from sim.compose import compose_config
from sim.run import build_model


def _model(*items, founding="money"):
    return build_model(compose_config(["scale.factor=0.2", "seed=0", f"params.investment.founding={founding}", *items]))


def test_exits_adds_no_rows_and_money_adds_spare_rows_after_each_blocs_own():
    """'exits' (the default) keeps the catalogue's rows; 'money' adds `spare_firms` per firm, none alive, with no
    capital, know-how, regime or company, and the rows stay grouped by bloc (turnover and capability rely on it)."""
    exits, money = _model(founding="exits").firms, _model().firms
    assert exits.alive.all()
    real = money.alive
    assert real.sum() == len(exits) and len(money) == pytest.approx(2.5 * len(exits), rel=0.01)
    assert (np.diff(money.bloc) >= 0).all()
    spare = ~real
    assert (money.capital[spare] == 0).all() and (money.knowledge[spare] == 0).all()
    assert not money.complies[spare].any() and (money.company[spare] == -1).all()
    for b in range(money.complies.shape[1]):  # each bloc's own firms are as in 'exits'
        np.testing.assert_array_equal(money.capital[real & (money.bloc == b)], exits.capital[exits.bloc == b])


def test_spare_rows_raise_publish_and_count_nothing():
    """A spare row opens no round, writes no paper and is not in the pipeline's count; a founded firm has a new
    company id, seed capital and its bloc's entrant know-how; founded firms are what firms_founded counts."""
    model = _model("end=2019Q4")
    seen_spare_deals = 0
    founded_total = np.zeros(model.n_blocs)
    for _ in range(12):
        model.step()
        f, fl = model.firms, model.flows
        ids = fl.deals["company_id"]
        seen_spare_deals += int((ids < 0).sum()) + int((~f.alive[np.isin(f.company, ids)]).sum())
        assert f.alive[fl.founded_firms].all()
        assert (f.stage[fl.founded_firms] == Stage.SEED).all()
        founded_total += np.bincount(f.bloc[fl.founded_firms], minlength=model.n_blocs)
        alive_ids = f.company[f.alive]
        assert len(np.unique(alive_ids)) == len(alive_ids) and (alive_ids >= 0).all()
    assert seen_spare_deals == 0 and founded_total.sum() > 0
    ts, f, up = model.recorder.timeseries(), model.firms, 1 / 0.2
    for b, code in enumerate(model.blocs):
        assert ts[f"firms_private_{code}"].iloc[-1] == pytest.approx(
            np.sum((f.bloc == b) & (f.stage < Stage.LISTED) & f.alive) * up
        )
    reach = model.network.authors.reach[len(model.inst) :]  # this quarter's, from tie formation
    assert (reach[~f.alive] == 0).all() and (reach[f.alive] > 0).any()  # a spare row reaches no partner: no ties


@pytest.mark.slow
def test_start_up_money_founds_start_ups():
    """With 'money', InvestAI's start-up half founds more European firms than the baseline in every seed
    (2026-2030, paired seeds); with 'exits' it founds none more (entry only replaces exits)."""
    from sim.api import run_scenario

    def founded(scenario, seed, mode):
        ts = run_scenario(scenario, seed, "classroom", end="2030Q4", **{"params.investment.founding": mode}).timeseries
        return ts.loc[ts["year"] >= 2026, "firms_founded_EU"].sum()

    for seed in range(3):
        assert founded("investai", seed, "money") > 1.2 * founded("baseline", seed, "money")
        assert founded("investai", seed, "exits") <= 1.05 * founded("baseline", seed, "exits")
