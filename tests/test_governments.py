"""Governments that respond after the record, and the precedence of explicit settings over their rules."""

import numpy as np
from conftest import run, timeseries

from sim.mechanisms import behaviour

LATER = "2026Q1"


def _scenario(tmp_path, text, name="rules"):
    path = tmp_path / f"{name}.yaml"
    path.write_text("extends: baseline\n" + text)
    return f"scenario={path}"


# A US control step in 2026 that China answers (its retaliation rule fires).
US_STEP = f"timeline:\n  {LATER}:\n    export_controls: {{issuer: US, target: CN, scope: [chips], stringency: 1.0}}\n"


def _after(ts, column, period=LATER):
    return ts.loc[ts["period"] >= period, column]


def test_china_retaliates_with_mineral_controls_and_screening_when_targeted(tmp_path):
    model = run(_scenario(tmp_path, US_STEP), "seed=0")
    ts = model.recorder.timeseries()
    assert _after(ts, "lever_minerals_CN_to_US").min() > 0.4  # above the record's rare-earth controls
    assert _after(ts, "lever_screening_CN_on_US").min() > 0.3
    events = model.governments.table()
    fired = events[(events["rule"] == "retaliation") & (events["kind"] == "fired")]
    assert set(fired["lever"]) >= {"minerals", "screening"} and (fired["period"] >= LATER).all()


def test_a_rule_can_be_turned_off_by_the_scenario(tmp_path):
    ts = timeseries(_scenario(tmp_path, US_STEP + "behaviour: {retaliation: false}\n"), "seed=0")
    assert _after(ts, "lever_minerals_CN_to_US").max() == 0.4  # the record's value, not moved


def test_a_scenario_that_sets_a_lever_after_the_record_keeps_it(tmp_path):
    text = US_STEP + "    investment_screening: {bloc: CN, partner: US, inbound: 0.1}\n"
    model = run(_scenario(tmp_path, text), "seed=0")
    ts = model.recorder.timeseries()
    assert (_after(ts, "lever_inbound_CN_from_US") == 0.1).all()  # the rule would have raised it to 0.6
    assert _after(ts, "lever_minerals_CN_to_US").min() > 0.4  # while it still moved what nobody set
    events = model.governments.table()
    off = events[(events["kind"] == "switched_off") & (events["lever"] == "inbound")]
    assert list(off["rule"]) == ["retaliation"] and off["set_by"].str.contains("investment_screening").all()


def test_a_command_line_override_wins_over_the_rules(tmp_path):
    cli = ("policies.investment_screening.bloc=CN", "policies.investment_screening.partner=US")
    ts = timeseries(_scenario(tmp_path, US_STEP), "seed=0", *cli, "policies.investment_screening.inbound=0.1")
    assert (_after(ts, "lever_inbound_CN_from_US", "2025Q3") == 0.1).all()


def test_the_record_does_not_lock_levers_and_rules_wait_for_its_end():
    model = run("seed=0")
    assert not any(lock.any() for lock in model.governments.locks.values())
    events = model.governments.table()
    assert (events["period"] >= "2025Q3").all()


def test_the_leader_tightens_and_cracks_down_on_evasion_while_the_rival_closes_the_gap():
    model = run("seed=0", "end=2025Q4", "params.behaviour.tighten.gap_threshold=0.3", "params.behaviour.tighten.lag=1")
    model = _fresh(model)
    s, lv = model.bloc_state, model.levers
    us, cn = model.blocs.index("US"), model.blocs.index("CN")
    before = lv.export[0, us, cn], lv.evasion[us, cn]
    s.capability_last_year = s.capability.copy()
    s.capability_last_year[cn] *= 0.5  # China grew fast over the last year: the gap narrows
    behaviour.adapt(model, us)
    assert lv.export[0, us, cn] > before[0] and lv.evasion[us, cn] < before[1]
    assert "tighten_on_gap" in set(model.governments.table()["rule"])


def _fresh(model):
    """A copy of a cached finished model (tests may change it)."""
    import copy

    return copy.deepcopy(model)


def test_the_us_caps_allies_that_do_not_control_china_and_lifts_the_cap_when_they_align(tmp_path):
    low = "params.behaviour.tiering.foreign_threshold=0.05"
    ts = timeseries("seed=0", low)
    assert _after(ts, "lever_export_chips_US_to_EU", "2026Q1").min() == 0.2
    aligned = _scenario(
        tmp_path,
        "timeline:\n  2027Q1:\n    export_controls: {issuer: EU, target: CN, scope: [chips], stringency: 0.6}\n",
    )
    ts = timeseries(aligned, "seed=0", low)
    assert _after(ts, "lever_export_chips_US_to_EU", "2027Q2").max() == 0.0


def test_the_eu_derisks_as_its_research_dependence_on_china_rises():
    # Seed 3: the rule needs the EU-CN share to rise for `lag` quarters in a row, not a particular seed. With
    # researchers as people (s6-people) it fires before 2030 in classroom seeds 3 and 4 (2027Q3, 2028Q3), later
    # in seeds 1 and 2 (2033Q4, 2032Q2) and not by 2035 in seed 0 (on s5-invest: seeds 1 and 2 before 2030).
    ts = timeseries("seed=3", "params.behaviour.derisk.share_threshold=0.0")
    assert _after(ts, "lever_screening_EU_on_CN", "2030Q1").min() > 0.15  # the record's 2023 value
    assert np.isclose(ts.loc[ts["period"] <= "2025Q2", "lever_screening_EU_on_CN"].max(), 0.15)


def test_app_changes_lock_levers_from_the_rules_start_as_their_exported_file_does():
    from sim.app.session import Session
    from sim.policies import FAMILIES

    s = Session("baseline")
    while s.model.period != "2025Q3":
        s.step()
    measure = FAMILIES["investment_screening"].Measure(bloc="CN", partner="US", inbound=0.1)
    s.model.apply_measure("investment_screening", measure, "app.investment_screening")
    cn, us = s.model.blocs.index("CN"), s.model.blocs.index("US")
    assert s.model.governments.locks["inbound"][cn, us]
