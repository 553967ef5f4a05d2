"""`python -m sim.validation` end to end at classroom scale, its argument checks, and the
regression guard that the realistic baseline keeps the target parts now in band."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim.validation import command as V
from sim.validation.runs import DIRECTIONS
from sim.validation.targets import TARGETS

# Counted target parts (emergent and initial, configs/validation_targets.yaml) in band for the realistic
# baseline on the REGRESSION_SEEDS seeds. Raise it as calibration improves; never lower it silently.
# 20 seeds, as FACTS.md holds the baseline ("the median over at least 20 seeds"; ValidateConfig's default):
# on 8 seeds a median of ranks or of a heavy-tailed ratio is a lottery (C6 DE_rank's median of 8 ranks lands
# on 2.5 or 2 by one seed; G2's 10-90% range over 20 seeds is 2.7-8.6 against a band of [3, 5]).
# History on 8 seeds: 40 of 41 when investors came to decide (issue 14), 44 (s7-collab), 45 of 48 in sessions
# 8-10 (out C6 DE_rank 2.5, C10, C15).
# Session 11, 20 seeds (`python -m sim.validation seeds=20 directions=false workers=2`): main a900222 45 of 48
# (out C6 DE_rank 2.5, C10 share 0.455, C15 1.42); branch s11-divert3 46 of 48 (out C10 0.458, C15 1.41).
# Session 18 (the session-16 package on by default, the mature lanes at the first draw's count): 46 of 48 (out
# C1 29,440, 0.4% under its floor, and C10 0.468; C15 0.990 in), 25 of 25 directions.
REGRESSION_IN_BAND = 46
REGRESSION_SEEDS = 20
# The same at the shipped classroom scale (factor 0.5, shares, ratios and orderings on counts pooled over
# seeds; absolute counts are realistic-only): CLASSROOM_IN_BAND of the parts scored there, on CLASSROOM_SEEDS
# seeds. History on 8 seeds: 35 of 37 after the capacity merge; 32 of 37 after session 6's merges (lowered on
# purpose in a commit that said so); 35 of 37 in session 7; 37 of 39 since session 8 (out C10, C15).
# Session 11, 20 seeds (`python -m sim.validation seeds=20 scale=classroom directions=false workers=2`): main
# a900222 37 of 39 (out C10 share 0.461, C15 1.39); branch s11-divert3 37 of 39 (the same two out).
# Session 16 (s16-c15: session 13's candidate plus freed writing time, sim/mechanisms/freed.py): 38 of 39 (out
# C10 share 0.463; C2 1.98 back in). Realistic stays 46 of 48 (out C5 2021 0.0956, C10 0.469; C1 30,344 and
# C15 0.961 in). Session 18 (the package on by default, `mature_stock` first_draw_ties): 38 of 39 (out C10 0.468),
# 25 of 25 directions.
CLASSROOM_IN_BAND = 38
CLASSROOM_SEEDS = 20


@pytest.mark.slow
def test_report_end_to_end_classroom(tmp_path):
    opts = V.options(["seeds=2", "scale=classroom", f"out={tmp_path}", "workers=2"])
    res = V.validate(opts, progress=False)
    folder = res["folder"]
    assert folder.parent == tmp_path and not folder.name.startswith(".")
    for name in ("report.md", "targets.csv", "directions.csv", "fans.png", "overview.png"):
        assert (folder / name).stat().st_size > 0, name
    csv = pd.read_csv(folder / "targets.csv")
    assert list(dict.fromkeys(csv["id"])) == [t.id for t in TARGETS]
    assert len(csv) == sum(len(t.parts) for t in TARGETS)  # one row per part, none dropped
    assert {"part", "group", "kind", "status", "median", "p10", "p90", "band", "in_band", "counted"} <= set(csv.columns)
    assert not csv.loc[csv["kind"] == "input", "counted"].any()
    text = (folder / "report.md").read_text()
    assert "counted target parts in band" in text and "| C1 |" in text and "| G2 |" in text
    assert "## Fit parts" in text and "## Test parts" in text and "not computed" in text
    assert set(csv.loc[csv["scale"] == "all", "basis"]) <= {"pooled", "median"}  # below realistic: pooled counts
    assert (csv.loc[(csv["scale"] == "all") & ~csv["id"].isin(["C9", "G1"]), "basis"] == "pooled").all()
    dirs = pd.read_csv(folder / "directions.csv")
    assert len(dirs) == sum(len(d.checks) for d in DIRECTIONS)
    assert set(dirs["seeds_holding"]) <= {"0/2", "1/2", "2/2"}
    waiting = [c.label for d in DIRECTIONS for c in d.checks if c.expected_to_fail_until]
    assert set(dirs.loc[dirs["reported_only"], "check"]) == set(waiting)
    rec = json.loads((folder / "record.json").read_text())
    assert rec["scale"] == "classroom" and rec["seeds"] == 2 and rec["pooled"] is True
    assert rec["counted"] == int(csv["counted"].sum()) and rec["directions"]["of"] == len(dirs) - len(waiting)
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folder left behind


@pytest.mark.slow
def test_results_do_not_depend_on_worker_count(tmp_path):
    one = V.validate(
        V.options(["seeds=2", "scale=classroom", "directions=false", "workers=1", f"out={tmp_path / 'a'}"]),
        progress=False,
    )
    two = V.validate(
        V.options(["seeds=2", "scale=classroom", "directions=false", "workers=2", f"out={tmp_path / 'b'}"]),
        progress=False,
    )
    from sim.validation.report import targets_frame

    pd.testing.assert_frame_equal(targets_frame(one["rows"]), targets_frame(two["rows"]))  # NaN == NaN here


@pytest.mark.parametrize("arg", ["seeds=0", "seeds=x", "scale=huge", "directions=maybe", "bogus=1", "seeds"])
def test_bad_argument_is_one_line_exit_2_nothing_written(tmp_path, capsys, arg):
    out = tmp_path / "v"
    assert V.main([arg, f"out={out}"]) == 2  # in-process: the command-line contract is checked just below
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "allowed" in err
    assert not out.exists()


def test_sim_validate_is_an_alias(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.validate", "seeds=0", f"out={tmp_path}"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and proc.stderr.startswith("error: seeds: 0 is out of range")


def test_unknown_scenario_is_rejected(tmp_path):
    assert V.main(["scenario=no_such_scenario", "seeds=1", f"out={tmp_path / 'v'}"]) == 2
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").iterdir())


@pytest.mark.slow
def test_realistic_baseline_keeps_its_targets_in_band(tmp_path):
    opts = V.options([f"seeds={REGRESSION_SEEDS}", "directions=false", "workers=2", f"out={tmp_path}"])
    rows = V.validate(opts, progress=False)["rows"]
    n_in = sum(r["in_band"] for r in rows if r["counted"])
    assert n_in >= REGRESSION_IN_BAND, [(r["id"], r["part"]) for r in rows if r["counted"] and not r["in_band"]]


@pytest.mark.slow
def test_classroom_baseline_keeps_its_shares_in_band(tmp_path):
    """The app teaches the classroom scale: its pooled shares, ratios and orderings hold as at realistic scale."""
    opts = V.options(
        [f"seeds={CLASSROOM_SEEDS}", "scale=classroom", "directions=false", "workers=2", f"out={tmp_path}"]
    )
    rows = V.validate(opts, progress=False)["rows"]
    n_in = sum(r["in_band"] for r in rows if r["counted"])
    assert n_in >= CLASSROOM_IN_BAND, [(r["id"], r["part"]) for r in rows if r["counted"] and not r["in_band"]]


@pytest.mark.slow
def test_robustness_table_end_to_end(tmp_path):
    # three rows of the uncertainty group: a tuned param, a catalogue entry, a rule acting only after 2025
    only = "robustness_only=[tie_rate,paper_rate_CN,derisk_threshold]"
    out = f"out={tmp_path / 'v'}"
    opts = V.options(["seeds=1", "scale.factor=0.04", "directions=false", "robustness=true", only, "workers=1", out])
    res = V.validate(opts, progress=False)
    rows = {r["key"]: r for r in res["robustness"]}
    assert list(rows) == ["params.collaboration.tie_rate", "catalogue.CN.paper_rate"]  # history: false is not run
    assert rows["catalogue.CN.paper_rate"]["low"] == 0.8 and rows["catalogue.CN.paper_rate"]["low_of"] > 0
    text = (res["folder"] / "report.md").read_text()
    assert "## Robustness" in text and "`params.behaviour.derisk.share_threshold`" in text
    assert len(pd.read_csv(res["folder"] / "robustness.csv")) == 2
    rec = json.loads((res["folder"] / "record.json").read_text())
    assert rec["robustness"]["rows"] == 2
    from sim import catalogue

    assert catalogue.CATALOGUE["CN"].paper_rate == 6.0  # the in-process runs left the catalogue as it was
