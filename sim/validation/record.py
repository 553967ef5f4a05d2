"""The validation record: what one `python -m sim.validation` run found, for the model version it ran on.

Every run writes `record.json` into its report folder (results/validation/<timestamp>/). A brief
(issue 18) calls `latest()` to state the validation status of the code it reports on: the newest
record of the same package version and git commit, or None ("not validated").
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from .report import headline

ROOT = Path(__file__).resolve().parent.parent.parent
NAME = "record.json"
DEFAULT_OUT = ROOT / "results" / "validation"


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as v

    try:
        return v("entangle")
    except PackageNotFoundError:
        return "unknown"


def commit() -> str | None:
    """The checkout's commit, with "-dirty" if tracked files differ from it; None outside a git checkout."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("-dirty" if dirty else "") if head else None


def make(rows, directions, meta, robustness=None) -> dict:
    """The record of one validation: version, commit, scale, seeds, counts in band, fit/test, directions."""
    h = headline(rows)
    checked = [d for d in directions if not d.get("reported_only")]
    rec = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": version(),
        "commit": commit(),
        "scenario": meta["scenario"],
        "scale": meta["scale"],
        "factor": meta["factor"],
        "seeds": meta["seeds"],
        "seed0": meta.get("seed0", 0),
        "pooled": bool(meta.get("pooled")),
        "in_band": h["in"],
        "counted": h["of"],
        "fit": list(h["fit"]),
        "test": list(h["test"]),
        "out_of_sample": list(h["out_of_sample"]),
        "input_parts_in_band": list(h["input"]),
        "outside_checks_in_band": list(h["outside"]),
        "out_of_band": [f"{r['id']} {r['part']}" for r in rows if r["counted"] and not r["in_band"]],
        "directions": {
            "checked": bool(directions),
            "hold": sum(d["holds"] for d in checked),
            "of": len(checked),
            "failing": [f"{d['direction']}: {d['check']}" for d in checked if not d["holds"]],
            "reported_only": [
                f"{d['direction']}: {d['check']} ({d['seeds_holding']})" for d in directions if d.get("reported_only")
            ],
        },
    }
    if meta.get("params"):  # run with params overrides: not the defaults' validation (`latest` skips it)
        rec["params"] = {k: v if isinstance(v, (bool, int, float, str)) else repr(v) for k, v in meta["params"].items()}
    if robustness is not None:
        rec["robustness"] = {
            "rows": len(robustness),
            "meeting_goal": sum(r["meets_goal"] for r in robustness),
            "missing_goal": [r["key"] for r in robustness if not r["meets_goal"]],
        }
    return rec


def records(out: Path | str = DEFAULT_OUT) -> list[dict]:
    """Every record under `out`, oldest first, each with its `folder`."""
    found = []
    for path in Path(out).glob(f"*/{NAME}"):
        if path.parent.name.startswith("."):
            continue  # a report still being written
        try:
            rec = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        rec["folder"] = str(path.parent)
        found.append(rec)
    return sorted(found, key=lambda r: (r.get("created", ""), r["folder"]))


def latest(
    out: Path | str = DEFAULT_OUT,
    *,
    version_: str | None = None,
    commit_: str | None = None,
    scenario: str | None = "baseline",
    scale: str | None = None,
) -> dict | None:
    """The newest record for this package version and commit (defaults: the running code's), or None.

    A record made on uncommitted changes ("-dirty") matches only a dirty checkout of the same commit, and no
    record matches when the commit is unknown on either side: a brief then says the version is not validated.
    A record made with params overrides (`params.<mechanism>.<field>=...`) never matches.
    """
    want_version = version_ or version()
    want_commit = commit_ if commit_ is not None else commit()
    if want_commit is None:
        return None
    for rec in reversed(records(out)):
        if rec.get("version") != want_version or rec.get("commit") != want_commit:
            continue
        if rec.get("params"):  # made with params overrides: says nothing about the defaults
            continue
        if scenario is not None and rec.get("scenario") != scenario:
            continue
        if scale is not None and rec.get("scale") != scale:
            continue
        return rec
    return None
