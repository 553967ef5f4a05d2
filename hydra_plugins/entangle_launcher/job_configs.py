"""A worker's job configs, composed once per batch and then only re-valued.

Hydra composes every job's config from scratch (`load_sweep_config`: the defaults list, every
config file merged, the structured schema validated): ~0.14 s of CPU a job, ~10% of a realistic
run. Yet the jobs of a sweep differ only in the values of the keys they sweep
(`policies.export_controls.stringency=0.5` against `=1.0`, `sweep.row=3` against `=4`). Composition
depends only on the config-group choices; plain `key=value` overrides are applied afterwards, by
Hydra's `_apply_overrides_to_config`, onto the composed config. So a job whose overrides set
the same plain keys as a job composed before it gets that config with its own values
applied by the same Hydra function, and its own override list and `override_dirname`. A list of
plain values (`sweep.run_tables=[timeseries]`, which every robustness sweep sets) replaces the
list it overrides whole, so it is re-valued too. Anything else (a group choice, `+`/`~`, a
`hydra.*` key, a dict value, which Hydra merges into the node) is composed by Hydra as before.
tests/test_job_configs.py checks the result equals Hydra's own config, key for key.

The composed config is re-valued in place, not copied (a deep copy of an OmegaConf config this
size cost ~17 ms of a job's CPU on a loaded machine): every job with the same keys sets all of
them again, and the task never sees this object, only the copy `run_job` makes of it
(`task_cfg`). What the launcher and `run_job` write into it (`hydra.job.id`, `hydra.job.num`,
`hydra.runtime.output_dir`, `hydra` made read-only by `HydraConfig.set_config`) is put back as
composed before the next job.
"""

from __future__ import annotations

from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import OverrideType
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

_SCALARS = (str, int, float, bool, type(None))
# (batch, keys) -> the config of the batch's first job with those keys, and its _WRITTEN values as composed
_composed: dict[tuple, tuple[DictConfig, dict]] = {}
# What a job writes into its config after composition (execute_job, run_job): restored for the next
_WRITTEN = ("job.id", "job.num", "runtime.output_dir")


def _plain(value) -> bool:
    """A scalar, or a list of scalars: values that replace the node they set, whatever it held."""
    if isinstance(value, list):
        return all(isinstance(v, _SCALARS) for v in value)
    return isinstance(value, _SCALARS)


def plain_override(o, groups) -> bool:
    """A change of a value that leaves the composition alone (not a group choice, `+`/`~`, `hydra.*`)."""
    key = o.key_or_group
    return not (
        o.type != OverrideType.CHANGE
        or o.package is not None
        or o.is_hydra_override()
        or "/" in key
        or key in groups
        or o.is_sweep_override()
        or not _plain(o.value())
    )


def _plain_keys(parsed, master: DictConfig) -> tuple[str, ...] | None:
    """The keys the overrides set, if all are plain value changes; None if any could change the composition."""
    groups = master.hydra.runtime.choices
    if not all(plain_override(o, groups) for o in parsed):
        return None
    keys = [o.key_or_group for o in parsed]
    return tuple(keys) if len(set(keys)) == len(keys) else None


def _raw(node: DictConfig, key: str):
    """A value as stored: `???` (missing) or an interpolation stays what it is."""
    parent, _, leaf = key.rpartition(".")
    return OmegaConf.select(node, parent)._get_node(leaf)._value()


def sweep_config(loader, master: DictConfig, overrides: list[str], batch: str) -> DictConfig:
    """The job's config, as `loader.load_sweep_config(master, overrides)` returns it.

    `batch` names the batch's shared state (the master config and Hydra's context): a worker may
    serve several sweeps, and a config composed for one is never reused for another.
    """
    parsed = OverridesParser.create().parse_overrides(overrides)
    keys = _plain_keys(parsed, master)
    if keys is None:
        return loader.load_sweep_config(master, overrides)
    cached = _composed.get((batch, keys))
    if cached is None:
        cfg = loader.load_sweep_config(master, overrides)
        if any(b != batch for b, _ in _composed) or len(_composed) >= 8:
            _composed.clear()  # one batch at a time, a few key sets each: a worker's memory stays small
        _composed[(batch, keys)] = (cfg, {k: _raw(cfg.hydra, k) for k in _WRITTEN})
        return cfg
    cfg, written = cached
    OmegaConf.set_readonly(cfg.hydra, False)  # as composed (HydraConfig.set_config made it read-only)
    with read_write(cfg.hydra), open_dict(cfg.hydra):
        for key, value in written.items():
            OmegaConf.update(cfg.hydra, key, value, merge=False)
    ConfigLoaderImpl._apply_overrides_to_config(parsed, cfg)
    with open_dict(cfg.hydra):
        cfg.hydra.overrides.task = [o.input_line for o in parsed]
        settings = cfg.hydra.job.config.override_dirname
        cfg.hydra.job.override_dirname = get_overrides_dirname(
            overrides=parsed, kv_sep=settings.kv_sep, item_sep=settings.item_sep, exclude_keys=settings.exclude_keys
        )
    OmegaConf.copy_cache(from_config=master, to_config=cfg)
    return cfg
