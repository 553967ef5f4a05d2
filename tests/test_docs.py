"""Every default parameter names its source, and the generated parameter table is current."""

from pathlib import Path

from sim.catalogue import CATALOGUE
from sim.config import ParamsConfig
from sim.docs import OUT, render, rows
from sim.policies import FAMILIES


def test_every_parameter_names_its_source():
    items = list(rows(ParamsConfig(), "params.")) + list(rows(next(iter(CATALOGUE.values()))))
    for module in FAMILIES.values():
        items += list(rows(module.Measure()))
    missing = [name for name, _, _, source in items if not source.strip()]
    assert not missing


def test_parameter_table_is_up_to_date():
    assert Path(OUT).read_text() == render(), "run `python -m sim.docs` and commit docs/PARAMETERS.md"
