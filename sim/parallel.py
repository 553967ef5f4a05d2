"""One way to run independent jobs on worker processes: results in the items' order, whatever the worker count."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed


def parallel_map(
    fn: Callable,
    items: Iterable,
    workers: int | None = None,
    *,
    fresh_workers: bool = False,
    progress: str | None = None,
) -> list:
    """`[fn(item) for item in items]` on `workers` processes (default: all cores), in the items' order.

    `fn` must be a module-level function (it is pickled by name). Jobs are independent and seeded by
    their item, so the results do not depend on `workers`; with one worker they run in this process.
    `fresh_workers`: a new process per job, for jobs that change module state (scripts/calibrate.py
    edits the actor catalogue). `progress`: a label for a progress bar on stderr (None: no bar).
    """
    items = list(items)
    workers = max(1, min(workers or os.cpu_count() or 1, len(items) or 1))
    bar = None
    if progress is not None:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc=progress, file=sys.stderr)
    try:
        if workers == 1 and not fresh_workers:
            results = []
            for item in items:
                results.append(fn(item))
                if bar is not None:
                    bar.update(1)
            return results
        results = [None] * len(items)
        with ProcessPoolExecutor(workers, max_tasks_per_child=1 if fresh_workers else None) as pool:
            futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                if bar is not None:
                    bar.update(1)
        return results
    finally:
        if bar is not None:
            bar.close()
