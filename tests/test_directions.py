"""FACTS.md 'Directions every policy lever must move': same seeds, one lever changed."""

from conftest import mean_over_seeds

LATE = range(2028, 2031)


def test_tighter_us_export_controls_cut_china_compute_slow_capability_and_raise_chip_capacity():
    loose = "policies.export_controls.stringency=0.2"
    tight = "policies.export_controls.stringency=1.0"
    scope = "policies.export_controls.scope=[chips,tools]"
    assert mean_over_seeds("compute_access_CN", range(2025, 2027), tight, scope) < mean_over_seeds(
        "compute_access_CN", range(2025, 2027), loose, scope
    )
    assert mean_over_seeds("capability_CN", LATE, tight, scope) < mean_over_seeds("capability_CN", LATE, loose, scope)
    assert mean_over_seeds("chip_investment_eur_bn_CN", range(2025, 2028), tight, scope) > mean_over_seeds(
        "chip_investment_eur_bn_CN", range(2025, 2028), loose, scope
    )
    # Substitution builds up over years: capacity rises later, not at once.
    assert mean_over_seeds(
        "chip_capacity_CN", LATE, "policies.export_controls.stringency=1.0", "policies.export_controls.scope=[chips]"
    ) > mean_over_seeds(
        "chip_capacity_CN", LATE, "policies.export_controls.stringency=0.2", "policies.export_controls.scope=[chips]"
    )


def test_stricter_eu_research_security_means_fewer_eu_cn_papers_and_less_military_exposure():
    base = ("policies.research_security.bloc=EU", "policies.research_security.partner=CN")
    strict = base + ("policies.research_security.screening=0.8", "policies.research_security.ban_military=1.0")
    lax = base + ("policies.research_security.screening=0.0", "policies.research_security.ban_military=0.0")
    assert mean_over_seeds("papers_CN_EU", LATE, *strict) < mean_over_seeds("papers_CN_EU", LATE, *lax)
    assert mean_over_seeds("share_CN_EU_military_linked", LATE, *strict) < mean_over_seeds(
        "share_CN_EU_military_linked", LATE, *lax
    )


def test_stricter_inbound_screening_means_fewer_foreign_deals_into_the_bloc():
    base = (
        "policies.investment_screening.bloc=EU",
        "policies.investment_screening.partner=all",
        "policies.investment_screening.threshold_eur_m=0",
    )
    strict = mean_over_seeds("deals_US_to_EU", LATE, *base, "policies.investment_screening.inbound=1.0")
    open_ = mean_over_seeds("deals_US_to_EU", LATE, *base, "policies.investment_screening.inbound=0.0")
    assert strict < open_


def test_larger_investai_budget_raises_eu_capability_and_narrows_the_eu_us_gap():
    small = "policies.investai.budget_eur_bn=0"
    large = "policies.investai.budget_eur_bn=400"
    assert mean_over_seeds("capability_EU", LATE, large) > mean_over_seeds("capability_EU", LATE, small)
    # gap_EU_US = capability_EU - capability_US: closer to zero is a smaller gap.
    assert mean_over_seeds("gap_EU_US", LATE, large) > mean_over_seeds("gap_EU_US", LATE, small)


def test_standards_agreement_raises_alignment_and_cross_compliance():
    # From 2019, while compliance with the US regime is still spreading among EU firms (0.7 in 2020):
    # by the late 2020s it is near 1 with or without an agreement, and the difference is seed noise.
    agree = (
        "policies.standards_agreements.name=test",
        "policies.standards_agreements.parties=[EU,US]",
        "policies.standards_agreements.depth=0.9",
        "policies.start=2019Q1",
    )
    years = range(2020, 2025)
    assert mean_over_seeds("alignment_EU_US", years, *agree) > mean_over_seeds("alignment_EU_US", years)
    assert mean_over_seeds("cross_compliance_EU_with_US", years, *agree) > mean_over_seeds(
        "cross_compliance_EU_with_US", years
    )


def test_stricter_eu_screening_of_chinese_capital_means_fewer_chinese_deals_in_europe():
    # Diversion to the US (FACTS "Diversion") is reported by `python -m sim.validate`, not asserted here:
    # at the current calibration it holds in only about half of paired seeds (docs/CALIBRATION.md).
    base = (
        "policies.investment_screening.bloc=EU",
        "policies.investment_screening.partner=CN",
        "policies.investment_screening.threshold_eur_m=0",
    )
    years, seeds = range(2025, 2031), (0, 1, 2, 3, 4, 5)
    strict = mean_over_seeds(
        "deals_CN_to_EU", years, *base, "policies.investment_screening.inbound=1.0", seeds=seeds, factor=0.5
    )
    open_ = mean_over_seeds(
        "deals_CN_to_EU", years, *base, "policies.investment_screening.inbound=0.0", seeds=seeds, factor=0.5
    )
    assert strict < open_
