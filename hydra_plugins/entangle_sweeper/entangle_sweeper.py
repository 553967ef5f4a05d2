"""Entangle's Hydra sweeper: the basic sweeper, minus its serial composition of every job's config,
plus several runs per job (`sweep.batch=K`).

Hydra's BasicSweeper calls `validate_batch_is_legal` before launching a batch, which composes
every job's config one after another in the parent process (about 0.1 s a job: 10 s for 100
runs, during which no job runs). `python -m sim` has already composed and validated the config
for every value each sweep takes (`sim.compose.precheck`, before Hydra writes anything), and each
job composes its own config again where it runs. So this sweeper composes only the batch's
first job here, which still catches anything particular to Hydra's sweep composition (its
`hydra.*` keys, the sweep folder's interpolations) before any job starts.

With `sweep.batch=K` > 1 it hands the launcher one job per K runs (sim/sweep/batch.py), whatever
the launcher: the run folders and their contents stay those of one run per job.

It lives in the `hydra_plugins` namespace because Hydra instantiates plugins only from there;
`configs/hydra/sweeper/entangle.yaml` selects it and `configs/config.yaml` makes it the default.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from omegaconf import OmegaConf

log = logging.getLogger(__name__)


class _Batching:
    """The launcher, handed one job per `size` runs (the sweeper reads only the jobs' status)."""

    def __init__(self, launcher, size: int, config):
        self.launcher, self.size, self.config = launcher, size, config

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int):
        from sim.sweep import batch

        reason = batch.why_not(self.config, job_overrides)
        if reason is not None:
            log.info(f"sweep.batch={self.size}: one run per job, as {reason}")
            return self.launcher.launch(job_overrides, initial_job_idx=initial_job_idx)
        jobs = batch.plan(self.config, job_overrides, self.size, initial_job_idx)
        log.info(f"{len(job_overrides)} runs in {len(jobs)} jobs of up to {self.size} (sweep.batch)")
        return self.launcher.launch(jobs, initial_job_idx=initial_job_idx)


class EntangleSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        super().validate_batch_is_legal(batch[:1])

    def sweep(self, arguments: list[str]) -> Any:
        size = OmegaConf.select(self.config, "sweep.batch", default=1) or 1
        if size <= 1:
            return super().sweep(arguments)
        from sim.sweep import batch

        launcher = self.launcher
        self.launcher = _Batching(launcher, size, self.config)
        try:
            return super().sweep(arguments)
        finally:
            self.launcher = launcher
            batch.clean(Path(str(self.config.hydra.sweep.dir)))
