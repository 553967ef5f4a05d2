"""Entangle's joblib launcher: Hydra's JoblibLauncher, minus re-sending the same state with every job.

Hydra's launcher hands each job to joblib as `execute_job(idx, overrides, hydra_context, config,
task_function, singleton_state)`. The last four are the same for every job of a batch, yet loky
pickles them again for each job (cloudpickle, ~20 ms of the parent's CPU, which the two workers
need on a two-core machine), and each worker then calls `Singleton.set_state`, which drops Hydra's
plugin registry and rediscovers every plugin, re-executing their modules (~20 ms a job).

This launcher pickles that state once per batch and sends the bytes with each job (copying bytes
costs next to nothing); a worker unpickles the context, master config and task function once per
batch (they are only read) and Hydra's singletons for every job (a job changes them), and keeps
the plugin registry it found for its first job: the plugins installed in a process do not change
between its jobs. A job sends back its status and return value, not its config (see
`execute_job`). Everything else is Hydra's own `execute_job`: the same config per job, the same
`.hydra/` files, logging and callbacks, so runs are byte-identical to Hydra's launcher (tested).

`configs/hydra/launcher/joblib.yaml` selects it (`hydra/launcher=joblib`); it takes the same
settings as Hydra's (n_jobs, batch_size, pre_dispatch, ...). Hydra instantiates plugins only
from the `hydra_plugins` namespace, hence this location.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Sequence
from pathlib import Path

import cloudpickle
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, configure_log, filter_overrides, run_job, setup_globals
from hydra_plugins.hydra_joblib_launcher import _core
from hydra_plugins.hydra_joblib_launcher.joblib_launcher import JoblibLauncher
from joblib import Parallel, delayed

from . import job_configs

log = logging.getLogger(__name__)


_batch_state: dict[str, tuple] = {}  # batch -> its (hydra_context, config, task_function), unpickled once


def execute_job(idx: int, overrides: Sequence[str], shared: bytes, state: bytes, batch: str) -> JobReturn:
    """Hydra's `execute_job` in a worker, its batch-wide arguments unpickled from `shared` (once per
    batch) and `state` (Hydra's singletons, afresh for every job: a job changes them), its config
    composed once per batch and re-valued for later jobs (job_configs.py)."""
    from hydra.core.plugins import Plugins
    from omegaconf import open_dict

    if batch not in _batch_state:
        _batch_state.clear()  # one batch at a time: a worker's memory stays small
        _batch_state[batch] = pickle.loads(shared)
    hydra_context, config, task_function = _batch_state[batch]
    singleton_state = pickle.loads(state)
    if Plugins in Singleton._instances:  # set_state would otherwise scan for plugins again
        singleton_state["instances"][Plugins] = Singleton._instances[Plugins]
    # _core.execute_job, with the config from job_configs.sweep_config instead of load_sweep_config
    setup_globals()
    Singleton.set_state(singleton_state)
    sweep_config = job_configs.sweep_config(hydra_context.config_loader, config, list(overrides), batch)
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
        sweep_config.hydra.job.num = idx
    # (Hydra's execute_job sets HydraConfig here too; run_job sets it again before reading it)
    ret = run_job(
        hydra_context=hydra_context,
        config=sweep_config,
        task_function=task_function,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )
    # The parent reads a job's status and return value (Hydra's sweeper raises a failed job's error);
    # the job's config and Hydra config are in its folder (.hydra/) and the parent's own config, and
    # sending them back cost ~30 ms of pickling a job, in the worker and the parent.
    ret.cfg = ret.hydra_cfg = None
    return ret


class EntangleJoblibLauncher(JoblibLauncher):
    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        """`hydra_plugins.hydra_joblib_launcher._core.launch`, with the batch's shared state pickled once."""
        setup_globals()
        assert self.config is not None and self.task_function is not None and self.hydra_context is not None

        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)

        joblib_cfg = self.joblib
        joblib_cfg["backend"] = "loky"  # as Hydra's: the threading backend is incompatible with Hydra
        _core.process_joblib_cfg(joblib_cfg)

        log.info(
            "Joblib.Parallel({}) is launching {} jobs".format(
                ",".join([f"{k}={v}" for k, v in joblib_cfg.items()]), len(job_overrides)
            )
        )
        log.info(f"Launching jobs, sweep output dir : {sweep_dir}")
        for idx, overrides in enumerate(job_overrides):
            log.info("\t#{} : {}".format(idx, " ".join(filter_overrides(overrides))))

        # cloudpickle, as loky would use: the task function and resolvers may be closures
        shared = cloudpickle.dumps((self.hydra_context, self.config, self.task_function))
        state = cloudpickle.dumps(Singleton.get_state())
        batch = hashlib.sha1(shared + state).hexdigest()
        runs = Parallel(**joblib_cfg)(
            delayed(execute_job)(initial_job_idx + idx, overrides, shared, state, batch)
            for idx, overrides in enumerate(job_overrides)
        )
        assert isinstance(runs, list) and all(isinstance(run, JobReturn) for run in runs)
        return runs
