"""A run folder's completeness marker, `done.json`: written last, removed first.

Every run (single or sweep job) holds its folder while it writes (`writing`), removes the marker
and the outputs of any earlier run there before it writes anything (`begin`), and writes the marker
atomically after its last file (`finish`). So a folder with a marker holds exactly one complete run,
and a folder without one (a killed run, a killed rerun into a finished run's folder) is plainly
incomplete; no folder mixes two runs' files under a marker.

The marker carries a hash of everything that shapes the run's outputs: the resolved config, the
content of every scenario file read (the scenario and its `extends:` parents) and Entangle's version.
A sweep resumed into the same folder skips a job only if its marker is there and the hash matches, so
an edited scenario file, a changed lever or a new version runs again.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

DONE = "done.json"
TABLES = ("timeseries", "countries", "deals", "institutions")
PLOTS = ("papers.png", "capability.png", "investment.png", "standards.png")
# What a run writes at the top of its folder (Hydra's .hydra/ and log stay: they describe the new run)
OUTPUTS = tuple(f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")) + ("summary.json",) + PLOTS


def config_hash(cfg) -> str:
    """A hash of everything that shapes the run's outputs (not `sweep`: the aggregate's settings)."""
    from . import __version__
    from .scenario import files_read

    node = cfg if isinstance(cfg, DictConfig) else OmegaConf.structured(cfg)
    data = OmegaConf.to_container(node, resolve=True)
    data.pop("sweep", None)
    data["_version"] = __version__
    data["_scenario_files"] = [hashlib.sha256(p.read_bytes()).hexdigest() for p in files_read(str(cfg.scenario))]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def is_complete(out, digest: str | None = None) -> bool:
    """A finished run: its marker exists and, if given, matches the config."""
    marker = Path(out) / DONE
    if not marker.is_file():
        return False
    try:
        done = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    files_there = all((Path(out) / f).is_file() for f in done.get("files", []))
    return files_there and (digest is None or done.get("config_sha") == digest)


@contextmanager
def writing(out):
    """Hold `out` for one run: a second run into the same folder (another process, the same time)
    stops with one line instead of mixing its files with this one's. The lock is the kernel's, on
    the folder itself: a killed run releases it and leaves no lock file behind."""
    from .errors import OutputError

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out, os.O_RDONLY)
    except OSError as err:
        raise OutputError(out, err) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(out, OSError(errno.EBUSY, "another run is writing into this folder")) from None
        yield out
    finally:
        os.close(fd)  # releases the lock


def begin(out) -> None:
    """Make `out` plainly incomplete, then clear what an earlier or killed run left there."""
    out = Path(out)
    old = []
    try:
        old = json.loads((out / DONE).read_text()).get("files", [])
    except (OSError, ValueError):
        pass
    _remove(out / DONE)  # first: from here on the folder is incomplete until finish()
    for name in set(OUTPUTS) | {str(f) for f in old if "/" not in str(f)}:
        _remove(out / name)
    for orphan in out.glob(".*.tmp"):  # an atomic write cut off by a kill
        _remove(orphan)


def finish(out, digest: str, files: list[str]) -> None:
    from . import __version__
    from .atomic import write_json

    write_json({"config_sha": digest, "files": files, "version": __version__}, Path(out) / DONE)


def _remove(path: Path) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
