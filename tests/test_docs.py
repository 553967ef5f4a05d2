"""Every default parameter names its source, every output column is documented, and the generated
tables (docs/PARAMETERS.md, docs/OUTPUTS.md) are current."""

import json
from pathlib import Path

import pandas as pd

from sim import outputs
from sim.catalogue import CATALOGUE
from sim.cli import compose_config
from sim.config import ParamsConfig
from sim.docs import OUT, OUTPUTS, render, rows
from sim.policies import FAMILIES
from sim.recorder import COLUMNS as RUN_COLUMNS
from sim.run import SUMMARY_KEYS, run


def test_every_parameter_names_its_source():
    items = list(rows(ParamsConfig(), "params.")) + list(rows(next(iter(CATALOGUE.values()))))
    for module in FAMILIES.values():
        items += list(rows(module.Measure()))
    missing = [name for name, _, _, source in items if not source.strip()]
    assert not missing


def test_parameter_table_is_up_to_date():
    assert Path(OUT).read_text() == render(), "run `python -m sim.docs` and commit docs/PARAMETERS.md"


def test_output_columns_table_is_up_to_date():
    assert OUTPUTS.read_text() == outputs.render(), "run `python -m sim.docs` and commit docs/OUTPUTS.md"


def test_every_column_a_baseline_run_writes_is_documented_once(tmp_path):
    run(compose_config(["scale=classroom", "output.plots=false"]), tmp_path)
    for table, described in RUN_COLUMNS.items():
        columns = list(pd.read_parquet(tmp_path / f"{table}.parquet").columns)
        wrong = {c: m for c in columns if len(m := outputs.matching(described, c)) != 1}
        assert not wrong, f"{table}: columns matching no or several rows of {table} in sim/recorder.py: {wrong}"
        unused = [p for p, _, _ in described if not any(outputs.matching([(p, "", "")], c) for c in columns)]
        assert not unused, f"{table}: documented but not written: {unused}"
    keys = json.loads((tmp_path / "summary.json").read_text())
    assert sorted(keys) == sorted(k for k, _, _ in SUMMARY_KEYS)
