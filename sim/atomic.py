"""Atomic output writing: a crash never leaves a half-written file."""

import json
import os
import tempfile
from pathlib import Path

import pandas as pd


def _atomic(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def write_parquet(df: pd.DataFrame, path) -> Path:
    return _atomic(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))


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
