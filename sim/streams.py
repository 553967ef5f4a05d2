"""Random streams: each mechanism draws from its own numpy Generator, derived from the run's seed by name.

With one shared generator, a policy that changes how many random numbers one mechanism draws
(fewer deals, more screened ties) shifts every later draw of every other mechanism: a paired
comparison (same seed, with and without the policy) then mixes the policy's effect with fresh
noise everywhere. With a stream per mechanism, the other mechanisms' draws stay the same and only
the policy's real (indirect) effects move them.

A stream is the child of `SeedSequence(seed)` keyed by a hash of its name, so adding a mechanism
(or a stream) never changes the others. `quarter(name, quarter, part)` is a fresh generator per
quarter and part of a mechanism: a change in how many numbers one quarter's part draws then
stays in that quarter and part instead of shifting the rest of the run's draws. `model.rng`
(Mesa's) builds the population and is left to Mesa.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(name: str) -> int:
    return zlib.crc32(name.encode())


class Streams:
    """`streams.<name>`: the named stream (created on first use); `streams.quarter(...)`: a per-quarter one."""

    def __init__(self, seed: int):
        self._seed = int(seed)

    def __getattr__(self, name: str) -> np.random.Generator:
        if name.startswith("_"):
            raise AttributeError(name)
        gen = np.random.default_rng(np.random.SeedSequence(self._seed, spawn_key=(_key(name),)))
        setattr(self, name, gen)  # later look-ups find the attribute and skip __getattr__
        return gen

    def quarter(self, name: str, quarter: int, part: str) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(self._seed, spawn_key=(_key(name), quarter, _key(part))))
