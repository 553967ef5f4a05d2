"""Several runs of a sweep in one Hydra job (`sweep.batch=K`): the same run folders, less of Hydra's work a run.

Every Hydra job costs work outside the model: the launcher's dispatch and Hydra's singletons, then
`run_job`'s copies of the whole config and of its `hydra` node, logging set-up and callbacks (~0.1 s
of CPU a job on an idle machine; a realistic run's model is ~1.2 s). With `sweep.batch=K` the
sweeper (hydra_plugins/entangle_sweeper) hands the launcher one job per K runs, on every launcher
alike (joblib, Ray, submitit): the job's overrides are its first run's, plus `sweep.batch_start=N`,
and the file `<sweep dir>/.batches/N.json` lists the overrides of each of its runs. The job then
runs them one after another (`run_batch`), each exactly as a job of its own would:

- its folder is `hydra.sweep.dir/run_id(its overrides)`, as Hydra's default `hydra.sweep.subdir`
  names it (a `sweep.*` setting, `batch_start` too, never names a folder, so the job's own Hydra
  folder is its first run's);
- its config is the job's with the run's plain value overrides applied by Hydra's own function.
  Runs of one job set the same keys and make the same config-group choices (the sweeper batches
  only such jobs: the choices shaped the job's composition), and `sweep_run` sets the same keys
  for every run (sample row, tables, plots), so re-valuing one config in place gives each run the
  config Hydra would compose for it (tests/test_sweep_batch.py compares every output);
- `summary.json` gets the run's own overrides, and `<job name>.log` is opened in its folder, as
  Hydra's job logging does;
- resume is per run (`sweep_run`): a run already complete in its folder is skipped.

Batching needs what a robustness sweep already sets: no `.hydra/` folder per run
(`hydra.output_subdir=null`) and Hydra's default run folder names. Otherwise, or when the jobs of a
sweep change config groups (`scale=classroom,realistic`), the sweeper says why in one line and runs
one run per job, as before. A failing run ends its job: the job's later runs do not start (as a
failing job ends a joblib sweep). Hydra's per-job callbacks (`on_job_start`/`on_job_end`) run once
per job, not per run; Entangle's own callback uses only the multirun ones.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from ..atomic import write_json

BATCHES = ".batches"  # a hidden folder of the sweep: no run folder, removed when the sweep ends
DEFAULT_SUBDIR = "${run_id:${hydra.overrides.task}}"
KEY = "sweep.batch_start"

log = logging.getLogger(__name__)


def _split(master: DictConfig, overrides: Sequence[str]) -> tuple[list[str], list[str]]:
    """A job's overrides: (plain value changes, the rest: group choices, `+`/`~` keys)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from hydra_plugins.entangle_launcher.job_configs import plain_override

    groups = master.hydra.runtime.choices
    plain, other = [], []
    for o in OverridesParser.create().parse_overrides([str(x) for x in overrides]):
        (plain if plain_override(o, groups) else other).append(o.input_line)
    return plain, other


def why_not(master: DictConfig, job_overrides: Sequence[Sequence[str]]) -> str | None:
    """Why these jobs cannot be batched (None: they can)."""
    if master.hydra.output_subdir is not None:
        return "each run writes a .hydra/ folder (batching needs hydra.output_subdir=null)"
    if master.hydra.sweep._get_node("subdir")._value() != DEFAULT_SUBDIR:
        return "hydra.sweep.subdir is not Entangle's default (runs named by their overrides)"
    if any(str(k).split("=", 1)[0] == KEY for o in job_overrides for k in o):
        return f"{KEY} is set on the command line"
    splits = [_split(master, o) for o in job_overrides]
    if len({tuple(other) for _, other in splits}) > 1:
        return "the jobs differ in more than plain values (a config group, +/~ keys)"
    keys = {tuple(p.split("=", 1)[0] for p in plain) for plain, _ in splits}
    if len(keys) > 1 or any(len(set(k)) < len(k) for k in keys):
        return "the jobs set different keys"
    return None


