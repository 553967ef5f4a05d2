"""Which target parts the calibration has seen: out-of-sample evidence is a test part nothing was tuned on.

The fit/test split dates the parts (fit up to 2020, test 2021-2023), but a test part is evidence the model
was not fitted to only if no parameter was tuned on it and no modelling choice was made while looking at it.
Early sessions tuned on some test parts before the split existed (C1, C9, the I parts, G2), and later ones
chose some values after seeing one (docs/CALIBRATION.md tells each story). Two declarations record it as data:

- each entry of the uncertainty group (configs/uncertainties/default.yaml) lists in `tuned_on` the parts its
  value was tuned on; an assumption whose value was picked after seeing a part lists that part too;
- a part of configs/validation_targets.yaml names in `seen` any other choice made with it in view (the field
  mixes read from C10 in the first commit, a rule chosen among variants by its effect on the part).

The validation report marks each part with what has seen it and counts the out-of-sample parts apart.
"""

from __future__ import annotations

from functools import lru_cache

from .targets import BY_ID, TARGETS


def parts_of(ref: str) -> list[tuple[str, str]]:
    """The (target id, part name) pairs a reference names: `C9` is all of C9's parts, `C4.share_2017` one part."""
    tid, _, part = ref.partition(".")
    target = BY_ID.get(tid)
    if target is None:
        raise ValueError(f"'{ref}' names no target")
    names = [p.name for p in target.parts]
    if not part:
        return [(tid, n) for n in names]
    if part not in names:
        raise ValueError(f"'{ref}': {tid} has no part '{part}' (parts: {', '.join(names)})")
    return [(tid, part)]


def seen_by(uncertainties: dict) -> dict[tuple[str, str], list[str]]:
    """{(target id, part): what has seen it}: the uncertainty entries tuned on it, then the part's own `seen`."""
    out: dict[tuple[str, str], list[str]] = {}
    for name, u in uncertainties.items():
        for ref in u.tuned_on:
            for key in parts_of(ref):
                out.setdefault(key, []).append(name)
    for t in TARGETS:
        for p in t.parts:
            if p.seen:
                out.setdefault((t.id, p.name), []).append(p.seen)
    return out


@lru_cache(maxsize=1)
def default_seen() -> dict[tuple[str, str], list[str]]:
    """`seen_by` for the shipped uncertainty group (the one the robustness table and policy analysis use)."""
    from ..robust.uncertainties import load

    return seen_by(load("default"))
