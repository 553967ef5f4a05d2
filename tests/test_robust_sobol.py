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
from sim.robust.uncertainties import load, sampled

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


def test_dropping_uncertainties_by_name_and_an_unknown_one_is_one_line(capsys):
    from sim.robust.__main__ import main as robust
    from sim.robust.__main__ import parse

    options, _ = parse("sweep", ["~uncertainties.tie_decay", "~uncertainties.cloud_share"])
    assert "tie_decay" not in options.uncertainties and "cloud_share" not in options.uncertainties
    assert "substitution" in options.uncertainties
    with pytest.raises(SystemExit) as stop:
        robust(["sweep", "~uncertainties.nosuch"])
    err = capsys.readouterr().err.strip()
    assert stop.value.code == 2 and err.startswith("error: ~uncertainties.nosuch: no such uncertainty")
    assert "\n" not in err


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


UNCERTAIN = ["params.collaboration.tie_decay", "params.compute.market.smuggling_premium"]
# every other sampled entry of the group is dropped by name, so the design stays n × (2 + 2)
DROPS = [f"~uncertainties.{name}" for name, u in sampled(load()).items() if u.key not in UNCERTAIN]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """2 policies × a Sobol design of n=4 over 2 uncertainties (16 worlds): 32 classroom runs."""
    tmp = tmp_path_factory.mktemp("sobol")
    out = tmp / "robust"
    args = ["sweep", "n=4", "sampler=sobol", f"sweep={out}", "outcomes=papers_CN_EU:max,compute_access_CN:min"]
    args += [*DROPS, f"{LEVER}=0.2,1.0", "scale=classroom", "end=2026Q4", "hydra/launcher=basic"]
    _cli(args, tmp)
    return out


@pytest.mark.slow
def test_a_sobol_sweep_gives_indices_per_policy_outcome_and_uncertainty(swept):
    table = pd.read_parquet(swept / "sobol.parquet")
    assert len(table) == 2 * 2 * 2
    assert set(table["uncertainty"]) == set(UNCERTAIN) and set(table[LEVER]) == {0.2, 1.0}
    assert (table["when"] == "end of run").all()
    assert table.groupby([LEVER, "outcome", "uncertainty"]).size().eq(1).all()
    papers = table[table["outcome"] == "papers_CN_EU"].set_index([LEVER, "uncertainty"])["ST"]
    for policy in (0.2, 1.0):
        # CN-EU co-authorship hangs on how long ties last, hardly on the grey-market chip mark-up
        tie, chips = papers[(policy, UNCERTAIN[0])], papers[(policy, UNCERTAIN[1])]
        # (n=4 is a crude design: tie_decay's ST is 0.26-0.27 here, 0.85 at n=8; the mark-up's stays below 0.01)
        assert tie > 0.15 and chips < 0.05 and tie > 10 * chips, (policy, tie, chips)
    # with weak controls China's compute access is saturated in every world: nothing to apportion
    access = table[(table["outcome"] == "compute_access_CN") & (table[LEVER] == 0.2)]
    assert (access["ST"] == 0).all()
    assert (swept / "plots" / "sobol_papers_CN_EU.png").is_file()


@pytest.mark.slow
def test_sobol_indices_honour_the_year_and_reach_the_brief(swept):
    _cli(["metrics", f"sweep={swept}", "outcomes=papers_CN_EU:max", "year=2025"], swept.parent)
    table = pd.read_parquet(swept / "sobol.parquet")
    assert len(table) == 2 * 1 * 2 and (table["when"] == "2025").all()
    _cli_report = subprocess.run(
        [sys.executable, "-m", "sim.report", str(swept)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
    )
    assert _cli_report.returncode == 0, _cli_report.stderr
    brief = (swept / "brief.md").read_text()
    assert "Top 3 uncertainties by ST per policy and outcome" in brief
    assert "| papers_CN_EU | export_controls.stringency=0.2 | 1 | collaboration.tie_decay |" in brief


@pytest.mark.slow
def test_no_sobol_table_from_a_latin_or_unfinished_sample_in_one_line(swept, tmp_path):
    import json
    import shutil

    latin = shutil.copytree(swept, tmp_path / "latin")
    problem = json.loads((latin / "problem.json").read_text())
    (latin / "problem.json").write_text(json.dumps(problem | {"sampler": "latin"}))
    done = _cli(["metrics", f"sweep={latin}", "outcomes=papers_CN_EU:max"], tmp_path)
    notes = [line for line in done.stdout.splitlines() if "Sobol" in line]
    assert notes == ["no Sobol indices: the sample is latin (sampler=sobol gives them)"]
    assert not (latin / "sobol.parquet").exists() and (latin / "robustness.parquet").is_file()

    unfinished = shutil.copytree(swept, tmp_path / "unfinished")
    runs = pd.read_parquet(unfinished / "runs.parquet")
    runs.drop(index=runs.index[0]).to_parquet(unfinished / "runs.parquet")
    done = _cli(["metrics", f"sweep={unfinished}", "outcomes=papers_CN_EU:max"], tmp_path)
    notes = [line for line in done.stdout.splitlines() if "Sobol" in line]
    assert len(notes) == 1 and "1 of 16 sample rows have no finished run" in notes[0], notes
    assert not (unfinished / "sobol.parquet").exists() and (unfinished / "robustness.parquet").is_file()


def test_indices_over_time_follow_each_years_drivers(tmp_path):
    """Year by year: in 2025 the outcome is the Ishigami function, in 2026 x1 alone (its driver
    changes over time); each year's rows are that year's per-policy indices, and the plot is drawn."""
    values, problem = ishigami_frame(256)
    later = values.copy()
    x1_only = values[values[LEVER] == 0.0].set_index(["seed", "sample_row"])["y"]
    later["y"] = later.set_index(["seed", "sample_row"]).index.map(x1_only).to_numpy()
    table = sobol.over_time({2026: later, 2025: values}, problem, [LEVER], ["y"])
    assert list(dict.fromkeys(table["year"])) == [2025, 2026]
    for year, frame in ((2025, values), (2026, later)):
        got = table[table["year"] == year].drop(columns="year").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, sobol.per_policy(frame, problem, [LEVER], ["y"]))
    st = table.set_index(["year", LEVER, "uncertainty"])["ST"]
    assert st[(2025, 1.0, "params.x2")] > 0.3 and st[(2026, 1.0, "params.x2")] == 0
    paths = sobol.plot_over_time(table, tmp_path)
    assert [p.name for p in paths] == ["sobol_over_time_y.png"] and paths[0].stat().st_size > 0
