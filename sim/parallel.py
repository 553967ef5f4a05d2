"""One way to run independent jobs on worker processes: results in the items' order, whatever the worker count."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[Executor | None]:
    """Worker processes kept across several `parallel_map` calls (a search's generations), so each
    imports the package once. None with one worker: the jobs then run in this process."""
    workers = max(1, workers or os.cpu_count() or 1)
    if workers == 1:
        yield None
        return
    pool = ProcessPoolExecutor(workers)
    try:
        yield pool
    except BaseException:
        _abandon(pool)
        raise
    pool.shutdown()


def parallel_map(
    fn: Callable,
    items: Iterable,
    workers: int | None = None,
    *,
    fresh_workers: bool = False,
    progress: str | None = None,
    pool: Executor | None = None,
) -> list:
    """`[fn(item) for item in items]` on `workers` processes (default: all cores), in the items' order.

    `fn` must be a module-level function (it is pickled by name). Jobs are independent and seeded by
    their item, so the results do not depend on `workers`; with one worker they run in this process.
    `fresh_workers`: a new process per job, for jobs that change module state (scripts/calibrate.py
    edits the actor catalogue). `progress`: a label for a progress bar on stderr (None: no bar).
    `pool`: an open `worker_pool` to run on (then `workers` is the pool's).
    """
    items = list(items)
    workers = max(1, min(workers or os.cpu_count() or 1, len(items) or 1))
    bar = None
    if progress is not None:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc=progress, file=sys.stderr)
    try:
        if pool is not None:
            return _collect(pool, fn, items, bar)
        if workers == 1 and not fresh_workers:
            results = []
            for item in items:
                results.append(fn(item))
                if bar is not None:
                    bar.update(1)
            return results
        own = ProcessPoolExecutor(workers, max_tasks_per_child=1 if fresh_workers else None)
        try:
            results = _collect(own, fn, items, bar)
        except BaseException:
            _abandon(own)
            raise
        own.shutdown()
        return results
    finally:
        if bar is not None:
            bar.close()


def _abandon(pool: Executor) -> None:
    """Ctrl-C or a failed job: drop the jobs not yet started instead of running them all first
    (a plain `with` block waits for every pending job before the error reaches the user)."""
    pool.shutdown(wait=False, cancel_futures=True)


def _collect(pool: Executor, fn: Callable, items: list, bar) -> list:
    results = [None] * len(items)
    futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
    try:
        for fut in as_completed(futures):
            results[futures[fut]] = fut.result()
            if bar is not None:
                bar.update(1)
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return results
