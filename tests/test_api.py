"""The notebook API (`from sim import run_scenario, evaluate`) and its worked example in docs/API.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim
from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # whole runs end to end: the full suite and CI run it
def test_the_worked_example_in_docs_runs_as_written():
    text = (ROOT / "docs" / "API.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 3
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/API.md", "exec"), namespace)  # noqa: S102  (the docs' own code)
    assert all(e < 0 for e in namespace["effects"])


def test_run_scenario_returns_the_four_tables_as_the_command_line_would_compute_them():
    from tests.conftest import FAST_FACTOR, timeseries

    tables = sim.run_scenario("baseline", seed=0, end="2019Q4", **{"scale.factor": FAST_FACTOR})
    assert {"timeseries", "countries", "deals", "institutions"} <= set(vars(tables))
    assert len(tables.timeseries) == 12 and not tables["countries"].empty
    expected = timeseries("seed=0", "end=2019Q4")
    assert tables.timeseries.equals(expected)


def test_nested_and_dotted_settings_are_the_same_override():
    nested = sim.run_scenario(end="2025Q4", policies={"export_controls": {"stringency": 1.0}})
    dotted = sim.run_scenario(end="2025Q4", **{"policies.export_controls.stringency": 1.0})
    assert nested.timeseries.equals(dotted.timeseries)


def test_evaluate_stops_at_the_year_asked_without_changing_it():
    tables = sim.run_scenario(end="2027Q4")
    full = tables.timeseries.loc[tables.timeseries["year"] == 2026, "compute_access_CN"].mean()
    assert sim.evaluate({}, outcomes=["compute_access_CN"], year=2026) == {"compute_access_CN": full}


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: sim.run_scenario("nosuch"), "scenario"),
        (lambda: sim.run_scenario(scale="huge"), "scale"),
        (lambda: sim.evaluate({"policies.export_controls.stringency": 2}), "policies.export_controls.stringency"),
        (lambda: sim.evaluate({}, year=2050), "year"),
        (lambda: sim.evaluate({}, outcomes=["nosuch"], year=2018), "outcomes"),
        (lambda: sim.evaluate({"hydra.run.dir": "x"}), "hydra.run.dir"),
    ],
)
def test_bad_input_raises_a_config_error_naming_the_key(call, key):
    with pytest.raises(ConfigError) as err:
        call()
    assert err.value.key == key
