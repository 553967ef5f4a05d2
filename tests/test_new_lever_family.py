"""A new lever family takes one module and one registry entry (docs/ARCHITECTURE.md, "How to add a
lever family"): a throwaway family, written here as a user would write it, shows up in the config
schema, scenario files, the app's lever panel, the bloc view and the timeseries."""

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import sim.scenario
from sim.errors import ConfigError
from sim.policies import FAMILIES

ROOT = Path(__file__).resolve().parent.parent

# Step 1: the module. Outside the package its imports are absolute; in sim/policies/ they would be relative.
MODULE = '''
"""Talent visas: a bloc eases entry for researchers from a partner bloc, lifting mobility restrictions."""

from dataclasses import dataclass

from sim.policies.family import Column, bloc_indices, pair_slider
from sim.schema import spec

FAMILY = "talent_visas"
ARRAYS = {"talent_visas": "pair"}
GROUP = "Talent visas (for partner)"
SLIDERS = [pair_slider("openness", "talent visa openness", array="talent_visas")]
COLUMNS = [Column("talent_visas", lambda lv: lv.talent_visas, "for")]


@dataclass
class Measure:
    bloc: str = spec("EU", source="the bloc that issues the visas")
    partner: str = spec("CN", source="the researchers' bloc")
    openness: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    for i in bloc_indices(m.bloc, blocs, f"{key}.bloc"):
        for j in bloc_indices(m.partner, blocs, f"{key}.partner", exclude=i):
            if m.openness is not None:
                levers.talent_visas[i, j] = m.openness
                levers.mobility[i, j] *= 1.0 - m.openness
'''

# Step 2 for a module outside the package: register() does what an entry in MODULES does, before the
# config schema is built (i.e. before sim.config is imported). Then the command line, unchanged.
COMMAND = """
import sys

import talent_visas
from sim.policies import register

register(talent_visas)

from sim.cli import main

main(sys.argv[1:])
"""

SCENARIO = """
extends: baseline
levers:
  talent_visas: {bloc: EU, partner: CN, openness: 0.2}
timeline:
  2017Q3:
    talent_visas: {bloc: US, partner: CN, openness: 0.4}
"""


@pytest.fixture
def family_dir(tmp_path):
    (tmp_path / "talent_visas.py").write_text(textwrap.dedent(MODULE))
    (tmp_path / "sim_with_talent_visas.py").write_text(COMMAND)
    (tmp_path / "talent.yaml").write_text(SCENARIO)
    return tmp_path


@pytest.fixture
def registered(family_dir, monkeypatch):
    """The family registered in this process, and the registry as it was afterwards."""
    spec_ = importlib.util.spec_from_file_location("talent_visas", family_dir / "talent_visas.py")
    module = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(module)
    monkeypatch.setitem(FAMILIES, module.FAMILY, module)
    monkeypatch.setattr(sim.scenario, "_VALIDATED", {})  # no scenario validated with the family outlives it
    return module  # monkeypatch restores the registry after the test


def test_the_new_family_is_in_the_app_lever_list_scenarios_bloc_view_and_timeseries(registered, family_dir):
    from sim.app.levers_ui import sliders
    from sim.model import EntangleModel

    slider = next(s for s in sliders() if s.family == "talent_visas")
    assert (slider.group, slider.field, slider.label) == (
        "Talent visas (for partner)",
        "openness",
        "talent visa openness",
    )
    assert slider.values("EU", "US", 0.3) == {"bloc": "EU", "partner": "US", "openness": 0.3}

    scenario = sim.scenario.load(str(family_dir / "talent.yaml"), end="2017Q4")
    model = EntangleModel(scenario, scale=0.05, seed=0)
    eu, cn, us = (model.blocs.index(b) for b in ("EU", "CN", "US"))
    assert slider.read(model.levers, eu, cn, "EU", "CN") == 0.2
    model.run()

    assert model.blocs_set[eu].levers["CN"]["talent_visas"] == 0.2
    ts = model.recorder.timeseries().set_index("period")
    assert ts["lever_talent_visas_EU_for_CN"].tolist() == [0.2] * 4
    assert ts["lever_talent_visas_US_for_CN"].tolist() == [0.0, 0.0, 0.4, 0.4]
    # ... and its column is documented in docs/OUTPUTS.md's generator with no edit to the recorder
    from sim import outputs
    from sim.recorder import described_columns

    assert outputs.matching(described_columns()["timeseries"], "lever_talent_visas_EU_for_CN") == [
        "lever_talent_visas_<A>_for_<B>"
    ]
    with pytest.raises(ConfigError, match="scenario.levers.talent_visas.bloc: unknown bloc 'XX'"):
        sim.scenario.parse_measures("talent_visas", {"bloc": "XX"}, model.blocs, "scenario.levers.talent_visas")


def _command(family_dir, *overrides):
    return subprocess.run(
        [sys.executable, str(family_dir / "sim_with_talent_visas.py"), *overrides],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # two command-line runs in their own processes (~6 s)
def test_the_new_family_is_in_the_config_schema_and_the_run_outputs(family_dir):
    out = family_dir / "run"
    proc = _command(
        family_dir,
        f"scenario={family_dir / 'talent.yaml'}",
        "scale=classroom",
        "end=2017Q4",
        "policies.start=2017Q4",
        "policies.talent_visas.partner=US",
        "policies.talent_visas.openness=0.5",
        "output=tables_only",
        f"hydra.run.dir={out}",
    )
    assert proc.returncode == 0, proc.stderr
    ts = pd.read_parquet(out / "timeseries.parquet").set_index("period")
    assert ts["lever_talent_visas_EU_for_US"].tolist() == [0.0, 0.0, 0.0, 0.5]
    assert ts["lever_talent_visas_EU_for_CN"].tolist() == [0.2] * 4

    bad = _command(family_dir, "policies.talent_visas.openness=1.5", f"hydra.run.dir={family_dir / 'bad'}")
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error: policies.talent_visas.openness")
    assert len(bad.stderr.strip().splitlines()) == 1
    assert not (family_dir / "bad").exists()
