"""`python -m sim`: run a scenario (or a Hydra multirun sweep) from the configs in `configs/`.

Every override is checked before Hydra creates any output folder, so bad input
fails with one line naming the key and what is allowed, and nothing is written.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from .compose import CONFIG_DIR, precheck, register
from .compose import one_line as _one_line
from .errors import ConfigError, OutputError

# The command's entry: a worker unpickling `_task` (joblib, Ray, submitit) imports this module too,
# so the schemas and the run_id resolver of hydra.sweep.subdir are there before a job's folder is named.
register()


@hydra.main(config_path=CONFIG_DIR, config_name="config", version_base=None)
def _task(cfg) -> dict:
    import logging

    from .run import run

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        if HydraConfig.get().mode.name == "MULTIRUN":
            from .sweep.job import sweep_run

            if cfg.sweep.batch_start is not None:  # several runs in this job (sweep.batch)
                from .sweep.batch import run_batch

                return run_batch(cfg)
            summary = sweep_run(cfg, out)  # skips a run already complete (resume)
        else:
            summary = run(cfg, out, progress=_progress(cfg))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except OutputError as err:  # full disk, read-only folder: the written files are whole or gone
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    if HydraConfig.get().mode.name == "RUN":
        print(
            f"{summary['scenario']} seed={summary['seed']} scale={summary['scale']}: "
            f"{summary['start']}..{summary['end']} in {summary['_seconds_model']:.2f} s -> {out}"
        )
    return summary


def _progress(cfg):
    if HydraConfig.get().mode.name != "RUN" or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc="quarters", unit="q", leave=False)
    return lambda: bar.update(1)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    try:
        precheck(argv)
    except (ConfigError, HydraException, OmegaConfBaseException, ValueError) as err:
        print(f"error: {_one_line(err)}", file=sys.stderr)
        sys.exit(2)
    try:
        _check_output_dirs(argv)
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    sys.argv = [sys.argv[0]] + argv
    _task()


def _check_output_dirs(argv: list[str]) -> None:
    """A folder given as `hydra.run.dir=` or `hydra.sweep.dir=` can take files (Hydra writes its own
    there before any of ours, and would fail on a read-only or full disk with a traceback)."""
    wanted = [a for a in argv if a.split("=", 1)[0].lstrip("+") in ("hydra.run.dir", "hydra.sweep.dir")]
    for o in OverridesParser.create().parse_overrides(wanted):
        value = o.value()
        if not isinstance(value, str) or not value or "${" in value:
            continue
        try:
            Path(value).mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=value):
                pass
            if os.statvfs(value).f_bavail == 0:
                raise OSError(28, os.strerror(28))  # ENOSPC: no block left for Hydra's config files
        except OSError as err:
            raise OutputError(value, err) from None
