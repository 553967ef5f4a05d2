"""Actors are Mesa agents that carry their state through their row in their kind's arrays."""

import mesa
import pytest
from conftest import _run, fast, run

import sim.agents
from sim.agents import Bloc, Firm, Institution, Investor
from sim.catalogue import STAGES


def test_each_kind_is_an_agentset_matching_its_arrays(classroom):
    m = classroom
    assert isinstance(m, mesa.Model)
    assert len(m.agents_by_type[Institution]) == len(m.inst)
    assert len(m.agents_by_type[Firm]) == len(m.firms)
    assert len(m.agents_by_type[Investor]) == len(m.investors)
    assert [b.code for b in m.agents_by_type[Bloc]] == ["EU", "CN", "US"]
    us = m.agents_by_type[Bloc][2]
    assert us.levers["CN"]["export_chips"] == m.levers.export[0, 2, 1] > 0.5


def test_agents_read_their_own_row(classroom):
    firm = classroom.agents_by_type[Firm][5]
    assert firm.capital == classroom.firms.capital[firm.row]
    assert firm.stage in STAGES and firm.bloc in classroom.blocs and firm.bloc in firm.standards
    inst = classroom.agents_by_type[Institution][0]
    assert abs(sum(inst.field_mix.values()) - 1) < 1e-9 and inst.risk in ("none", "military", "security")
    cn = [i for i in classroom.agents_by_type[Institution] if i.bloc == "CN"]
    assert {i.risk for i in cn} >= {"none", "military"}


def test_agent_counts_grow_linearly_with_scale():
    small, large = run("seed=0", "end=2017Q1", "scale.factor=0.1"), run("seed=0", "end=2017Q1", "scale.factor=0.4")
    ratio = len(large.firms) / len(small.firms)
    assert 3.5 < ratio < 4.5


def test_realistic_scale_has_the_sources_magnitudes():
    m = run("seed=0", "end=2017Q1", scale="realistic")
    firms_by_bloc = {b: int((m.firms.bloc == i).sum()) for i, b in enumerate(m.blocs)}
    assert 3500 <= firms_by_bloc["EU"] <= 4100 and 1100 <= firms_by_bloc["CN"] <= 1300
    de = m.countries.index("DE")
    assert 450 <= int((m.inst.country == de).sum()) <= 600


@pytest.mark.parametrize("fast_path", [True, False], ids=["mesa-3.3-registries", "other-mesa-fallback"])
def test_rows_added_in_bulk_are_registered_as_mesa_registers_them_one_by_one(fast_path, monkeypatch):
    # on a Mesa whose registries are not 3.3's, add_rows falls back to Mesa's own path: both must agree
    monkeypatch.setattr(sim.agents, "_BULK_REGISTRATION", fast_path and sim.agents._BULK_REGISTRATION)

    def agents(bulk: bool):
        model = mesa.Model(rng=1)
        Bloc(model, 0, "EU", None)
        for kind, n in ((Institution, 5), (Firm, 3), (Investor, 0), (Firm, 2)):  # a kind twice: added to its set
            if bulk:
                kind.add_rows(model, n)
            else:
                for row in range(n):
                    kind(model, row)
        Investor(model, 9)  # one by one after a bulk add: ids and sets carry on
        seen = lambda s: [(type(a).__name__, a.unique_id, getattr(a, "row", None), a.pos) for a in s]  # noqa: E731
        by_type = {k.__name__: seen(v) for k, v in model.agents_by_type.items()}
        return model, seen(model.agents), by_type, seen(model._agents)

    (bulk_model, *bulk), (mesa_model, *one_by_one) = agents(True), agents(False)
    assert bulk == one_by_one
    firm = bulk_model.agents_by_type[Firm][1]
    assert firm.model is bulk_model and firm.row == 1
    firm.remove()  # Mesa's removal finds the bulk-made entries
    assert firm not in bulk_model.agents and firm not in bulk_model.agents_by_type[Firm]
    assert len(bulk_model.agents) == len(mesa_model.agents) - 1


@pytest.mark.parametrize("fast_path", [True, False], ids=["mesa-3.3-registries", "other-mesa-fallback"])
def test_a_released_model_lets_its_agents_go_and_keeps_its_tables(fast_path, monkeypatch):
    import gc
    import weakref

    monkeypatch.setattr(sim.agents, "_BULK_REGISTRATION", fast_path and sim.agents._BULK_REGISTRATION)

    m = _run.__wrapped__(fast(("scale=classroom", "seed=0", "end=2017Q2")))  # its own model: the cached are shared
    firm = weakref.ref(m.agents_by_type[Firm][0])
    rows = len(m.recorder.timeseries())
    gc.disable()  # freed by reference counting alone, not by a later collection
    try:
        m.release()
        assert firm() is None and len(m.agents) == 0
    finally:
        gc.enable()
    assert len(m.recorder.timeseries()) == rows == 2
