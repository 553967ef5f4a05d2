"""Config composition from `configs/`, for every command, script, test and the app.

A library module: the commands (`python -m sim`, `sim.validation`, `sim.analyze`) compose
through it, and nothing here imports a command. Importing it changes no global state;
`register()` does, once per process, where a process needs it (a command's entry, a sweep
job's set-up in a worker, the tests): the structured-config schemas in Hydra's ConfigStore,
the `run_dir` and `run_id` resolvers of the run and sweep folder names, and the filter for
Hydra's notice about our launcher defaults.
"""

from __future__ import annotations

from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import MissingConfigException
from omegaconf.errors import OmegaConfBaseException

from .errors import ConfigError
from .schema import omegaconf_error

CONFIG_DIR = str(Path(__file__).resolve().parent.parent / "configs")


def register_resolvers() -> None:
    """The resolvers `hydra.run.dir` and `hydra.sweep.subdir` use (configs/config.yaml)."""
    from omegaconf import OmegaConf

    from . import rundir
    from .sweep.job import run_id

    if not OmegaConf.has_resolver("run_id"):
        OmegaConf.register_new_resolver("run_id", run_id)
    rundir.register_resolvers()


def register() -> None:
    """Everything composing `configs/` needs in this process (idempotent)."""
    import warnings

    from .config import register as register_schemas

    register_schemas()
    register_resolvers()
    # configs/hydra/launcher/*.yaml carry our defaults for the launcher plugins and share their names
    # on purpose, so Hydra also checks them against the plugins' schemas; its notice about that is noise.
    warnings.filterwarnings("ignore", message=r"(?s).*validated against ConfigStore schema with the same name")


def compose_config(overrides=(), config_name: str = "config"):
    """The config `python -m sim <overrides>` would run with (or another primary config in `configs/`)."""
    from hydra import compose, initialize_config_dir

    register()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base=None):
        return compose(config_name=config_name, overrides=list(overrides))


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


def config_error(err: Exception) -> ConfigError | None:
    """The one-line ConfigError a Hydra or OmegaConf error stands for, if it names a key."""
    if isinstance(err, ConfigError):
        return err
    if isinstance(err, MissingConfigException) and err.missing_cfg_file:
        group, _, option = str(err.missing_cfg_file).rpartition("/")
        return ConfigError(group or "config", f"no option '{option}'", ", ".join(err.options or []))
    cause = err.__cause__ or err.__context__
    if isinstance(cause, ConfigError):
        return cause
    if isinstance(cause, OmegaConfBaseException):
        return omegaconf_error(cause)
    if isinstance(err, OmegaConfBaseException):
        return omegaconf_error(err)
    return None


def one_line(err: Exception) -> str:
    known = config_error(err)
    if known is not None:
        return str(known)
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    key = next((ln for ln in lines if ln.startswith("Key ")), "")
    return " ".join(x for x in (lines[0] if lines else type(err).__name__, key) if x)


def split_options(cls, args: list[str], passes_on=lambda key, sep: True) -> tuple[list[str], list[str]]:
    """A command's own `key=value` arguments (fields of `cls`) and the rest, which `passes_on(key, sep)`
    lets through to `python -m sim` (anything else stays with the command, whose check names it).

    Text options hold commas, colons and slashes (`levers=KEY:LO:HI,...`, `sweep=/x`): they are
    quoted, so Hydra reads each as one string.
    """
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(cls)}
    own, rest = [], []
    for arg in args:
        key, sep, value = arg.partition("=")
        if key in fields and sep:
            text = fields[key].type in ("str", "str | None") and not value.startswith(("'", '"'))
            own.append(f"{key}='{value}'" if text else arg)
        elif passes_on(key, sep):
            rest.append(arg)
        else:
            own.append(arg)
    return own, rest


def run_verb(argv: list[str] | None, doc: str, verbs: tuple[str, ...], act) -> None:
    """`python -m sim.<tool> VERB key=value ...`: help, an unknown verb, and any bad input as one line (exit 2);
    `act(verb, args)` does the work."""
    import sys

    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(doc)
        return
    verb, args = argv[0], argv[1:]
    try:
        if verb not in verbs:
            raise ConfigError("command", f"'{verb}' is not allowed", ", ".join(verbs))
        act(verb, args)
    except (ConfigError, HydraException, OmegaConfBaseException) as err:  # also from checking runs' overrides
        print(f"error: {one_line(err)}", file=sys.stderr)
        sys.exit(2)


def command_options(config_name: str, cls, argv: list[str]):
    """A command's options: `key=value` arguments as Hydra overrides of configs/<config_name>.yaml.

    Its defaults list names `<config_name>_schema` (the dataclass `cls`, typed and range-checked)
    and may use the shared groups (`scale`); without that file the dataclass alone is the config.
    Bad input raises a one-line ConfigError; nothing is written.
    """
    import dataclasses

    from hydra import compose, initialize, initialize_config_dir
    from hydra.core.config_store import ConfigStore
    from hydra.errors import HydraException
    from omegaconf import OmegaConf

    from .schema import check

    register()
    schema = f"{config_name}_schema"
    ConfigStore.instance().store(name=schema, node=cls)
    has_file = (Path(CONFIG_DIR) / f"{config_name}.yaml").is_file()
    keys = ", ".join(f.name for f in dataclasses.fields(cls))
    for arg in argv:
        if arg.startswith("-") or "=" not in arg:
            raise ConfigError(arg, "not understood", f"key=value with a key of: {keys}")
    try:
        # without a file, not even configs/ on the search path: its group names (`sweep`) are not options
        with (
            initialize_config_dir(config_dir=CONFIG_DIR, version_base=None)
            if has_file
            else initialize(config_path=None, version_base=None)
        ):
            cfg = compose(config_name=config_name if has_file else schema, overrides=list(argv))
        options = OmegaConf.to_object(cfg)
    except (HydraException, OmegaConfBaseException, ValueError) as err:
        known = config_error(err)
        raise known or ConfigError("arguments", one_line(err), f"key=value with a key of: {keys}") from None
    check(options)
    return options


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


def precheck(argv: list[str]) -> None:
    """Validate the composed config and scenario for every value a sweep will take (before Hydra writes)."""
    from hydra import compose, initialize_config_dir

    from .run import prepare

    register()

    overrides = [a for a in argv if not a.startswith("-")]
    if any(a.split("=")[0] in _HYDRA_INFO_FLAGS for a in argv):
        return
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base=None):
        for ov in _override_sets(overrides):
            prepare(compose(config_name="config", overrides=ov))
