"""sim.parallel: a failed job (or Ctrl-C) stops the pool instead of running every pending job first."""

import time
from pathlib import Path

import pytest

from sim.parallel import parallel_map, worker_pool


def _job(item):
    folder, i = item
    if i == 0:
        raise ValueError("job 0 fails")
    time.sleep(0.3)
    Path(folder, f"{i}.done").write_text("")
    return i


@pytest.mark.parametrize("shared_pool", [False, True])
def test_a_failed_job_cancels_the_jobs_not_yet_started(tmp_path, shared_pool):
    items = [(str(tmp_path), i) for i in range(40)]
    with pytest.raises(ValueError, match="job 0 fails"):
        if shared_pool:
            with worker_pool(2) as pool:
                parallel_map(_job, items, pool=pool)
        else:
            parallel_map(_job, items, workers=2)
    time.sleep(1.0)  # let any job already running finish writing
    # Two workers can have a few jobs in hand when job 0 fails; before the fix all 39 ran.
    assert len(list(tmp_path.glob("*.done"))) < 20


def test_results_keep_the_items_order(tmp_path):
    items = [(str(tmp_path), i) for i in range(1, 7)]
    assert parallel_map(_job, items, workers=2) == list(range(1, 7))