def history(overrides: Sequence[str]) -> tuple[str, ...]:
    """A run's overrides but its `policies.*` levers (`policies.start` kept): runs equal in them share
    every quarter before `policies.start` (sim/fork.py decides, on the built inputs, whether they do)."""

    def lever(o: str) -> bool:
        key = o.split("=", 1)[0].lstrip("+~")
        return key.startswith("policies.") and key != "policies.start"

    return tuple(sorted(str(o) for o in overrides if not lever(str(o))))


def _batches(job_overrides: Sequence[Sequence[str]], size: int) -> list[list[list[str]]]:
    """The runs in batches of at most `size`, each run's lever settings next to each other and, where a
    group of them fits, in one batch (so its job runs their shared history once): Hydra's sweeps list a
    world's lever settings together already when the levers come after `sweep.row`; this makes it so
    whatever the order. A group larger than `size` is cut into batches of `size`."""
    groups: dict[tuple, list[list[str]]] = {}
    for o in job_overrides:
        groups.setdefault(history(o), []).append([str(x) for x in o])
    batches: list[list[list[str]]] = []
    current: list[list[str]] = []
    for runs in groups.values():
        if current and len(current) + len(runs) > size:
            batches.append(current)
            current = []
        for start in range(0, len(runs), size):
            part = runs[start : start + size]
            if len(part) == size:
                batches.append(part)
            else:
                current += part
    if current:
        batches.append(current)
    return batches


def plan(master: DictConfig, job_overrides: Sequence[Sequence[str]], size: int, first: int) -> list[list[str]]:
    """Write one `.batches/N.json` per batch of at most `size` jobs; return the jobs to launch (one per batch).

    Each run's entry: its overrides (its folder's name, summary.json) and those of them a run of
    the batch re-values (`set`: the plain ones; the rest, equal for every run, shaped the job's
    composition). `first`: the number of the launch's first job (the sweeper's `initial_job_idx`):
    file names stay unique over several launches of one sweep. Runs that differ only in their
    levers go into one batch where they fit (`_batches`)."""
    folder = Path(str(master.hydra.sweep.dir)) / BATCHES
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    start = 0
    for runs in _batches(job_overrides, size):
        n = first + start
        entries = [{"overrides": o, "set": _split(master, o)[0]} for o in runs]
        write_json(entries, folder / f"{n}.json")
        jobs.append([*runs[0], f"{KEY}={n}"])
        start += len(runs)
    return jobs


def clean(sweep_dir: Path) -> None:
    shutil.rmtree(Path(sweep_dir) / BATCHES, ignore_errors=True)


def run_batch(cfg: DictConfig) -> list[dict]:
    """Run every run of this job's batch, each into its own folder (see the module's docstring)."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.utils import configure_log

    from ..fork import Histories
    from .job import run_id, sweep_run

    hydra_cfg = HydraConfig.get()
    # the folder Hydra put this job's (its first run's) folder in: one level, as run_id names no subfolder
    sweep_dir = os.path.dirname(str(hydra_cfg.runtime.output_dir))
    runs = json.loads((Path(sweep_dir) / BATCHES / f"{cfg.sweep.batch_start}.json").read_text())
    # Hydra's job logging, re-rooted so `${hydra.runtime.output_dir}` can name each run's folder
    logs = OmegaConf.create({"hydra": OmegaConf.to_container(hydra_cfg, resolve=False)})
    parser = OverridesParser.create()
    summaries = []
    histories = Histories() if cfg.sweep.fork else None
    keys = [history(entry["overrides"]) for entry in runs]
    for i, entry in enumerate(runs):
        overrides = entry["overrides"]
        ConfigLoaderImpl._apply_overrides_to_config(parser.parse_overrides(entry["set"]), cfg)
        cfg.sweep.batch_start = None  # as in a job of its own
        out = Path(os.path.abspath(os.path.join(sweep_dir, run_id(overrides))))
        out.mkdir(parents=True, exist_ok=True)
        logs.hydra.runtime.output_dir = str(out)
        configure_log(logs.hydra.job_logging, logs.hydra.verbose)
        more = keys[i] in keys[i + 1 :]  # a later run of the job may fork from this one's history
        summaries.append(sweep_run(cfg, out, overrides=overrides, histories=histories, more=more))
    if histories is not None:
        histories.close()
    if histories is not None and histories.forks:
        log.info(f"{histories.forks} of {len(runs)} runs forked from a shared history (sweep.fork)")
    return summaries
