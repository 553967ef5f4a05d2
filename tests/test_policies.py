"""Each lever family sets the levers it names, and only those (one test per family)."""

import numpy as np

from sim.levers import SCOPES, Levers
from sim.policies import FAMILIES

BLOCS = ["EU", "CN", "US"]
EU, CN, US = 0, 1, 2


def apply(family, **fields):
    lv = Levers(len(BLOCS))
    FAMILIES[family].apply(lv, FAMILIES[family].Measure(**fields), BLOCS, "test")
    return lv


def test_export_controls_set_each_scope_and_evasion_for_issuer_and_target():
    lv = apply("export_controls", issuer="US", target="CN", scope=["chips", "tools"], stringency=0.8, evasion=0.25)
    assert lv.export[SCOPES.index("chips"), US, CN] == 0.8 and lv.export[SCOPES.index("tools"), US, CN] == 0.8
    assert lv.export[SCOPES.index("models"), US, CN] == 0.0 and lv.export.sum() == 1.6
    assert np.isclose(lv.effective_export("chips")[US, CN], 0.8 * 0.75)


def test_research_security_toward_all_partners_leaves_unset_levers_alone():
    lv = apply("research_security", bloc="EU", partner="all", screening=0.5, ban_military=1.0)
    assert lv.screening[EU, CN] == lv.screening[EU, US] == 0.5 and lv.screening[EU, EU] == 0
    assert lv.ban_military[EU, CN] == 1.0 and lv.mobility.sum() == 0 and lv.personnel.sum() == 0


def test_investment_screening_inbound_outbound_and_threshold():
    lv = apply("investment_screening", bloc="US", partner="CN", inbound=0.3, outbound=0.6, threshold_eur_m=5)
    assert lv.inbound[US, CN] == 0.3 and lv.outbound[US, CN] == 0.6 and lv.threshold_eur_m[US] == 5
    assert lv.inbound[US, EU] == 0


def test_investai_programme_pays_evenly_and_a_same_named_one_replaces_it():
    lv = apply("investai", bloc="EU", budget_eur_bn=200, years=5)
    prog = lv.programmes["InvestAI"]
    assert prog.quarters_left == 20 and np.isclose(prog.quarterly_eur_bn, 10.0)
    FAMILIES["investai"].apply(lv, FAMILIES["investai"].Measure(budget_eur_bn=100, years=5), BLOCS, "t")
    assert len(lv.programmes) == 1 and np.isclose(lv.programmes["InvestAI"].quarterly_eur_bn, 5.0)


def test_regulation_sets_cost_and_strictness_of_one_regime():
    lv = apply("regulation", bloc="EU", compliance_cost=0.05, strictness=0.9)
    assert lv.compliance_cost.tolist() == [0.05, 0, 0] and lv.strictness.tolist() == [0.9, 0, 0]


def test_standards_agreements_join_and_withdraw():
    lv = apply("standards_agreements", name="paris", parties=["EU", "CN", "US"], depth=0.4)
    assert lv.agreement_depth()[EU, US] == 0.4 and lv.agreement_depth()[EU, EU] == 0
    FAMILIES["standards_agreements"].apply(
        lv, FAMILIES["standards_agreements"].Measure(name="paris", parties=["US"], action="withdraw"), BLOCS, "t"
    )
    depth = lv.agreement_depth()
    assert depth[EU, CN] == 0.4 and depth[EU, US] == 0 and depth[CN, US] == 0


def test_shocks_set_global_mobility_and_productivity():
    lv = apply("shocks", mobility=0.6, productivity=0.1)
    assert lv.shock_mobility == 0.6 and lv.shock_productivity == 0.1


def test_every_slider_puts_in_force_the_value_it_then_reads():
    """A family's slider and its measure agree: moving a slider to x reads back x (budget: x EUR bn a year)."""
    from sim.app.levers_ui import sliders
    from sim.scenario import parse_measures

    for s in sliders():
        for x in (s.lo + (s.hi - s.lo) * 0.3, s.hi):
            lv = Levers(len(BLOCS))
            for m in parse_measures(s.family, s.values("US", "CN", x), BLOCS, s.family):
                FAMILIES[s.family].apply(lv, m, BLOCS, s.family)
            assert np.isclose(s.read(lv, US, CN, "US", "CN"), x), (s.family, s.label, x)
