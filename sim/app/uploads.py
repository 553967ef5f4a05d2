"""Uploads: a scenario file from a browser, checked before it touches the model (issue 16, items 14-15).

An upload is refused with one line unless it is a scenario: a `.yaml`/`.yml` name without any
path, at most `MAX_SCENARIO_BYTES`, and not an archive, a Parquet table or other binary data.
What passes is written into the session's (or room's) own folder and loaded exactly as the
command line loads a scenario, except that it may extend only a shipped scenario. A refused or
failing upload is deleted at once: only a scenario that loaded stays on disk, until its session
or room ends.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

from ..atomic import write_bytes
from ..errors import ConfigError
from ..limits import MAX_SCENARIO_BYTES

ALLOWED = f"a .yaml scenario file of at most {MAX_SCENARIO_BYTES:,} bytes (no archive, table or path)"
# Leading bytes of what people upload by mistake (or on purpose) instead of a scenario.
MAGIC = {
    b"PK\x03\x04": "a zip archive",
    b"\x1f\x8b": "a gzip archive",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"7z\xbc\xaf": "a 7z archive",
    b"PAR1": "a Parquet table",
    b"\x89HDF": "an HDF5 file",
    b"%PDF": "a PDF",
}


def decode(info: dict) -> tuple[str, bytes]:
    """The browser's message (upload.vue: name, size, base64 data) -> (name, bytes); too big -> refused unread."""
    name = str(info.get("name", ""))
    size = int(info.get("size") or 0)
    if size > MAX_SCENARIO_BYTES:
        raise ConfigError("scenario", f"{_shown(name)} has {size:,} bytes", ALLOWED)
    if "text" in info:  # a caller that already has the text (tests, older pages)
        return name, str(info["text"]).encode("utf-8", "surrogateescape")
    try:
        return name, base64.b64decode(str(info.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError("scenario", f"{_shown(name)} did not arrive whole", ALLOWED) from None


def _shown(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_. -]", "_", name)[:80] or "the upload"


def check(name: str, data: bytes) -> str:
    """The file name to store the upload under, or ConfigError with one line saying why it is not a scenario."""
    shown = _shown(name)
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise ConfigError("scenario", f"'{shown}' is a path, not a file name", ALLOWED)
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        raise ConfigError("scenario", f"{shown} is not a .yaml file", ALLOWED)
    if len(data) > MAX_SCENARIO_BYTES:
        raise ConfigError("scenario", f"{shown} has {len(data):,} bytes", ALLOWED)
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise ConfigError("scenario", f"{shown} is {what}", ALLOWED)
    if data[257:262] == b"ustar":
        raise ConfigError("scenario", f"{shown} is a tar archive", ALLOWED)
    if b"\x00" in data:
        raise ConfigError("scenario", f"{shown} is binary data", ALLOWED)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def receive(folder: str | Path, name: str, data: bytes) -> Path:
    """Check an upload and write it (atomically) into `folder`; the path of the stored scenario."""
    path = Path(folder) / check(name, data)
    write_bytes(data, path)
    return path


def load(folder: str | Path, name: str, data: bytes, seed: int = 0, scale: str = "classroom"):
    """An uploaded scenario as a `Session`; on any refusal the stored file is removed again."""
    from .session import Session

    path = receive(folder, name, data)
    try:
        return Session(str(path), seed, scale, display_name=path.stem, uploaded=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
