"""`python -m sim`: run a scenario (or a Hydra multirun sweep) from the configs in `configs/`.

Every override is checked before Hydra creates any output folder, so bad input
fails with one line naming the key and what is allowed, and nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException, MissingConfigException
from omegaconf.errors import OmegaConfBaseException

from . import rundir, sweep  # sweep registers the run_id resolver of hydra.sweep.subdir
from .config import register
from .errors import ConfigError
from .schema import omegaconf_error

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")
_HYDRA_INFO_FLAGS = {
    "--help",
    "-h",
    "--hydra-help",
    "--info",
    "-i",
    "--cfg",
    "-c",
    "--shell-completion",
    "-sc",
    "--version",
    "--resolve",
}

register()
rundir.register_resolvers()


def _one_line(err: Exception) -> str:
    if isinstance(err, ConfigError):
        return str(err)
    if isinstance(err, MissingConfigException) and err.missing_cfg_file:
        group, _, option = str(err.missing_cfg_file).rpartition("/")
        return str(ConfigError(group or "config", f"no option '{option}'", ", ".join(err.options or [])))
    cause = err.__cause__ or err.__context__
    if isinstance(cause, ConfigError):
        return str(cause)
    if isinstance(cause, OmegaConfBaseException):
        return str(omegaconf_error(cause))
    if isinstance(err, OmegaConfBaseException):
        return str(omegaconf_error(err))
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    key = next((ln for ln in lines if ln.startswith("Key ")), "")
    return " ".join(x for x in (lines[0] if lines else type(err).__name__, key) if x)


def _override_sets(args: list[str]) -> list[list[str]]:
    """The override lists to check: the first value of every sweep, then each other value once."""
    parsed = OverridesParser.create().parse_overrides(args)
    base, alternatives = [], []
    for o in parsed:
        key = o.get_key_element()
        if o.is_sweep_override():
            values = list(o.sweep_string_iterator())
            if o.is_range_sweep() and len(values) > 2:
                values = [values[0], values[-1]]
            base.append(f"{key}={values[0]}")
            alternatives += [(len(base) - 1, f"{key}={v}") for v in values[1:]]
        else:
            base.append(o.input_line)
    sets = [base]
    for i, alt in alternatives:
        sets.append(base[:i] + [alt] + base[i + 1 :])
    return sets


def compose_config(overrides: list[str] = ()):
    """The config `python -m sim <overrides>` would run with (for scripts, tests and the app)."""
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base=None):
        return compose(config_name="config", overrides=list(overrides))


def precheck(argv: list[str]) -> None:
    """Validate the composed config and scenario for every value a sweep will take."""
    from .run import prepare

    overrides = [a for a in argv if not a.startswith("-")]
    if any(a.split("=")[0] in _HYDRA_INFO_FLAGS for a in argv):
        return
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base=None):
        for ov in _override_sets(overrides):
            prepare(compose(config_name="config", overrides=ov))


@hydra.main(config_path=CONFIG_DIR, config_name="config", version_base=None)
def _task(cfg) -> dict:
    import logging

    from .run import run

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        if HydraConfig.get().mode.name == "MULTIRUN":
            summary = sweep.job.sweep_run(cfg, out)  # skips a run already complete (resume)
        else:
            summary = run(cfg, out, progress=_progress(cfg))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
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
    sys.argv = [sys.argv[0]] + argv
    _task()
