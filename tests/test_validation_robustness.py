"""The robustness table's parameter set (configs/uncertainties/default.yaml), the validation record, and the rule
that no test is an expected failure that may pass."""

import dataclasses
import json
import tomllib
from pathlib import Path

import pytest

from sim import catalogue
from sim.config import EntangleConfig
from sim.validation import record
from sim.validation import robustness as R
from sim.validation.runs import DIRECTIONS

ROOT = Path(__file__).resolve().parent.parent


def _calibrated_params(obj, prefix="params"):
    """Every params.* field whose documented source says it was calibrated (tuned on the record)."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            yield from _calibrated_params(value, f"{prefix}.{f.name}")
        elif f.metadata.get("source", "").startswith("calibrated"):
            yield f"{prefix}.{f.name}"


def test_every_calibrated_parameter_is_in_the_uncertainty_set():
    keys = {u.key for u in R.uncertainties()}
    missing = set(_calibrated_params(EntangleConfig().params)) - keys
    assert not missing, f"add to configs/uncertainties/default.yaml: {sorted(missing)}"
    assert "params.collaboration.substitution" in keys  # the new assumptions too (issue 13: substitution theta)


def test_uncertainty_ranges_are_in_the_parameters_units():
    r = R.ranges()
    base = EntangleConfig().params.collaboration.tie_rate
    lo, hi = r["params.collaboration.tie_rate"]
    assert lo == pytest.approx(0.8 * base) and hi == pytest.approx(1.2 * base)
    lo, hi = r["params.investment.pace"]  # a dict field: every entry scaled together
    assert set(lo) == set(hi) and all(lo[k] < hi[k] for k in lo)


def test_a_bad_uncertainty_is_refused(tmp_path):
    bad = tmp_path / "u.yaml"
    bad.write_text(
        "uncertainties:\n  - {key: params.collaboration.no_such, range: [0.8, 1.2], kind: tuned, reason: x}\n"
    )
    with pytest.raises(ValueError, match="no_such"):
        R.uncertainties(bad)
    bad.write_text(
        "uncertainties:\n  - {key: params.collaboration.tie_rate, range: [1.1, 1.2], kind: tuned, reason: x}\n"
    )
    with pytest.raises(ValueError, match="bracket 1"):
        R.uncertainties(bad)


def test_applied_scales_params_and_restores_the_catalogue():
    cfg = EntangleConfig()
    before = catalogue.CATALOGUE["US"].countries["US"].affinity["CN"]
    with R.applied(cfg, {"catalogue.US.countries.US.affinity.CN": 1.2, "params.collaboration.tie_rate": 0.8}):
        assert catalogue.CATALOGUE["US"].countries["US"].affinity["CN"] == pytest.approx(1.2 * before)
        assert cfg.params.collaboration.tie_rate == pytest.approx(0.8 * EntangleConfig().params.collaboration.tie_rate)
    assert catalogue.CATALOGUE["US"].countries["US"].affinity["CN"] == before  # the next job sees the default


def test_no_test_is_a_non_strict_expected_failure():
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert opts["xfail_strict"] is True
    assert "strict=False" not in "".join(
        p.read_text() for p in (ROOT / "tests").glob("test_*.py") if p.name != Path(__file__).name
    )


def test_reported_only_directions_are_not_tests():
    from tests.test_directions import CASES

    tested = {p.values[1].label for p in CASES}
    waiting = [c for d in DIRECTIONS for c in d.checks if c.expected_to_fail_until]
    assert waiting and not tested & {c.label for c in waiting}
    assert len(tested) == sum(len(d.checks) for d in DIRECTIONS) - len(waiting)


def _rows(fit=(8, 8), test=(30, 33)):
    rows = []
    for group, (n_in, n) in (("fit", fit), ("test", test)):
        rows += [
            {
                "id": "C1",
                "part": f"p{k}",
                "group": group,
                "kind": "emergent",
                "status": "in",
                "counted": True,
                "in_band": k < n_in,
            }
            for k in range(n)
        ]
    return rows


def _write(out, rec, name):
    folder = out / name
    folder.mkdir(parents=True)
    (folder / record.NAME).write_text(json.dumps(rec))


def test_record_holds_the_counts_and_latest_matches_version_and_commit(tmp_path):
    meta = {"scenario": "baseline", "scale": "realistic", "factor": 1.0, "seeds": 8}
    dirs = [
        {"direction": "a", "check": "x", "holds": True, "seeds_holding": "8/8"},
        {"direction": "b", "check": "y", "holds": False, "seeds_holding": "5/8", "reported_only": True},
    ]
    rec = record.make(_rows(), dirs, meta)
    assert (rec["in_band"], rec["counted"], rec["fit"], rec["test"]) == (38, 41, [8, 8], [30, 33])
    assert rec["directions"]["hold"] == 1 and rec["directions"]["of"] == 1
    assert rec["directions"]["reported_only"] == ["b: y (5/8)"]
    assert rec["version"] == record.version()
    _write(tmp_path, dict(rec, version="0.0.9", commit="abc", created="2026-01-01T00:00:00"), "old")
    _write(tmp_path, dict(rec, version="0.0.9", commit="abc", created="2026-01-02T00:00:00", in_band=40), "new")
    _write(tmp_path, dict(rec, version="0.0.9", commit="def", created="2026-01-03T00:00:00"), "other")
    (tmp_path / ".tmp").mkdir()  # a report being written is skipped
    got = record.latest(tmp_path, version_="0.0.9", commit_="abc")
    assert got["in_band"] == 40 and got["folder"].endswith("new")
    assert record.latest(tmp_path, version_="0.0.9", commit_="zzz") is None
    assert record.latest(tmp_path, version_="9.9.9", commit_="abc") is None
    assert record.latest(tmp_path / "none", version_="0.0.9", commit_="abc") is None


def test_the_brief_states_the_latest_matching_record(tmp_path):
    from sim.report.validation_status import latest

    meta = {"scenario": "baseline", "scale": "realistic", "factor": 1.0, "seeds": 8}
    rec = record.make(_rows(), [{"direction": "a", "check": "x", "holds": True, "seeds_holding": "8/8"}], meta)
    assert latest(tmp_path) is None  # nothing recorded: the brief says so
    _write(tmp_path, rec, "one")
    text = latest(tmp_path)
    if rec["commit"] is None:  # outside a git checkout no record can match
        assert text is None
    else:
        assert "38 of 41 counted target parts in band (fit 8/8, test 30/33)" in text and "1 of 1" in text


def test_a_catalogue_setting_reaches_the_model_even_after_a_default_run():
    from sim.run import build_model
    from sim.validation.runs import make_config

    def military_share(mult):
        cfg = make_config("baseline", 0, 0.04, "2017Q1")
        with R.applied(cfg, {"catalogue.CN.military_share": mult}):
            return build_model(cfg).bloc_specs["CN"].military_share

    default = build_model(make_config("baseline", 0, 0.04, "2017Q1")).bloc_specs["CN"].military_share
    assert military_share(0.5) == pytest.approx(0.5 * default)  # not the scenario validated a moment ago
    assert military_share(2.0) == pytest.approx(2.0 * default)
    assert build_model(make_config("baseline", 0, 0.04, "2017Q1")).bloc_specs["CN"].military_share == default
