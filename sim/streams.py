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

import functools
import zlib

import numpy as np


@functools.lru_cache(maxsize=256)
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

    def key(self, name: str, quarter: int, part: str) -> np.uint64:
        """A 64-bit key for `keyed_uniforms`, derived like `quarter`'s generator (same name, quarter, part)."""
        seq = np.random.SeedSequence(self._seed, spawn_key=(_key(name), quarter, _key(part)))
        return seq.generate_state(1, np.uint64)[0]


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = (np.uint64(s) for s in (30, 27, 31))


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijection of 64-bit words whose outputs pass as independent uniform bits.
    Works in place on `x` (a fresh array of the caller's) with one scratch array: whole-word integer
    arithmetic, so the same bits as the textbook expression."""
    y = np.right_shift(x, _S30)
    x ^= y
    x *= _M1
    np.right_shift(x, _S27, out=y)
    x ^= y
    x *= _M2
    np.right_shift(x, _S31, out=y)
    x ^= y
    return x


def keyed_uniforms(key: np.uint64, ids: np.ndarray, n: int) -> np.ndarray:
    """[len(ids), n] uniforms in (0, 1), each a hash of (key, id, column): a counter-based generator.

    A row's numbers depend only on its own id, not on how many other rows there are or where they sit,
    so a policy that adds, drops or moves some draws (an investor with more dry powder makes one more
    attempt) leaves every other row's numbers as they were: paired runs compare decisions, not reshuffles.
    `ids` are non-negative integers unique within a key (an agent row, or a row and a counter packed).
    Each 64-bit hash gives two numbers of 32 bits (resolution 2**-32, ample for choices and Gumbel noise).
    """
    with np.errstate(over="ignore"):
        row = _mix(np.asarray(ids, np.uint64) * _GOLDEN + key)
        cols = np.arange(1, (n + 1) // 2 + 1, dtype=np.uint64) * _GOLDEN
        bits = _mix(row[:, None] ^ cols[None, :])
    out = bits.view(np.uint32).reshape(len(row), -1)[:, :n].astype(float)
    out += 0.5  # (h + 0.5) * 2**-32, exact in doubles
    out *= 2.0**-32
    return out


def keyed_columns(key: np.uint64, ids: np.ndarray, start: int, n: int) -> np.ndarray:
    """Columns `start` ... `start + n - 1` of `keyed_uniforms(key, ids, start + n)`, transposed: [n, len(ids)].

    The same bits (the same hash per id and pair of columns, the same 32-bit halves), with only the hashes of
    the columns asked for computed, and laid out a column per row: a caller that needs some columns for every
    id and others for a few ids draws each set on its own, and reads a column as one contiguous row."""
    with np.errstate(over="ignore"):
        row = _mix(np.asarray(ids, np.uint64) * _GOLDEN + key)
        cols = np.arange(start // 2 + 1, (start + n - 1) // 2 + 2, dtype=np.uint64) * _GOLDEN
        bits = _mix(cols[:, None] ^ row[None, :])
    out = np.empty((2 * len(cols), len(row)))
    # A hash's low half is the even column, its high half the odd one (the uint32 view of keyed_uniforms).
    out.reshape(len(cols), 2, len(row))[...] = bits.view(np.uint32).reshape(len(cols), len(row), 2).transpose(0, 2, 1)
    out = out[start % 2 : start % 2 + n]
    out += 0.5
    out *= 2.0**-32
    return out


def keyed_bits(key: np.uint64, ids: np.ndarray) -> np.ndarray:
    """[len(ids)] the 32-bit hashes h behind `keyed_uniforms(key, ids, 1)[:, 0]` (that is (h + 0.5) * 2**-32):
    a threshold on a uniform is a threshold on h, with no conversion to floats. The same words, one column."""
    with np.errstate(over="ignore"):
        row = _mix(np.asarray(ids, np.uint64) * _GOLDEN + key)
        row ^= _GOLDEN  # the first column's constant (1 x _GOLDEN), in place on the fresh array
        bits = _mix(row)
    return bits.view(np.uint32)[::2]  # each word's first 32 bits, as keyed_uniforms' [:, 0]


def keyed_uniform(key: np.uint64, ids: np.ndarray) -> np.ndarray:
    """`keyed_uniforms(key, ids, 1)[:, 0]` (the same numbers) without the one-column matrix."""
    out = keyed_bits(key, ids).astype(float)
    out += 0.5
    out *= 2.0**-32
    return out


def poisson_inverse(u: np.ndarray, lam) -> np.ndarray:
    """Poisson counts with means `lam` (an array, or one mean for all) from uniforms `u`, by inverse CDF:
    the smallest k with CDF(k) >= u."""
    if np.ndim(lam) == 0:
        top = int(lam + 10 * np.sqrt(lam) + 10)  # the tail beyond it is below 1e-9
        ks = np.arange(top)
        pmf = np.exp(-lam + ks * np.log(max(lam, 1e-300)) - np.cumsum(np.log(np.maximum(ks, 1))))
        return np.minimum(np.searchsorted(np.cumsum(pmf), u), top - 1)
    count = np.zeros(len(u), np.int64)
    some = np.flatnonzero(u > np.exp(-lam))  # most means are small: only those past 0 go on
    u, lam = u[some], lam[some]
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    k, c = 0, np.zeros(len(some), np.int64)
    while True:  # one term a pass, all lanes at once (a count rarely passes 15 at these means)
        past = u > cdf
        if not past.any():
            break
        k += 1
        c += past
        pmf *= lam / k
        cdf += pmf
    count[some] = c
    return count
