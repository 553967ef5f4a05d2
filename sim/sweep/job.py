"""One job of a sweep: a run folder named by its overrides, skipped when already complete.

Resume rests on two facts: a job's folder is a function of its overrides (`run_id`), and
`done.json` is written atomically after every table and the summary, carrying a hash of the
resolved config, the scenario files' content and the version (sim/marker.py). A rerun of the same
sweep into the same folder skips a job whose marker is there and matches; anything else (killed
mid-run, other config, an edited scenario file) runs again from scratch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path

from omegaconf import OmegaConf

from ..marker import DONE, config_hash, is_complete  # noqa: F401  (resume's marker, shared with single runs)

_SAFE = re.compile(r"[^A-Za-z0-9._=,+-]")


def run_id(overrides) -> str:
    """A folder name from a job's overrides (`hydra.overrides.task`): readable, unique, filesystem-safe.

    Like Hydra's override_dirname (sorted key=value pairs), but without the `sweep.*` settings of
    the aggregate, which don't change a run (`sweep.row` does: it picks the sample row).
    """
    if isinstance(overrides, str):  # already joined
        text = overrides
    else:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        parsed = OverridesParser.create().parse_overrides([str(o) for o in overrides])
        kept = sorted(
            (o.key_or_group, o.get_value_element_as_str())
            for o in parsed
            if not o.key_or_group.startswith("sweep.") or o.key_or_group == "sweep.row"
        )
        text = ",".join(f"{k}={v}" for k, v in kept)
    safe = _SAFE.sub("_", text)
    if not safe:
        return "run"
    if safe != text or len(safe) > 120:
        return f"{safe[:80]}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"
    return safe


def run_overrides(run_dir: Path, summary: dict | None = None) -> list[str]:
    """A finished run's command-line overrides: from its summary.json (which a run writes always),
    or Hydra's `.hydra/overrides.yaml` for a summary without them. A robustness sweep runs with
    `hydra.output_subdir=null` and so has no `.hydra/` folder per run."""
    if summary is None:
        summary = json.loads((Path(run_dir) / "summary.json").read_text())
    if "overrides" in summary:
        return [str(o) for o in summary["overrides"]]
    import yaml

    return yaml.safe_load((Path(run_dir) / ".hydra" / "overrides.yaml").read_text()) or []


@functools.lru_cache(maxsize=2)
def _sample_rows(path: str, mtime_ns: int, size: int) -> list[dict]:
    """A sample file's rows, read once per process (a worker runs many rows of the same file)."""
    import pandas as pd

    sample = pd.read_parquet(path)
    return [row.to_dict() for _, row in sample.iterrows()]


def apply_sample_row(cfg) -> None:
    """Set the levers of sample row `sweep.row` (a file written by `python -m sim.analyze sample`)."""
    path = str(cfg.sweep.sample)
    stat = os.stat(path)
    row = _sample_rows(path, stat.st_mtime_ns, stat.st_size)[int(cfg.sweep.row)]
    # One lookup of each parent node, not a select and an update (two walks from the root) per key:
    # a robustness sample sets ~35 keys a run
    parents: dict[str, object] = {}
    for key, value in row.items():
        parent_key, _, leaf = key.rpartition(".")
        if parent_key not in parents:
            parents[parent_key] = OmegaConf.select(cfg, parent_key) if parent_key else cfg
        parent = parents[parent_key]
        if parent is None or leaf not in parent:  # as OmegaConf.update would: a key the config lacks
            OmegaConf.update(cfg, key, float(value))
            continue
        node = parent[leaf]
        parent[leaf] = int(round(value)) if isinstance(node, int) and not isinstance(node, bool) else float(value)


_FROZEN = False


def _freeze_long_lived() -> None:
    """Once per process: take what is alive before the first run out of the garbage collector's view.

    A sweep process lives for many runs. Its long-lived objects (the imported modules of Mesa,
    pandas, Hydra; ~180k objects) would otherwise be traversed by every full collection: the one
    joblib's workers force after each job (loky calls `gc.collect()` between tasks when psutil is
    not installed, ~0.07 s here) and those a run's own allocations trigger. `gc.freeze()` moves
    them to a permanent generation; what runs allocate afterwards is collected as before.
    """
    global _FROZEN
    if _FROZEN:
        return
    import gc

    from .. import model  # noqa: F401  (Mesa and the model's imports: alive for the whole process)

    gc.collect()
    gc.freeze()
    _FROZEN = True


def sweep_run(cfg, out: Path, overrides: list[str] | None = None, histories=None, more: bool = False) -> dict:
    """Run one sweep job into `out`, or skip it if a matching run is already complete there.

    `overrides`: the run's (summary.json); default the Hydra job's (a batch passes each run's).
    `histories`, `more`: a batch's shared history (sim/fork.py; `sim.run.run`)."""
    from ..run import run

    _freeze_long_lived()

    if cfg.sweep.sample is not None:
        apply_sample_row(cfg)
    if not cfg.sweep.run_plots:
        cfg.output.plots = False
    if cfg.sweep.run_tables is not None:
        cfg.output.tables = list(cfg.sweep.run_tables)
    digest = config_hash(cfg)
    if is_complete(out, digest):
        os.utime(out / DONE)  # the progress bar counts markers touched during this sweep
        summary = json.loads((out / "summary.json").read_text())
        summary["_skipped"] = True
        return summary
    return run(cfg, out, digest=digest, overrides=overrides, histories=histories, more=more)
