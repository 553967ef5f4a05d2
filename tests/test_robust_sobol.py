"""Sobol indices per policy from a Sobol robustness sweep (`python -m sim.robust metrics`).

Each policy's runs, in sample order and averaged over seeds, are decomposed on their own: an
uncertainty that does not enter a policy's outcome gets ST = 0 for that policy, whatever it does
under another policy. A Latin sample or an unfinished design gives one line, and the other tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.robust import sobol

ROOT = Path(__file__).resolve().parent.parent
LEVER = "policies.export_controls.stringency"


def ishigami_frame(n: int = 1024) -> tuple[pd.DataFrame, dict]:
    """Two policies over one Sobol design of three inputs on [-pi, pi], two seeds each (noise that
    cancels in the seed mean): policy 1.0 is Ishigami's function, policy 0.0 depends on x1 alone."""
    from SALib.sample import sobol as sampler

    problem = {"num_vars": 3, "names": ["params.x1", "params.x2", "params.x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sampler.sample(problem, n, calc_second_order=False, seed=1)
    ishigami = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    frames = []
    for lever, y in ((1.0, ishigami), (0.0, np.sin(x[:, 0]))):
        for seed, noise in ((0, 0.5), (1, -0.5)):
            frames.append(pd.DataFrame({LEVER: lever, "seed": seed, "sample_row": np.arange(len(x)), "y": y + noise}))
    problem.update(sampler="sobol", n=n, sample_seed=0)
    return pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=0), problem  # order must not matter


def test_sobol_indices_are_computed_per_policy_in_sample_order():
    values, problem = ishigami_frame()
    table = sobol.per_policy(values, problem, [LEVER], ["y"])
    assert len(table) == 2 * 1 * 3
    st = table.set_index([LEVER, "uncertainty"])["ST"]
    # Ishigami (a=7, b=0.1): ST1 = 0.558, ST2 = 0.442, ST3 = 0.244 (Saltelli et al. 2008)
    for name, exact in (("params.x1", 0.558), ("params.x2", 0.442), ("params.x3", 0.244)):
        assert st[(1.0, name)] == pytest.approx(exact, abs=0.08), name
    # under the other policy x2 and x3 do not enter the outcome: exactly no share of its variance
    assert st[(0.0, "params.x1")] == pytest.approx(1.0, abs=0.05)
    assert st[(0.0, "params.x2")] == 0 and st[(0.0, "params.x3")] == 0
    top = table[table["rank"] == 1].set_index(LEVER)["uncertainty"]
    assert top[1.0] == "params.x1" and top[0.0] == "params.x1"
    assert set(table["policy"]) == {"export_controls.stringency=1.0", "export_controls.stringency=0.0"}
    # the bootstrap intervals are reproducible
    pd.testing.assert_frame_equal(table, sobol.per_policy(values, problem, [LEVER], ["y"]))


def test_an_unfinished_design_or_a_latin_sample_is_one_line():
    from sim.errors import ConfigError

    values, problem = ishigami_frame(8)
    missing = values[~((values[LEVER] == 0.0) & (values["sample_row"] == 3))]
    with pytest.raises(ConfigError, match=r"stringency=0.0: 1 of 40 sample rows have no finished run"):
        sobol.per_policy(missing, problem, [LEVER], ["y"])
    with pytest.raises(ConfigError, match="latin sample has no Sobol indices"):
        sobol.per_policy(values, problem | {"sampler": "latin"}, [LEVER], ["y"])


def test_a_constant_outcome_has_zero_indices_not_nan():
    values, problem = ishigami_frame(8)
    table = sobol.per_policy(values.assign(y=1.0), problem, [LEVER], ["y"])
    assert (table[["S1", "S1_conf", "ST", "ST_conf"]] == 0).all().all()


# ---- slow: a real Sobol robustness sweep through the launcher ----


def _cli(args, cwd, check=True):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.robust", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
    )
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc
