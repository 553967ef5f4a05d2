"""Hydra callback of every multirun: a progress bar over runs, then the aggregate and its plots.

Registered under `hydra.callbacks.sweep` in configs/config.yaml, so it works the same with
every launcher (basic, joblib, Ray, submitit): it only reads the run folders the jobs leave
in `hydra.sweep.dir`.
"""

from __future__ import annotations

import importlib
import logging
import math
import sys
import threading
import time
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import OmegaConf

from ..compose import register_resolvers
from . import job as _job

register_resolvers()  # a job's set-up in any process that loads the callback names its folder with run_id

log = logging.getLogger(__name__)


def job_count(config) -> int:
    """How many jobs the basic sweeper makes of the command line: the product of the sweeps' sizes."""
    overrides = OverridesParser.create().parse_overrides(list(config.hydra.overrides.task))
    return math.prod(len(list(o.sweep_string_iterator())) for o in overrides if o.is_sweep_override())


def _check_launcher(config) -> None:
    target = OmegaConf.select(config, "hydra.launcher._target_") or ""
    module = target.rpartition(".")[0]
    try:
        importlib.import_module(module)
    except ImportError as exc:
        name = OmegaConf.select(config, "hydra.runtime.choices")["hydra/launcher"]
        extra = {"ray": ' -e ".[ray]"', "joblib": " -e ."}.get(name, ' -e ".[sweeps]"')
        print(
            f"error: hydra/launcher: '{name}' cannot be loaded ({exc}); allowed: basic, joblib, or install "
            f"it with: pip install -c constraints.txt{extra}",
            file=sys.stderr,
        )
        sys.exit(2)


class _Progress:
    """A tqdm bar counting runs finished (or found complete) since the sweep started."""

    def __init__(self, sweep_dir: Path, total: int):
        from tqdm import tqdm

        self.dir, self.start = sweep_dir, time.time() - 1
        self.bar = tqdm(total=total, desc="runs", unit="run", file=sys.stderr, dynamic_ncols=True)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _count(self) -> int:
        n = 0
        for marker in self.dir.glob(f"*/{_job.DONE}"):
            try:
                n += marker.stat().st_mtime >= self.start
            except OSError:
                pass
        return n

    def _poll(self) -> None:
        while not self.stop.wait(0.5):
            self._refresh()

    def _refresh(self) -> None:
        done = min(self._count(), self.bar.total)
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self._refresh()
        self.bar.close()


class SweepCallback(Callback):
    def __init__(self) -> None:
        self.progress: _Progress | None = None

    def on_multirun_start(self, config, **kwargs) -> None:
        _check_launcher(config)
        if config.sweep.progress and sys.stderr.isatty():
            self.progress = _Progress(Path(str(config.hydra.sweep.dir)), job_count(config))

    def on_multirun_end(self, config, **kwargs) -> None:
        if self.progress is not None:
            self.progress.close()
        if not config.sweep.aggregate:
            return
        from .report import report

        sweep_dir = Path(str(config.hydra.sweep.dir))
        try:
            result = report(sweep_dir, OmegaConf.to_container(config.sweep, resolve=True), csv=config.output.csv)
        except Exception as err:  # Hydra would turn it into a warning and the sweep would exit 0
            lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
            print(f"error: aggregate of {sweep_dir}: {lines[0] if lines else type(err).__name__}", file=sys.stderr)
            sys.exit(1)
        log.info(
            f"Aggregated {result['runs']} runs into {sweep_dir}/sweep.parquet, "
            f"{'summary.parquet, ' if config.sweep.summary else ''}runs.parquet, events.parquet"
        )
