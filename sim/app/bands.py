"""Seed bands: the same timeline run with several seeds in the background, so the room can tell the
model's noise from a policy's effect.

One background thread serves every session of the server (classroom speed: a classroom-scale run takes
one to two seconds), so the room keeps stepping while the runs go. A session's runs are queued per
seed, so when the class changes its timeline (a lever, an event, a rewind) or the scenario, the runs
not yet started are cancelled and the new ones queued; one already running finishes and is dropped.
(A worker process was tried first: its queue stalled now and then, and a stopped server left it behind.)
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np

# Seeds per band (the class's own seed and the next ones): enough to see the spread, few enough that
# a band is ready within seconds at classroom scale. ENTANGLE_BAND_SEEDS overrides it (benchmarks).
SEEDS = int(os.environ.get("ENTANGLE_BAND_SEEDS", "5"))
QUIET = 0.4  # seconds the background runs pause after the room acts: a step and its redraw come first
_quiet_until = 0.0
_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="entangle-seed-band")
            # at exit drop the queued runs (hooks run last-registered first, before the pool joins its thread)
            threading._register_atexit(_POOL.shutdown, wait=False, cancel_futures=True)
        return _POOL


def hush(seconds: float = QUIET) -> None:
    """The room acted (a click, a played step): background runs pause at their next mechanism for a moment.

    They share the server's interpreter lock; without the pause a step's redraw waits for theirs."""
    global _quiet_until
    _quiet_until = max(_quiet_until, time.monotonic() + seconds)


def _wait_for_quiet(stop) -> None:
    while time.monotonic() < _quiet_until and not (stop is not None and stop.is_set()):
        time.sleep(0.02)


class RunRows(list):
    """A finished run's rows (dicts, one a quarter), each column's values also kept as an array once read:
    every redraw reads the same columns of the same finished runs, and building them row by row at each
    redraw made a step's redraw grow with the number of finished runs (about 0.8 ms a run at classroom
    scale: 200 runs added 166 ms to the charts' data)."""

    def __init__(self, rows):
        super().__init__(rows)
        self._columns: dict[str, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        values = self._columns.get(name)
        if values is None:
            values = self._columns[name] = np.array([row.get(name, np.nan) for row in self], dtype=float)
        return values


def _column(rows: list[dict], name: str) -> np.ndarray:
    if isinstance(rows, RunRows):
        return rows.column(name)
    return np.array([row.get(name, np.nan) for row in rows], dtype=float)


def run_rows(scenario: str | None, text: str | None, seed: int, scale: str, stop=None) -> list[dict] | None:
    """One whole run (in the background thread): a scenario name or path, or a scenario file's text (an
    export); None if `stop` is set before it ends (the class changed its timeline)."""
    from .session import Session

    path = None
    if text is not None:
        fd, path = tempfile.mkstemp(suffix=".yaml", prefix="entangle-band-")
        Path(path).write_text(text)
        os.close(fd)
    try:
        s = Session(path or scenario, seed, scale, uploaded=path is not None)
        s.hushes_bands = False  # a background run must not pause the background runs
        # it pauses between mechanisms, not only between quarters: a click that lands mid-quarter shares
        # the interpreter with one mechanism's work at most
        s.model.pause_point = lambda: _wait_for_quiet(stop)
        while True:
            if not s.step():
                break
            if stop is not None and stop.is_set():
                s.close()
                return None
        rows = RunRows({k: v for k, v in r.items() if isinstance(v, (int, float))} for r in s.model.recorder.rows)
        s.close()
        return rows
    finally:
        if path:
            os.unlink(path)


class SeedBand:
    """Runs of one timeline over `SEEDS` seeds, queued for the background thread."""

    def __init__(self, scenario: str | None, text: str | None, seed: int, scale: str, seeds: int = SEEDS):
        self.stop = threading.Event()
        self.futures: list[Future] = [
            _pool().submit(run_rows, scenario, text, seed + k, scale, self.stop) for k in range(seeds)
        ]

    def cancel(self) -> None:
        self.stop.set()  # the run under way stops at its next quarter
        for f in self.futures:
            f.cancel()

    def runs(self) -> list[list[dict]]:
        done = [f for f in self.futures if f.done() and not f.cancelled() and f.exception() is None]
        return [rows for rows in (f.result() for f in done) if rows is not None]

    @property
    def pending(self) -> list[Future]:
        return [f for f in self.futures if not f.done()]


class SeedBands:
    """A session's bands by name ("class", "compare"), each restarted only when its job changes."""

    def __init__(self):
        self.bands: dict[str, tuple[tuple, SeedBand]] = {}
        self.lock = threading.Lock()  # the page's render and its watcher thread both read the bands

    def update(self, jobs: dict[str, tuple], seed: int = 0, scale: str = "classroom") -> bool:
        started = False
        with self.lock:
            for name in list(self.bands):
                if name not in jobs or self.bands[name][0] != (*jobs[name], seed, scale):
                    self.bands.pop(name)[1].cancel()
            for name, job in jobs.items():
                if name not in self.bands:
                    self.bands[name] = ((*job, seed, scale), SeedBand(*job, seed, scale))
                    started = True
        return started

    def cancel(self) -> None:
        self.update({})

    def _current(self) -> dict[str, SeedBand]:
        with self.lock:
            return {name: band for name, (_, band) in self.bands.items()}

    def runs(self, name: str) -> list[list[dict]]:
        band = self._current().get(name)
        return band.runs() if band else []

    def status(self) -> tuple[int, int]:
        """(runs done, runs asked for) over every band."""
        bands = list(self._current().values())
        return sum(len(b.futures) - len(b.pending) for b in bands), sum(len(b.futures) for b in bands)

    def wait(self, timeout: float) -> bool:
        """Block until a run finishes (True) or `timeout` passes or nothing is pending (False)."""
        pending = [f for b in self._current().values() for f in b.pending]
        if not pending:
            return False
        done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
        return bool(done)


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over `window` quarters (fewer at the start), along the last axis; NaN-aware."""
    if window <= 1 or values.shape[-1] == 0:
        return values
    v = np.nan_to_num(values, nan=0.0)
    ok = (~np.isnan(values)).astype(float)
    c = np.cumsum(v, axis=-1)
    n = np.cumsum(ok, axis=-1)
    c[..., window:] = c[..., window:] - c[..., :-window].copy()
    n[..., window:] = n[..., window:] - n[..., :-window].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, c / np.maximum(n, 1), np.nan)


def band(runs: list[list[dict]], column: str, n: int, factor: float = 1.0, window: int = 1):
    """(lowest, highest) of `column` over the runs, for the first `n` quarters; None with fewer than two runs."""
    runs = [r for r in runs if len(r) >= n]
    if len(runs) < 2 or n == 0:
        return None
    values = np.stack([_column(r, column)[:n] for r in runs]) * factor
    values = smooth(values, window)
    return np.nanmin(values, axis=0), np.nanmax(values, axis=0)
