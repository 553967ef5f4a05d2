"""The robustness table's parameter set (the uncertainty group configs/uncertainties/default.yaml, which policy
analysis samples too), the validation record, and the rule that no test is an expected failure that may pass."""

import dataclasses
import json
import tomllib
from pathlib import Path

import pytest

from sim import catalogue
from sim.config import EntangleConfig
from sim.errors import ConfigError
from sim.robust.uncertainties import Uncertainty, check, load, sampled
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


def test_every_calibrated_parameter_is_declared_once_as_tuned():
    declared = R.uncertainties()
    keys = {u.key: u for u in declared}
    assert len(keys) == len(declared)
    calibrated = set(_calibrated_params(EntangleConfig().params))
    missing = calibrated - keys.keys()
    assert not missing, f"add to configs/uncertainties/default.yaml: {sorted(missing)}"
    assert all(keys[k].kind == "tuned" for k in calibrated)
    # the issues' new assumptions: substitution, diaspora sizes, mobility rates (13); chip prices, cloud shares,
    # smuggling, rule thresholds, stockpiling, open-weight release (14)
    for key in (
        "params.collaboration.substitution",
        "params.mobility.diaspora",
        "params.mobility.senior_move_rate",
        "params.compute.market.cloud_markup",
        "params.compute.market.cloud_share",
        "params.compute.market.smuggling_premium",
        "params.behaviour.tighten.gap_threshold",
        "params.compute.stockpile_quarters",
        "params.openweights.adoption_value",
    ):
        assert keys[key].kind == "assumption", key


def test_the_table_runs_each_history_entry_at_20_percent_and_the_sweep_samples_the_rest():
    declared = load()
    jobs = R.jobs("baseline", [0, 1], 0.04, "2023Q4", list(declared.values()))
    run = {(args[4], args[5]) for _, args in jobs}
    history = [u.key for u in declared.values() if u.history]
    assert run == {(k, m) for k in history for m in (0.8, 1.2)} and len(jobs) == 4 * len(history)
    assert "params.behaviour.retaliation.strength" not in history  # acts only after the record
    u = declared["tie_rate"]  # tuned, no range stated: +-20% of the default
    base = EntangleConfig().params.collaboration.tie_rate
    assert (u.lo, u.hi) == (pytest.approx(0.8 * base), pytest.approx(1.2 * base)) and not u.sample
    assert (declared["substitution"].lo, declared["substitution"].hi) == (0.5, 2.0)  # a wider stated range
    assert declared["pace"].lo is None  # a dict field: scaled whole by the table, never sampled
    swept = sampled(declared)
    assert "tie_decay" in swept and "tie_rate" not in swept and "diaspora" not in swept


@pytest.mark.parametrize(
    "entry, where",
    [
        ({"key": "params.collaboration.no_such"}, "key"),
        ({"key": "catalogue.XX.paper_rate"}, "key"),
        ({"kind": "guessed"}, "kind"),
        ({"lo": 0.1, "hi": 0.2}, "lo"),  # leaves out the default 0.07
        ({"reason": " "}, "reason"),
        ({"key": "params.investment.pace"}, "lo"),  # a range for a dict
        ({"key": "params.investment.pace", "lo": None, "hi": None}, "sample"),  # a dict cannot be sampled
        ({"key": "catalogue.EU.paper_rate", "lo": None, "hi": None}, "sample"),
        ({"kind": "tuned"}, "tuned_on"),  # a tuned entry names the parts it was tuned on
        ({"tuned_on": ["C99"]}, "tuned_on"),
        ({"tuned_on": ["C4.share_2019"]}, "tuned_on"),
    ],
)
def test_a_bad_entry_is_refused_in_one_line_naming_it(entry, where):
    good = {"key": "params.collaboration.tie_decay", "kind": "assumption", "reason": "x", "lo": 0.04, "hi": 0.12}
    with pytest.raises(ConfigError) as err:
        check({"tie_decay": Uncertainty(**(good | entry))})
    assert str(err.value).startswith(f"uncertainties.tie_decay.{where}:") and "\n" not in str(err.value)


def test_the_validation_refuses_an_undeclared_row_before_any_run():
    with pytest.raises(ConfigError, match="robustness_only: 'nosuch'"):
        R.uncertainties(only=["nosuch"])


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
    # Since session 9 every check counts (the open-weight one was the last reported only): then every check is a test.
    assert not tested & {c.label for c in waiting}
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
                "out_of_sample": group == "test" and k >= n - 4,  # the last four test parts: nothing saw them
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
    assert rec["out_of_sample"] == [1, 4]  # of the last four test parts only the 30th is in band
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
        assert "1 of the 4 test parts nothing was tuned on" in text


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


def test_a_record_made_with_params_overrides_is_not_the_defaults_status(tmp_path):
    from sim.validation.command import changed_params, options

    assert changed_params(options([]).params) == {}
    changed = changed_params(options(["params.collaboration.freed_time=false"]).params)
    assert changed == {"params.collaboration.freed_time": False}
    meta = {"scenario": "baseline", "scale": "realistic", "factor": 1.0, "seeds": 8, "params": changed}
    rec = record.make(_rows(), [], meta)
    assert rec["params"] == {"params.collaboration.freed_time": False}
    _write(tmp_path, dict(rec, version="0.0.9", commit="abc"), "with_params")
    assert record.latest(tmp_path, version_="0.0.9", commit_="abc") is None
    assert "params" not in record.make(_rows(), [], dict(meta, params={}))


def test_mature_affinities_scale_the_uk_entries_and_keep_their_robustness_rows():
    from sim.run import build_model
    from sim.validation.runs import make_config

    def uk(scenario, mult=1.0, on=True):
        cfg = make_config(scenario, 0, 0.04, "2017Q1")
        cfg.params.collaboration.mature_affinities = on
        with R.applied(cfg, {"catalogue.EU.countries.UK.affinity.US": mult}):
            specs = build_model(cfg).bloc_specs
        return next(s.countries["UK"].affinity for s in specs.values() if "UK" in s.countries)

    assert uk("baseline", on=False)["US"] == 9.0 and uk("baseline")["US"] == 4.5
    assert uk("baseline", 1.2)["US"] == pytest.approx(4.5 * 1.2)  # the row scales the switched value
    assert uk("uk_own_bloc")["US"] == 4.5 and uk("uk_own_bloc")["EU"] == 6.0
    assert catalogue.CATALOGUE["UK"].countries["UK"].affinity["EU"] == 10.0  # the catalogue itself is untouched
