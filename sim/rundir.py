"""The folder of a single run (`hydra.run.dir`): when, what, and which overrides, never shared.

`results/runs/2026-11-30_19-40-03_baseline_s0_policies.export_controls.stringency=0.5/`: the start
time, the scenario, the seed, then the other command-line overrides (safe characters only; a long
tail is cut and ends in a short hash of the whole). The folder is created here, exclusively: a
second run that would get the same name (same overrides, same second, in this or another process)
gets `-2`, `-3`, ... instead of writing into the first run's folder.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from pathlib import Path

from omegaconf import OmegaConf

from .errors import OutputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._=-]")
_SHOWN_ELSEWHERE = ("scenario", "seed")  # already in the name
MAX_TAIL = 120


def _now() -> datetime:
    return datetime.now()


def override_tail(overrides) -> str:
    """The overrides other than scenario and seed, as one filesystem-safe string ('' if none)."""
    kept = [str(o) for o in overrides if str(o).split("=", 1)[0].lstrip("+~") not in _SHOWN_ELSEWHERE]
    text = "_".join(kept)
    safe = _UNSAFE.sub("_", text)
    if len(safe) > MAX_TAIL:
        safe = f"{safe[: MAX_TAIL - 11]}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"
    return safe


def name(scenario: str, seed, overrides=()) -> str:
    tail = override_tail(overrides)
    stem = f"{_now():%Y-%m-%d_%H-%M-%S}_{_UNSAFE.sub('_', Path(str(scenario)).stem)}_s{seed}"
    return f"{stem}_{tail}" if tail else stem


def claim(parent, stem: str) -> str:
    """Create `parent/stem` (or `stem-2`, `stem-3`, ... if taken) and return it; mkdir is atomic.

    A folder that cannot be made (read-only, full, no permission) ends the command with one line:
    this runs inside Hydra's config resolution, which would otherwise print a traceback.
    """
    try:
        Path(parent).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SystemExit(f"error: {OutputError(parent, err)}") from None
    for n in range(1, 10_000):
        path = os.path.join(str(parent), stem if n == 1 else f"{stem}-{n}")
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        except OSError as err:
            raise SystemExit(f"error: {OutputError(path, err)}") from None
        return path
    raise FileExistsError(f"{parent}/{stem}: 10000 runs of this name")


def run_dir(parent, scenario, seed, overrides) -> str:
    return claim(parent, name(scenario, seed, overrides))


def register_resolvers() -> None:
    # Cached per config: should anything read hydra.run.dir twice (Hydra reads it once), still one folder.
    if not OmegaConf.has_resolver("run_dir"):
        OmegaConf.register_new_resolver("run_dir", run_dir, use_cache=True)
