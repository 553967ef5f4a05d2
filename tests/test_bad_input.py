"""Bad input fails before anything is written, with one line naming the key and what is allowed."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import _one_line, precheck
from sim.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

SCENARIOS = {
    "wrong_key": (
        "timeline: {2025Q3: {export_controls: {issuer: US, target: CN, stringncy: 0.5}}}",
        "scenario.timeline.2025Q3.export_controls.stringncy",
        "stringency",
    ),
    "out_of_range": (
        "extends: baseline\ntimeline: {2025Q3: {export_controls: {stringency: 1.5}}}",
        "scenario.timeline.2025Q3.export_controls.stringency",
        "[0.0, 1.0]",
    ),
    "negative_budget": (
        "timeline: {2025Q3: {investai: {budget_eur_bn: -1}}}",
        "scenario.timeline.2025Q3.investai.budget_eur_bn",
        ">= 0",
    ),
    "unknown_bloc": (
        "timeline: {2025Q3: {export_controls: {target: RU, stringency: 0.5}}}",
        "scenario.timeline.2025Q3.export_controls.target",
        "EU, CN, US",
    ),
    "bad_period": ("timeline: {2025Q5: {export_controls: {stringency: 0.5}}}", "scenario.timeline.2025Q5", "YYYYQn"),
    "outside_run": (
        "end: 2030Q4\ntimeline: {2031Q1: {export_controls: {stringency: 0.5}}}",
        "scenario.timeline.2031Q1",
        "2030Q4",
    ),
    "instantiation": (
        "timeline: {2025Q3: {export_controls: {_target_: os.system, stringency: 0.5}}}",
        "scenario.timeline.2025Q3.export_controls._target_",
        "unknown key",
    ),
    "wrong_type": ("actors: {EU: {openness: high}}", "scenario.actors.EU.openness", "wrong type"),
    "unknown_family": (
        "timeline: {2025Q3: {tariffs: {rate: 0.5}}}",
        "scenario.timeline.2025Q3.tariffs",
        "export_controls",
    ),
    "not_yaml": ("timeline: [unclosed", "scenario", "not valid YAML"),
}

OVERRIDES = {
    "seed=-1": ("seed", ">= 0"),
    "seed=abc": ("seed", "Integer"),
    "seed=1.5": ("seed", "Integer"),
    "scenario=nosuch": ("scenario", "baseline"),
    "policies.export_controls.stringency=1.5": ("policies.export_controls.stringency", "[0.0, 1.0]"),
    "policies.investai.budget_eur_bn=-5": ("policies.investai.budget_eur_bn", ">= 0"),
    "policies.export_controls.stringncy=1": ("policies.export_controls.stringncy", "stringency"),
    "scale=huge": ("scale", "classroom, realistic"),
    "end=2040Q5": ("end", "YYYYQn"),
    "nokey=1": ("nokey", "scenario, seed"),
    "sweep.run_tables=[timeseries,deal]": ("sweep.run_tables", "timeseries, countries, deals"),
    "sweep.run_tables=timeseries": ("sweep.run_tables", "List"),
    "output.tables=[summary]": ("output.tables", "timeseries, countries, deals"),
}


def _message(argv):
    with pytest.raises(Exception) as info:
        precheck(argv)
    line = _one_line(info.value)
    assert "\n" not in line
    return line


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_bad_scenario_file_names_the_key(tmp_path, name):
    text, key, allowed = SCENARIOS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text + "\n")
    line = _message([f"scenario={path}", "scale=classroom", "scale.factor=0.04"])
    assert line.startswith(key) and allowed in line, line


@pytest.mark.parametrize("override", sorted(OVERRIDES))
def test_bad_override_names_the_key(override):
    key, allowed = OVERRIDES[override]
    line = _message([override])
    assert line.startswith(key) and allowed in line, line


def test_every_value_of_a_sweep_is_checked():
    line = _message(["--multirun", "seed=0,1,-2"])
    assert line.startswith("seed")


def test_command_line_exits_nonzero_with_one_line_and_writes_nothing(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "policies.export_controls.stringency=1.5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: policies.export_controls.stringency: 1.5 is out of range; allowed: a number in [0.0, 1.0]"
    ]
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_config_error_is_a_value_error_with_key():
    err = ConfigError("a.b", "bad", "good")
    assert str(err) == "a.b: bad; allowed: good" and isinstance(err, ValueError)


def _env():
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["sample", "method=foo"], "error: method: 'foo' is not allowed; allowed: one of sobol, morris, latin"),
        (["sample", "n=0"], "error: n: 0 is out of range; allowed: a number >= 1"),
        (["discover", "bogus=1"], "error: bogus: unknown key; allowed: sweep, outcome, threshold"),
        (["discover", "threshold=x"], "error: threshold: wrong type"),
        (["sensitivity", "second_order=maybe"], "error: second_order: wrong type"),
        (["frobnicate"], "error: command: 'frobnicate' is not allowed"),
    ],
)
def test_analyze_options_are_checked_in_one_line(args, start, tmp_path, capsys, monkeypatch):
    from sim.analyze.__main__ import main as analyze

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        analyze(args)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith(start) and len(err.strip().splitlines()) == 1, err
    assert not any(tmp_path.iterdir())  # nothing written
