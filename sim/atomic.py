"""Atomic output writing: a crash never leaves a half-written file.

Each file is written to a temporary name beside its destination, then renamed over it. The
temporary file is created private (0600); before the rename it gets the mode an ordinary
`open()` would have given it (0666 less the process umask), so colleagues can read the outputs.
"""

import json
import os
import tempfile
from pathlib import Path

import pandas as pd


def _umask() -> int:
    """The process umask. Linux reports it in /proc; elsewhere it can only be read by setting it, and
    for that instant files other threads create are private (the safe side), then it is restored."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _atomic(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def write_parquet(df: pd.DataFrame, path) -> Path:
    return _atomic(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))


def write_csv(df: pd.DataFrame, path) -> Path:
    """A spreadsheet copy of a table (`output.csv=true`): same rows and columns as the Parquet file."""
    return _atomic(path, lambda tmp: df.to_csv(tmp, index=False))


def write_json(obj, path) -> Path:
    def write(tmp):
        with open(tmp, "w") as fh:
            json.dump(obj, fh, indent=2, sort_keys=True)
            fh.write("\n")

    return _atomic(path, write)


def write_text(text: str, path) -> Path:
    return _atomic(path, lambda tmp: Path(tmp).write_text(text))


def save_figure(fig, path, **kwargs) -> Path:
    return _atomic(path, lambda tmp: fig.savefig(tmp, format=Path(path).suffix.lstrip("."), **kwargs))
