"""The joblib launcher's job configs (composed once, then re-valued) equal Hydra's own, key for key."""

from __future__ import annotations

import pytest
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.utils import create_config_search_path
from hydra.types import RunMode
from omegaconf import OmegaConf

from hydra_plugins.entangle_launcher import job_configs
from sim.compose import CONFIG_DIR, register

JOBS = [
    ["sweep.row=0", "policies.export_controls.stringency=0.5", "seed=0", "sweep.plots=False"],
    ["sweep.row=7", "policies.export_controls.stringency=1.0", "seed=3", "sweep.plots=False"],
    ["sweep.row=2", "policies.export_controls.stringency=null", "seed=1", "sweep.plots=True"],
    ["scale=classroom", "seed=2"],  # a group choice: composed by Hydra
    ["+params.nothing=1"],  # an addition: composed by Hydra (and refused, as by Hydra)
    ["seed=4", "sweep.row=1", "policies.export_controls.stringency=0.8", "sweep.plots=False"],  # other order
    ["sweep.row=9", "policies.export_controls.stringency=0.1", "seed=5", "sweep.plots=False"],
    # a list value, as every robustness sweep sets: re-valued, its list replaced whole
    ["sweep.row=3", "sweep.run_tables=[timeseries]", "seed=6"],
    ["sweep.row=4", "sweep.run_tables=[countries,deals]", "seed=7"],
    ["sweep.row=5", "sweep.run_tables=[]", "seed=8"],
    ["sweep.row=6", "sweep.run_tables=null", "seed=9"],
]


@pytest.fixture(scope="module")
def loader_and_master():
    register()
    loader = ConfigLoaderImpl(config_search_path=create_config_search_path(CONFIG_DIR))
    master = loader.load_configuration("config", ["hydra.sweep.dir=/tmp/x"], run_mode=RunMode.MULTIRUN)
    return loader, master


def _hydras(loader, master, overrides):
    try:
        return OmegaConf.to_yaml(loader.load_sweep_config(master, overrides))
    except Exception as err:
        return type(err).__name__


def _ours(loader, master, overrides, batch):
    try:
        return OmegaConf.to_yaml(job_configs.sweep_config(loader, master, overrides, batch))
    except Exception as err:
        return type(err).__name__


def test_reused_configs_equal_hydras(loader_and_master, monkeypatch):
    loader, master = loader_and_master
    composed = []
    hydra_compose = loader.load_sweep_config
    monkeypatch.setattr(loader, "load_sweep_config", lambda m, o: composed.append(o) or hydra_compose(m, o))
    for overrides in JOBS:
        ours = _ours(loader, master, overrides, "batch-a")
        assert ours == _hydras(loader, master, overrides), overrides
    ours_composed = len(composed) - len(JOBS)  # _hydras composed each job once
    # composed: the first job, the group choice, the addition, the other order, the first with a list;
    # re-valued: the other 6
    assert ours_composed == 5


def test_what_a_job_writes_into_its_config_never_reaches_the_next_job(loader_and_master, tmp_path):
    """The config is re-valued in place: what the launcher and run_job write into it (the job's id and
    number, its output folder, the read-only flag of `hydra`) is as composed again for the next job."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import open_dict, read_write

    loader, master = loader_and_master
    first = job_configs.sweep_config(loader, master, JOBS[0], "batch-b")
    with open_dict(first):  # as execute_job and run_job do
        first.hydra.job.id, first.hydra.job.num = "job_0", 0
    HydraConfig.instance().set_config(first)
    with read_write(first.hydra.runtime), open_dict(first.hydra.runtime):
        first.hydra.runtime.output_dir = str(tmp_path)
    second = job_configs.sweep_config(loader, master, JOBS[1], "batch-b")
    assert OmegaConf.to_yaml(second) == _hydras(loader, master, JOBS[1])
    assert not OmegaConf.is_readonly(second.hydra)
    assert OmegaConf.is_missing(second.hydra.runtime, "output_dir")


def test_another_batch_composes_afresh(loader_and_master):
    loader, master = loader_and_master
    job_configs.sweep_config(loader, master, JOBS[0], "batch-c")
    other = loader.load_configuration("config", ["hydra.sweep.dir=/tmp/y"], run_mode=RunMode.MULTIRUN)
    got = OmegaConf.to_yaml(job_configs.sweep_config(loader, other, JOBS[1], "batch-d"))
    assert got == _hydras(loader, other, JOBS[1])
    assert "/tmp/y" in got
