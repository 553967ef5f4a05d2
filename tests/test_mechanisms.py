"""Each mechanism does what the brief says it does, seen from the outcomes a user reads."""

import numpy as np
import pandas as pd
import pytest
from conftest import mean_over_seeds, run, timeseries

from sim.mechanisms import compute
from sim.mechanisms.collaboration import effort_by_pair
from sim.mechanisms.sampling import Buckets, poisson_events, search_right, sort_order, sort_unit
from sim.policies import FAMILIES


# --- partner choice ---------------------------------------------------------------------------
def test_bucket_sampling_draws_in_proportion_to_weight_within_the_group():
    rng = np.random.default_rng(0)
    groups = np.array([0, 1, 0, 1, 2, 0])
    weights = np.array([1.0, 1.0, 3.0, 0.0, 5.0, 0.0])
    rows = Buckets(groups, 4).sample(rng, np.zeros(20000, int), weights)
    assert set(rows) == {0, 2} and abs((rows == 2).mean() - 0.75) < 0.02
    assert (Buckets(groups, 4).sample(rng, np.array([3, 1]), weights) == [-1, 1]).all()


# --- compute and export controls ----------------------------------------------------------------
def test_sparse_poisson_events_have_independent_poisson_counts_per_lane():
    rates = np.array([0.0, 0.05, 0.5, 2.0, 0.0, 0.3])
    rng = np.random.default_rng(1)
    counts = np.array([np.bincount(poisson_events(rng, rates), minlength=len(rates)) for _ in range(20_000)])
    assert counts[:, [0, 4]].sum() == 0  # a lane with no rate gets no event
    np.testing.assert_allclose(counts.mean(axis=0), rates, atol=0.03)  # Poisson: mean = rate ...
    np.testing.assert_allclose(counts.var(axis=0), rates, atol=0.06)  # ... = variance
    corr = np.corrcoef(counts[:, 2], counts[:, 3])[0, 1]
    assert abs(corr) < 0.03  # and lanes independent
    assert len(poisson_events(rng, np.zeros(3))) == 0


