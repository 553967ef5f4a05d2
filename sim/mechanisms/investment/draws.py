"""Investment's random numbers: a generator per quarter and part for draws of a fixed count, and uniforms
keyed to an id for draws whose number a policy changes (sim/streams.py)."""

from __future__ import annotations

import numpy as np

from ...streams import keyed_columns, keyed_uniforms


def _rng(model, part: str) -> np.random.Generator:
    """A fresh generator per quarter and part for draws of a fixed count (one per firm: rounds opening,
    turnover), so they never shift with what the policy changes (sim/streams.py)."""
    return model.streams.quarter("investment", model.quarter, part)


def _keyed(model, part: str, ids: np.ndarray, n: int) -> np.ndarray:
    """[len(ids), n] uniforms keyed to (seed, quarter, part, id): for draws whose number a policy changes
    (attempts, candidates, seats), so one fund's extra attempt or one round fewer moves no one else's numbers
    and a paired comparison sees the policy's effect rather than reshuffled noise."""
    return keyed_uniforms(model.streams.key("investment", model.quarter, part), ids, n)


def _keyed_t(model, part: str, ids: np.ndarray, start: int, n: int) -> np.ndarray:
    """Columns `start` ... `start + n - 1` of `_keyed(model, part, ids, start + n)`, a column per row ([n,
    len(ids)], the same numbers): only the columns a caller reads, each a contiguous row."""
    return keyed_columns(model.streams.key("investment", model.quarter, part), ids, start, n)
