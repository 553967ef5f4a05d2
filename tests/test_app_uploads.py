"""The hostile-input corpus (tests/test_hostile_input.py) through the app's upload path: the page shows
the command line's one line, the run in progress carries on, and the upload is removed."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from test_hostile_input import FILES, _scenario_line

pytest.importorskip("solara")

from sim.app.controller import Controller  # noqa: E402


@pytest.fixture(scope="module")
def page():
    c = Controller()
    c.session.value.step()
    yield c
    c.close()


def _upload(c: Controller, name: str, data: bytes) -> None:
    c.upload({"name": name, "size": len(data), "data": base64.b64encode(data).decode()})


SLOW = {"too_many_measures"}  # ~10 s each way: the full suite and CI run it


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(FILES)])
def test_a_hostile_upload_gives_the_cli_line_and_the_run_carries_on(page, tmp_path, name):
    text, _ = FILES[name]
    cli_file = tmp_path / f"{name}.yaml"
    cli_file.write_text(text + "\n")
    before, period = page.session.value, page.session.value.period
    _upload(page, f"{name}.yaml", cli_file.read_bytes())
    line, cli = page.error.value, f"error: {_scenario_line(cli_file)}"
    if "extends" in text and "not a shipped scenario" in line:
        # An upload may extend only a shipped scenario (the CLI may extend any file): refused sooner, in one line.
        assert line.startswith("error: scenario.extends: ") and "\n" not in line, line
    else:
        assert line == cli
    assert page.session.value is before and before.period == period  # the run in progress is untouched
    assert not list(Path(page.tmpdir).iterdir())  # the upload is gone
    assert not any(k.startswith("uploaded:") for k in page.uploads.value)


@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("s.zip", b"PK\x03\x04....", "error: scenario: s.zip is not a .yaml file"),
        ("s.yaml", b"PK\x03\x04....", "error: scenario: s.yaml is a zip archive"),
        ("s.yaml", b"\x1f\x8b\x08\x00", "error: scenario: s.yaml is a gzip archive"),
        ("t.yaml", b"PAR1\x15\x04", "error: scenario: t.yaml is a Parquet table"),
        ("t.yaml", b"name: x\x00\x00", "error: scenario: t.yaml is binary data"),
        ("../etc/passwd.yaml", b"name: x\n", "error: scenario: '.._etc_passwd.yaml' is a path"),
        ("/etc/x.yaml", b"name: x\n", "error: scenario: '_etc_x.yaml' is a path"),
    ],
)
def test_what_is_not_a_scenario_is_refused_before_it_is_read(page, name, data, line):
    _upload(page, name, data)
    assert page.error.value.startswith(line), page.error.value
    assert not list(Path(page.tmpdir).iterdir())


def test_an_oversized_upload_is_refused_by_its_size_unread(page):
    page.upload({"name": "big.yaml", "size": 50_000_000})  # the browser sends no bytes past the cap
    assert page.error.value.startswith("error: scenario: big.yaml has 50,000,000 bytes")


def test_a_good_upload_after_bad_ones_runs(page):
    _upload(page, "mine.yaml", b"extends: baseline\nname: mine\n")
    assert page.error.value == "" and page.session.value.model.scenario.name == "mine"