@pytest.mark.parametrize("n", [0, 1, 7, 500, 6_000, 70_000])
def test_the_fast_sort_of_uniform_numbers_gives_numpys_sort_exactly(n):
    # The sparse Poisson events' lanes depend on the sorted draws: the fast sort must not change a run.
    rng = np.random.default_rng(n)
    values = np.concatenate([rng.random(n), np.zeros(n // 3), np.full(n // 5, np.nextafter(1.0, 0.0))])
    rng.shuffle(values)
    assert np.array_equal(sort_unit(values), np.sort(values))
    scaled = values * 1234.5
    assert np.array_equal(scaled[sort_order(scaled)], np.sort(scaled))


@pytest.mark.parametrize("n", [1, 5, 300, 14_000])
def test_the_guide_table_search_finds_numpys_position_exactly(n):
    # Home co-authors are drawn by this search: any difference from np.searchsorted would change a run.
    rng = np.random.default_rng(n)
    weights = rng.lognormal(0.0, 2.0, n) * (rng.random(n) < 0.8)  # heavy tail, zero-weight entries (ties)
    weights[: n // 3] *= 1e-6  # a crowded stretch: many entries in one cell
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    u = np.concatenate([rng.random(3 * n) * cum[-1], cum, [0.0, cum[-1], np.nextafter(cum[-1], np.inf)]])
    assert np.array_equal(search_right(cum, u), np.searchsorted(cum, u, side="right"))
    assert np.array_equal(search_right(np.zeros(4), u[:5]), np.searchsorted(np.zeros(4), u[:5], side="right"))


def test_chip_controls_cut_the_targets_access_and_evasion_restores_part_of_it():
    model = run("seed=0", "end=2017Q2")
    cn, us = model.blocs.index("CN"), model.blocs.index("US")
    model.levers.export[:, us, cn] = 0.0
    compute.update_access(model)
    free = model.bloc_state.compute_access[cn]
    model.levers.export[0, us, cn], model.levers.evasion[us, cn] = 1.0, 0.0
    compute.update_access(model)
    cut = model.bloc_state.compute_access[cn]
    model.levers.evasion[us, cn] = 0.5
    compute.update_access(model)
    leaky = model.bloc_state.compute_access[cn]
    assert cut < leaky < free and model.bloc_state.compute_access[us] == 1.0


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_tool_controls_slow_domestic_substitution():
    tools = ("policies.export_controls.scope=[tools]", "policies.export_controls.issuer=all")
    with_tools = mean_over_seeds("chip_capacity_CN", range(2030, 2033), *tools, "policies.export_controls.stringency=1")
    without = mean_over_seeds("chip_capacity_CN", range(2030, 2033), *tools, "policies.export_controls.stringency=0")
    assert with_tools < without


# --- collaboration ------------------------------------------------------------------------------
def test_ties_are_heavy_tailed_few_institutions_write_most_joint_papers():
    inst = run("seed=0", "scale.factor=0.3").recorder.institutions(run("seed=0", "scale.factor=0.3"))
    eu = np.sort(inst.loc[inst["bloc"] == "EU", "papers_with_CN"].to_numpy())[::-1]
    top_decile = eu[: len(eu) // 10].sum() / eu.sum()
    assert top_decile > 0.4 and np.median(eu) < eu.mean()


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_pandemic_style_shock_cuts_joint_papers_while_it_lasts():
    shock = ("policies.start=2026Q1", "policies.shocks.mobility=0.9", "policies.shocks.productivity=0.3")
    assert mean_over_seeds("papers_CN_EU", [2026], *shock) < mean_over_seeds("papers_CN_EU", [2026])


def test_international_papers_are_cited_more_than_home_papers():
    ts = timeseries("seed=0", "end=2022Q4")
    assert ts["citation_CN_EU"].mean() > ts["citation_EU_domestic"].mean()


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_personnel_screening_and_mobility_restrictions_cut_new_ties():
    base = ("policies.research_security.bloc=EU", "policies.research_security.partner=CN")
    cut = mean_over_seeds(
        "ties_CN_EU",
        range(2028, 2031),
        *base,
        "policies.research_security.personnel=1",
        "policies.research_security.mobility=0.9",
    )
    assert cut < 0.8 * mean_over_seeds("ties_CN_EU", range(2028, 2031))


# --- investment ---------------------------------------------------------------------------------
@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_outbound_screening_cuts_deals_out_of_the_screening_bloc():
    base = (
        "policies.investment_screening.bloc=US",
        "policies.investment_screening.partner=CN",
        "policies.investment_screening.threshold_eur_m=0",
    )
    assert mean_over_seeds(
        "deals_US_to_CN", range(2026, 2031), *base, "policies.investment_screening.outbound=1"
    ) < mean_over_seeds("deals_US_to_CN", range(2026, 2031), *base, "policies.investment_screening.outbound=0")


def test_screened_deals_are_recorded_as_reviewed_and_some_blocked():
    model = run("seed=0", "scale.factor=0.3", "end=2024Q4")
    deals = model.recorder.deals(model)
    cn_into_eu = deals[(deals["investor_bloc"] == "CN") & (deals["target_bloc"] == "EU") & (deals["year"] >= 2024)]
    assert cn_into_eu["reviewed"].any()
    assert (deals["amount_eur"][~deals["blocked"]] > 0).all()


def test_redirection_answers_only_to_screening_tightened_since_funds_raised_their_capital():
    # US screening of Chinese capital is in force from 2017: it is in every fund's plans, so turning
    # redirection on changes nothing before the EU's 2020Q4 screening regulation; from then on, tickets
    # planned for EU rounds that the new rule screens out go to other foreign rounds.
    def deals(k):
        model = run("seed=0", "scale.factor=0.3", "end=2022Q4", f"params.investment.candidates_redirect={k}")
        return model.recorder.deals(model)

    on, off = deals(6), deals(0)
    before = lambda d: d[d["period"] < "2020Q4"].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(before(on), before(off))
    assert not on.equals(off)


def test_a_capped_redirect_pays_at_most_the_displaced_ticket():
    # Up to the first quarter a capped redirect binds (after the EU's 2020Q4 screening regulation), the runs with
    # and without the cap are the same; in that quarter the same funds pick the same rounds (seats do not depend
    # on what is paid), and a redirected fund pays at most the ticket of the round it was displaced from.
    def deals(cap):
        # to 2024Q4: with session 16's collaboration defaults the cap first binds after 2022 in this run
        model = run("seed=0", "scale.factor=0.3", "end=2024Q4", f"params.investment.redirect_cap={cap}")
        return model.recorder.deals(model).sort_values(["period", "round_id", "investor_id"], kind="stable")

    on, off = deals(True), deals(False)
    per = lambda d, q: d[d["period"] == q].reset_index(drop=True)  # noqa: E731
    first = next(q for q in sorted(set(off["period"])) if not per(on, q).equals(per(off, q)))
    assert first >= "2020Q4"
    a, b = per(on, first), per(off, first)
    keys = ["round_id", "investor_id", "blocked"]
    pd.testing.assert_frame_equal(a[keys], b[keys])
    assert (a["amount_eur"] <= b["amount_eur"] + 1e-6).all()
    assert (a["amount_eur"] < b["amount_eur"] - 1e-6).any()


def test_us_funds_choose_china_teams_and_outbound_rules_close_some():
    from sim.compose import compose_config
    from sim.mechanisms.investment.vehicles import _choose_vehicles
    from sim.run import build_model

    model = build_model(compose_config(["scale.factor=0.5", "seed=0"]))
    inv = model.investors
    us, cn = model.blocs.index("US"), model.blocs.index("CN")
    china_team = (inv.bloc == us) & (inv.deal_flow == cn)
    assert 0 < china_team.sum() < 0.2 * (inv.bloc == us).sum()  # a few US funds, by their own choice
    assert (inv.deal_flow[inv.bloc != us] == inv.bloc[inv.bloc != us]).all()
    model.levers.outbound[us, cn] = 1.0
    _choose_vehicles(model)
    assert ((inv.bloc == us) & (inv.deal_flow == cn)).sum() < china_team.sum()


def test_an_unknown_dollar_fund_type_is_refused_in_one_line():
    from sim.compose import compose_config
    from sim.errors import ConfigError
    from sim.run import build_model

    with pytest.raises(ConfigError, match="dollar_fund_types: unknown type 'bogus'"):
        build_model(compose_config(["scale.factor=0.04", "params.investment.dollar_fund_types=[venture,bogus]"]))


def test_the_private_pipeline_is_refilled_when_firms_are_sold_or_fail():
    """With trade_sale_entry (the default), trade and distress sales free their rows for seed-stage entrants, as
    failures do: by 2030 every bloc keeps an eighth of its 2017 seed and A firms (18-37% at seed 0; without it sold
    firms stay, as listed, and 2-4% are left), and a sold firm's knowledge goes to a listed firm of its bloc."""
    from sim.catalogue import Stage
    from sim.compose import compose_config
    from sim.mechanisms.investment.turnover import _absorb
    from sim.run import build_model

    model = build_model(compose_config(["scale.factor=0.2", "seed=0", "end=2030Q4"]))
    f = model.firms
    young0 = np.bincount(f.bloc[f.stage <= Stage.A], minlength=model.n_blocs)
    model.run()
    young = np.bincount(f.bloc[f.stage <= Stage.A], minlength=model.n_blocs)
    assert (young >= young0 / 8).all(), (young0, young)

    sold = np.flatnonzero((f.stage >= Stage.B) & (f.stage < Stage.LISTED))[:50]
    f.knowledge[sold] = 1e6  # far above every listed firm's
    listed_before = f.knowledge[f.stage == Stage.LISTED].copy()
    _absorb(model, sold)
    gained = f.knowledge[f.stage == Stage.LISTED] > listed_before
    assert 0 < gained.sum() <= len(sold)
    assert (f.knowledge[f.stage == Stage.LISTED][gained] == 1e6).all()


def test_the_timeseries_shows_the_start_up_pipeline():
    """firms_private_<bloc> is the bloc's unlisted firms at the quarter's end (scaled); firms_founded_<bloc> the
    entrants of the quarter, one per failed or sold firm, of which firms_acquired_<bloc> were sold."""
    from sim.catalogue import Stage
    from sim.compose import compose_config
    from sim.run import build_model

    model = build_model(compose_config(["scale.factor=0.2", "seed=0", "end=2019Q4"]))
    model.run()
    ts, f, up = model.recorder.timeseries(), model.firms, 1 / 0.2
    for b, code in enumerate(model.blocs):
        assert ts[f"firms_private_{code}"].iloc[-1] == pytest.approx(
            np.sum((f.bloc == b) & (f.stage < Stage.LISTED)) * up
        )
        founded, acquired = ts[f"firms_founded_{code}"], ts[f"firms_acquired_{code}"]
        assert (acquired <= founded).all() and acquired.sum() > 0 and founded.sum() > acquired.sum()


def test_a_firm_sold_where_no_firm_is_listed_leaves_with_its_capital():
    """A bloc without a listed firm has no acquirer (tiny scales): the sale records no acquisition and changes no
    other firm's capital."""
    from sim.catalogue import Stage
    from sim.compose import compose_config
    from sim.mechanisms.investment.turnover import _absorb
    from sim.run import build_model

    model = build_model(compose_config(["scale.factor=0.05", "seed=0"]))
    f = model.firms
    f.stage[f.stage == Stage.LISTED] = Stage.E
    capital = f.capital.copy()
    deals = _absorb(model, np.flatnonzero(f.stage == Stage.B)[:3])
    assert deals.shape == (0, 2)
    assert (f.capital == capital).all()


def test_a_sold_start_ups_research_ties_go_to_its_acquirer():
    """A start-up bought by a listed firm brings its co-authors abroad along: after the takeover the sold row (now
    an entrant) has no ties, the acquirer holds every pair the sold firm had, each pair is tied once, and the degree
    counts, keys and risk codes agree with the ends."""
    from sim.catalogue import RISKS, Stage
    from sim.compose import compose_config
    from sim.mechanisms.collaboration.takeover import _take_over
    from sim.run import build_model

    model = build_model(compose_config(["scale.factor=0.2", "seed=0", "end=2019Q4"]))
    model.run()
    ties, au, f = model.network.ties, model.network.authors, model.firms
    tied = np.flatnonzero(ties.degree_all[au.n_inst :] > 0)
    sold = tied[(f.stage[tied] >= Stage.B) & (f.stage[tied] < Stage.LISTED)][:5]
    assert len(sold) >= 2, "too few start-ups with foreign ties to test"
    listed = np.flatnonzero(f.stage == Stage.LISTED)
    acquirer = np.array([listed[f.bloc[listed] == f.bloc[s]][0] for s in sold])  # one buyer for several
    rows = au.n_inst + sold

    def partners(row):
        return set(ties.b[ties.a == row]) | set(ties.a[ties.b == row])

    expected = {r: partners(au.n_inst + r) for r in set(acquirer)}
    for s, r in zip(sold, acquirer):
        expected[r] |= partners(au.n_inst + s)
    model.flows.acquisitions = np.column_stack([sold, acquirer])
    _take_over(model)

    assert (ties.degree_all[rows] == 0).all()
    for r, want in expected.items():
        assert partners(au.n_inst + r) == want
    n = len(au)
    assert len(np.unique(ties.key)) == len(ties.key)
    assert (ties.key == np.minimum(ties.a, ties.b) * n + np.maximum(ties.a, ties.b)).all()
    assert (ties.codes == au.code[ties.a] * (model.n_blocs * len(RISKS)) + au.code[ties.b]).all()
    assert (np.bincount(np.concatenate([ties.a, ties.b]), minlength=n) == ties.degree_all).all()


# --- standards ----------------------------------------------------------------------------------
@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_costly_regime_attracts_fewer_foreign_firms():
    costly = ("policies.regulation.bloc=EU", "policies.regulation.compliance_cost=0.5")
    years = range(2028, 2031)
    assert mean_over_seeds("cross_compliance_US_with_EU", years, *costly) < mean_over_seeds(
        "cross_compliance_US_with_EU", years
    )


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_diverging_strictness_lowers_alignment():
    years = range(2029, 2032)
    close = mean_over_seeds(
        "alignment_EU_US", years, "policies.regulation.bloc=US", "policies.regulation.strictness=0.85"
    )
    far = mean_over_seeds("alignment_EU_US", years, "policies.regulation.bloc=US", "policies.regulation.strictness=0.0")
    assert far < close


# --- capability ---------------------------------------------------------------------------------
@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_compliance_costs_slow_capability_growth():
    costly = ("policies.regulation.bloc=CN", "policies.regulation.compliance_cost=0.4")
    assert mean_over_seeds("capability_CN", range(2030, 2033), *costly) < mean_over_seeds(
        "capability_CN", range(2030, 2033)
    )


def _research_level_after(change):
    """Each bloc's research capacity level after the first quarter fixes the 2017 inputs, `change` moves some
    input, and capacity takes eight more quarterly steps towards what the inputs sustain."""
    from sim.compose import compose_config
    from sim.mechanisms import capability
    from sim.run import build_model

    model = build_model(compose_config(["scale=classroom", "seed=0", "end=2017Q4"]))
    model.step()
    before = model.bloc_state.research_level.copy()
    change(model)
    for _ in range(8):
        capability.grow_research(model)
    return model.bloc_state.research_level / before, model.blocs.index("CN")


def test_research_capacity_stays_put_while_its_inputs_do_not_move():
    level, _ = _research_level_after(lambda m: None)
    np.testing.assert_allclose(level, 1.0, atol=0.01)  # no bloc has a growth rate of its own


def test_research_capacity_follows_funding_compute_and_talent():
    def fund(m):
        m.bloc_specs["CN"].public_ai_budget_eur_bn *= 2

    def cut(m):
        m.bloc_state.compute_access[m.blocs.index("CN")] *= 0.5

    def talent(m):
        m.bloc_state.talent_inflow[m.blocs.index("CN")] = 0.2

    for change, direction in ((fund, 1), (cut, -1), (talent, 1)):
        level, cn = _research_level_after(change)
        assert direction * (level[cn] - 1) > 0.02, change.__name__
        others = np.delete(level, cn)
        np.testing.assert_allclose(others, 1.0, atol=0.01)  # only the bloc whose input moved


# --- behavioural rules --------------------------------------------------------------------------
def _scenario(tmp_path, behaviour):
    path = tmp_path / "rules.yaml"
    path.write_text(f"extends: baseline\nbehaviour: {behaviour}\n")
    return f"scenario={path}"


def test_blocs_join_agreements_when_influence_outweighs_values_distance(tmp_path):
    model = run(_scenario(tmp_path, "{join_agreements: true}"), "seed=0", "params.behaviour.values_weight=0.0")
    assert any(name.startswith("auto_") for name in model.levers.agreements)


# --- injected measures (what the app and events use) --------------------------------------------
def test_measure_injected_mid_run_takes_effect_from_the_next_step():
    from sim.compose import compose_config
    from sim.run import build_model

    model = build_model(compose_config(["scale=classroom", "scale.factor=0.04", "seed=0", "end=2026Q4"]))
    while model.period != "2025Q1":
        model.step()
    measure = FAMILIES["export_controls"].Measure(
        issuer="US", target="CN", scope=["chips"], stringency=1.0, evasion=0.0
    )
    model.apply_measure("export_controls", measure)
    model.step()
    ts = pd.DataFrame(model.recorder.rows)
    assert ts["lever_export_chips_US_to_CN"].iloc[-1] == 1.0
    assert ts["compute_access_CN"].iloc[-1] < ts["compute_access_CN"].iloc[-2]


def test_closing_a_lane_sends_its_collaboration_effort_to_the_other_lanes():
    package = (
        "policies.research_security.bloc=US",
        "policies.research_security.partner=CN",
        "policies.research_security.ban_military=1.0",
        "policies.research_security.personnel=0.8",
        "policies.research_security.mobility=0.8",
    )
    base, strict = run("seed=0", "end=2025Q1"), run("seed=0", "end=2025Q1", *package)
    eu, cn, us = (base.blocs.index(b) for b in ("EU", "CN", "US"))
    before, after = effort_by_pair(base), effort_by_pair(strict)
    assert after[cn, us] < 0.5 * before[cn, us] and after[us, cn] < 0.5 * before[us, cn]
    assert after[cn, eu] > before[cn, eu]  # Chinese authors turn to Europe
    assert after[us, eu] > before[us, eu]  # and US authors too


# --- mobility: researchers as people --------------------------------------------------------------
US_VISA_ON_CN = (
    "policies.research_security.bloc=US",
    "policies.research_security.partner=CN",
    "policies.research_security.mobility=0.8",
)


def test_a_us_visa_restriction_keeps_chinese_researchers_out_and_sends_some_home():
    # Mobility draws no random numbers: one classroom seed is a paired, noise-free comparison of the people.
    base = timeseries("seed=0", "end=2028Q4")
    strict = timeseries("seed=0", "end=2028Q4", *US_VISA_ON_CN)
    later = base["year"].between(2026, 2028)
    assert strict.loc[later, "mobility_CN_to_US"].mean() < 0.5 * base.loc[later, "mobility_CN_to_US"].mean()
    assert strict.loc[later, "researchers_CN_in_US"].mean() < base.loc[later, "researchers_CN_in_US"].mean()
    soon = base["year"] == 2025
    assert strict.loc[soon, "mobility_US_to_CN"].mean() > base.loc[soon, "mobility_US_to_CN"].mean()
    assert strict.loc[later, "mobility_CN_to_EU"].mean() > base.loc[later, "mobility_CN_to_EU"].mean()


US_ENTRY_BAN_ON_EU = (
    "policies.entry_bans.bloc=US",
    "policies.entry_bans.partner=EU",
    "policies.entry_bans.stringency=1.0",
)
US_VISA_ON_EU = (
    "policies.research_security.bloc=US",
    "policies.research_security.partner=EU",
    "policies.research_security.mobility=1.0",
)


def test_an_entry_ban_stops_moves_from_the_banned_bloc_but_sends_nobody_home():
    # By where one comes from, not by origin: unlike a visa restriction it pushes no one already there to leave.
    base = timeseries("seed=0", "end=2028Q4")  # the visa test's run (cached)
    banned = timeseries("seed=0", "end=2026Q4", *US_ENTRY_BAN_ON_EU)  # from policies.start (2025Q1)
    visa = timeseries("seed=0", "end=2026Q4", *US_VISA_ON_EU)
    base, banned, visa = (ts[ts["year"].between(2025, 2026)] for ts in (base, banned, visa))
    assert banned["mobility_EU_to_US"].max() < 1e-9 < base["mobility_EU_to_US"].mean()
    assert banned["mobility_CN_to_US"].mean() > 0.9 * base["mobility_CN_to_US"].mean()
    # Leaving the US for Europe: fewer (fewer Europeans arrive to go back later), not more as a visa
    # restriction's push on the Europeans in the US makes it.
    home = base["mobility_US_to_EU"].mean()
    assert banned["mobility_US_to_EU"].mean() <= home < 0.8 * visa["mobility_US_to_EU"].mean()


def test_an_entry_ban_sends_collaboration_effort_to_the_lanes_still_open():
    base, banned = run("seed=0", "end=2025Q1"), run("seed=0", "end=2025Q1", *US_ENTRY_BAN_ON_EU)
    eu, cn, us = (base.blocs.index(b) for b in ("EU", "CN", "US"))
    before, after = effort_by_pair(base), effort_by_pair(banned)
    assert after[us, eu] < 0.8 * before[us, eu] and after[eu, us] < 0.8 * before[eu, us]  # a visit either way
    assert after[us, cn] > before[us, cn] and after[eu, cn] > before[eu, cn]


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_an_entry_ban_cuts_the_ties_formed_more_than_the_effort_it_moves():
    # Of the effort still sent, the barred visits start no ties (effort alone falls by about a quarter).
    ties = mean_over_seeds("ties_EU_US", [2026], "end=2026Q4", *US_ENTRY_BAN_ON_EU)
    assert ties < 0.8 * mean_over_seeds("ties_EU_US", [2026], "end=2026Q4")


def test_an_entry_ban_adds_nothing_while_travel_has_stopped_everywhere():
    from sim.mechanisms.mobility import travel_cut

    model = run("seed=0", "end=2017Q2")
    lv, share = model.levers, model.params.mobility.visit_share
    lv.entry_ban[2, 0] = 1.0
    lv.shock_mobility = 0.0
    assert travel_cut(model)[0, 2] == travel_cut(model)[2, 0] == pytest.approx(share)
    assert travel_cut(model)[0, 1] == 0.0
    lv.shock_mobility = share  # the pandemic's shock already stops the visits the ban would
    assert np.allclose(travel_cut(model), 0.0)
    lv.shock_mobility = share / 2
    assert travel_cut(model)[0, 2] == pytest.approx(1 - (1 - share) / (1 - share / 2))


def test_people_who_leave_take_ties_with_them_years_later():
    # The people's gain of US institutions' ties with China falls as the Chinese-born and alumni thin out.
    from sim.mechanisms.mobility import _gain

    def us_gain(model):
        us, cn = model.blocs.index("US"), model.blocs.index("CN")
        rows = np.flatnonzero(model.inst.bloc == us)
        return _gain(model, model.people.researchers.sum(axis=0))[rows, cn].mean()

    assert us_gain(run("seed=0", "end=2030Q4", *US_VISA_ON_CN)) < us_gain(run("seed=0", "end=2030Q4")) - 0.05


def test_home_coauthors_credit_more_institutions_and_leave_every_paper_count_as_it_was():
    # A paper's further home institutions (C9: 527 German institutions with Chinese co-authors) are counted
    # only at the institution level: bloc and country paper counts, and every other draw, stay the same.
    off = run("seed=0", "end=2022Q4", "params.collaboration.home_coauthors=0")
    on = run("seed=0", "end=2022Q4")
    pd.testing.assert_frame_equal(off.recorder.timeseries(), on.recorder.timeseries())
    a, b = off.recorder.institutions(off), on.recorder.institutions(on)
    assert (b["papers_with_CN"] >= a["papers_with_CN"]).all()  # credits add to a tie's own papers
    assert (a.loc[a["occasional"], "papers_with_CN"] == 0).all()  # occasional publishers start no ties ...
    occasional_de = b[b["occasional"] & (b["country"] == "DE")]
    assert (occasional_de["papers_with_CN"] > 0).any()  # ... and appear only as home co-authors

    def german_with_cn(inst):
        return inst.loc[(inst["country"] == "DE") & (inst["papers_with_CN"] > 0), "stands_for"].sum()

    assert german_with_cn(b) > 1.5 * german_with_cn(a)


def test_the_institutions_table_counts_real_institutions_with_partners_and_their_people():
    model = run("seed=0", "end=2022Q4")
    inst = model.recorder.institutions(model)
    de_with_cn = inst[(inst["country"] == "DE") & (inst["papers_with_CN"] > 0)]
    assert de_with_cn["stands_for"].sum() == pytest.approx(len(de_with_cn) / model.scale)
    by_origin = inst[[f"researchers_from_{b}" for b in model.blocs]].sum(axis=1)
    np.testing.assert_allclose(by_origin, inst["researchers"])
    us = inst[(inst["bloc"] == "US") & ~inst["occasional"]]
    assert (us["researchers_from_CN"] > 0).all() and (us["alumni_of_US"] == 0).all()
