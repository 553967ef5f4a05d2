"""`python -m sim.validate` end to end at classroom scale, its argument checks, and the
regression guard that the realistic baseline keeps the targets now in band."""

import subprocess
import sys

import pandas as pd
import pytest

from sim import validate as V
from sim.validation.targets import TARGETS

# Targets in band for the realistic baseline on the REGRESSION_SEEDS seeds: 21 of 21 before investors
# decided (issue 14); with them 21-22 of 22 (C5's 2021 share sits at its band's edge; docs/CALIBRATION.md).
# Raise it as calibration improves; never lower it silently. 8 seeds, not 4: a 4-seed median is too noisy
# for the widest targets (G2's 10-90% range over 20 seeds is 2.7-8.6 against a band of [3, 5]; C5's 2021
# share 6.8-8.5% against 7%).
REGRESSION_IN_BAND = 21
REGRESSION_SEEDS = 8


@pytest.mark.slow
def test_report_end_to_end_classroom(tmp_path):
    opts = V.parse_args(["seeds=2", "scale=classroom", f"out={tmp_path}", "workers=2"])
    res = V.validate(opts, progress=False)
    folder = res["folder"]
    assert folder.parent == tmp_path and not folder.name.startswith(".")
    for name in ("report.md", "targets.csv", "directions.csv", "fans.png", "overview.png"):
        assert (folder / name).stat().st_size > 0, name
    csv = pd.read_csv(folder / "targets.csv")
    assert list(dict.fromkeys(csv["id"])) == [t.id for t in TARGETS]
    assert {"median", "p10", "p90", "band", "in_band"} <= set(csv.columns)
    text = (folder / "report.md").read_text()
    assert "targets in band" in text and "| C1 |" in text and "| G2 |" in text
    dirs = pd.read_csv(folder / "directions.csv")
    assert len(dirs) == 12 and set(dirs["seeds_holding"]) <= {"0/2", "1/2", "2/2"}
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folder left behind


@pytest.mark.slow
def test_results_do_not_depend_on_worker_count(tmp_path):
    one = V.validate(
        V.parse_args(["seeds=2", "scale=classroom", "directions=false", "workers=1", f"out={tmp_path / 'a'}"]),
        progress=False,
    )
    two = V.validate(
        V.parse_args(["seeds=2", "scale=classroom", "directions=false", "workers=2", f"out={tmp_path / 'b'}"]),
        progress=False,
    )
    from sim.validation.report import targets_frame

    pd.testing.assert_frame_equal(targets_frame(one["rows"]), targets_frame(two["rows"]))  # NaN == NaN here


@pytest.mark.parametrize("arg", ["seeds=0", "seeds=x", "scale=huge", "directions=maybe", "bogus=1", "seeds"])
def test_bad_argument_is_one_line_exit_2_nothing_written(tmp_path, arg):
    out = tmp_path / "v"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.validate", arg, f"out={out}"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "allowed" in proc.stderr
    assert not out.exists()


def test_unknown_scenario_is_rejected(tmp_path):
    assert V.main(["scenario=no_such_scenario", "seeds=1", f"out={tmp_path / 'v'}"]) == 2
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").iterdir())


@pytest.mark.slow
def test_realistic_baseline_keeps_its_targets_in_band(tmp_path):
    opts = V.parse_args([f"seeds={REGRESSION_SEEDS}", "directions=false", "workers=2", f"out={tmp_path}"])
    rows = V.validate(opts, progress=False)["rows"]
    n_in = sum(r["in_band"] for r in rows)
    assert n_in >= REGRESSION_IN_BAND, [r["id"] for r in rows if not r["in_band"]]
