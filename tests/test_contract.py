"""The contract between mechanisms (sim/state.py) and their registry (sim/mechanisms) hold.

A newcomer adds a mechanism by registering it and declaring its fields: the model must then
step it in the registry's order and every declared field must be there from set-up on.
"""

import ast
import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from sim import catalogue
from sim.compose import compose_config
from sim.config import ParamsConfig
from sim.mechanisms import SETUP_ORDER, STEP_ORDER
from sim.run import build_model
from sim.state import DEAL_COLUMNS, BlocState, Flows


def _fresh():
    return build_model(compose_config(["scale=classroom", "scale.factor=0.04", "seed=0"]))


def _flows(model) -> dict:
    return {f.name: getattr(model.flows, f.name) for f in dataclasses.fields(Flows)}


def _same(a: dict, b: dict) -> bool:
    for name, x in a.items():
        y = b[name]
        if isinstance(x, dict):
            if x.keys() != y.keys() or not all(np.array_equal(x[k], y[k]) for k in x):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


def test_a_quarter_is_the_registrys_mechanisms_stepped_in_the_registrys_order():
    stepped = _fresh()
    stepped.step()
    by_registry = _fresh()
    for mechanism in STEP_ORDER:
        mechanism.step(by_registry)
    assert _same(_flows(stepped), _flows(by_registry))
    assert np.array_equal(stepped.firms.knowledge, by_registry.firms.knowledge)
    # The comparison can tell orders apart: with two mechanisms swapped the quarter differs (collaboration
    # ends the ties of the firms investment closed this quarter). Mechanisms that share no data within a
    # quarter, such as collaboration and standards, no longer share random numbers either (sim/streams.py).
    swapped = _fresh()
    order = list(STEP_ORDER)
    i, j = [m.name for m in order].index("investment"), [m.name for m in order].index("collaboration")
    order[i], order[j] = order[j], order[i]
    for mechanism in order:
        mechanism.step(swapped)
    assert not _same(_flows(stepped), _flows(swapped))


def test_the_registry_drives_set_up_and_the_params_config_and_agents_import_no_mechanism():
    assert sorted(m.name for m in SETUP_ORDER) == sorted(m.name for m in STEP_ORDER)
    assert len({m.name for m in STEP_ORDER}) == len(STEP_ORDER)
    sections = [f.name for f in dataclasses.fields(ParamsConfig)]
    assert sections == ["population"] + [m.name for m in STEP_ORDER]
    for m in STEP_ORDER:
        assert isinstance(getattr(ParamsConfig(), m.name), m.Params)
    tree = ast.parse((Path(__file__).resolve().parent.parent / "sim" / "agents.py").read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [name for name in imported if "mechanisms" in name]


def test_architecture_doc_lists_the_registrys_set_up_and_step_orders():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "ARCHITECTURE.md").read_text()
    section = doc.split("## The step", 1)[1].split("\n## ", 1)[0]
    lists = [re.findall(r"^\d+\. (\w+) —", block, re.M) for block in section.split("Each quarter")]
    assert lists == [[m.name for m in SETUP_ORDER], [m.name for m in STEP_ORDER]]


@pytest.fixture(scope="module")
def set_up_and_stepped():
    model = _fresh()
    after_set_up = _flows(model)
    model.step()
    return model, after_set_up, _flows(model)


def test_every_bloc_state_field_is_set_after_set_up(set_up_and_stepped):
    model = set_up_and_stepped[0]
    assert model.bloc_state.unset() == []
    assert BlocState().unset() == [f.name for f in dataclasses.fields(BlocState)]  # unset() can see a gap
    for name in ("investment_market", "network"):
        structure = getattr(model, name)
        assert all(getattr(structure, f.name) is not None for f in dataclasses.fields(structure))


def test_every_flow_holds_an_empty_value_of_the_shape_the_step_writes(set_up_and_stepped):
    _, empty, stepped = set_up_and_stepped
    for name, value in empty.items():
        if name == "deals":
            assert list(value) == list(DEAL_COLUMNS) == list(stepped["deals"])
            for column, array in value.items():
                assert len(array) == 0 and array.dtype == stepped["deals"][column].dtype, column
            continue
        assert isinstance(value, np.ndarray), name
        assert value.dtype.kind == np.asarray(stepped[name]).dtype.kind, name
        assert not value.any(), name  # nothing has happened yet
        if name in ("exited_firms", "founded_firms", "acquisitions"):  # how many exit, enter, are sold varies
            assert value.shape[1:] == np.shape(stepped[name])[1:], name
        else:
            assert value.shape == np.shape(stepped[name]), name


@pytest.mark.parametrize(
    ("codes", "labels"),
    [
        (catalogue.Sector, catalogue.SECTORS),
        (catalogue.Stage, catalogue.STAGES),
        (catalogue.Risk, catalogue.RISKS),
        (catalogue.InvestorType, catalogue.INVESTOR_TYPES),
    ],
)
def test_every_category_code_names_its_label(codes, labels):
    assert [c.value for c in codes] == list(range(len(labels)))
    assert [c.name.lower().replace("_plus", "+") for c in codes] == [label.lower() for label in labels]
