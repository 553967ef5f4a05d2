"""A seminar room end to end in headless Chromium: a lecturer and three teams in four browser contexts.

The lecturer opens a room; three teams join with the room code and take EU, CN and US; two commit
moves, the lecturer steps, everyone sees who did what; a team closes its browser and rejoins with
its link; a second round commits from all three and steps by itself; the export replays by the CLI
to identical tables; the server is restarted and the room is back at the same quarter with its seats.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import pytest
from test_app_e2e import ARTIFACTS, ROOT, _free_port
from test_app_session import run_cli

from sim.app.headless import launch

pytestmark = pytest.mark.slow

from playwright import sync_api  # noqa: E402  (test_app_e2e has failed or skipped the module without it)


def _start(port: int, rooms, log):
    env = dict(os.environ, ENTANGLE_ROOMS=str(rooms))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.app", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url, deadline = f"http://127.0.0.1:{port}/", time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return proc, url
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"the app did not start; see {log.name}")
            time.sleep(0.5)


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _page(browser, url: str, ready: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.goto(url)
    page.wait_for_selector(ready)
    return page


def _status(page) -> str:
    return page.inner_text(".entangle-room-status").strip()


def _move(page, lever: str, value: float) -> None:
    box = page.locator(f".lever-{lever} input")
    box.fill(str(value))
    box.press("Enter")
    page.wait_for_selector(f".lever-{lever}.drafted")


def test_three_teams_play_a_room_and_the_export_replays(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rooms, log = tmp_path / "rooms", open(ARTIFACTS / "room-server.log", "w")
    port = _free_port()
    proc, url = _start(port, rooms, log)
    try:
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            lect = _page(browser, url + "?room", ".entangle-room-open")
            lect.click(".entangle-room-open")
            lect.wait_for_selector(".entangle-room-code")
            code = lect.inner_text(".entangle-room-code").strip()
            lecturer_url = lect.url
            assert re.fullmatch(r"[A-Z2-9]{5}", code) and "lecturer=" in lecturer_url
            lect.locator(".entangle-room-step").wait_for()
            lect.click("text=step when every team has committed")  # the lecturer steps by hand first

            teams = {}
            for bloc, name in (("EU", "Brussels"), ("CN", "Beijing"), ("US", "Washington")):
                page = _page(browser, url + "?room", ".entangle-room-join")
                page.fill(".entangle-room-code-input input", code.lower())
                page.click(".entangle-room-join")
                page.wait_for_selector(f".entangle-take-{bloc}")
                page.fill(".entangle-team-name input", name)
                page.click(f".entangle-take-{bloc}")
                page.wait_for_selector(".entangle-team-title")
                assert "seat=" in page.url
                teams[bloc] = page
            lect.wait_for_selector(".team-US:has-text('Washington')")

            # Drafts are private: EU's draft shows on EU's screen only; commits show as "committed".
            _move(teams["EU"], "regulation-strictness", 0.8)
            _move(teams["US"], "export-controls-chips-stringency", 0.9)
            assert teams["CN"].locator(".drafted").count() == 0
            teams["EU"].click(".entangle-commit")
            teams["US"].click(".entangle-commit")
            lect.wait_for_selector(".team-US.team-committed")
            lect.wait_for_selector(".team-EU.team-committed")
            lect.click(".entangle-room-step")
            for page in (lect, *teams.values()):  # every screen: the round and who did what
                page.wait_for_selector(".round-1:has-text('strictness 0.80')")
                page.wait_for_selector(".round-1:has-text('CN (Beijing)'), .round-1:has-text('did not commit')")
                assert "2017Q2" in _status(page)

            # CN closes its browser and comes back with its link: the same seat, the same team.
            cn_url = teams["CN"].url
            teams["CN"].context.close()
            teams["CN"] = _page(browser, cn_url, ".entangle-team-title")
            assert "Beijing · CN" in teams["CN"].inner_text(".entangle-team-title")

            # Round two, a year long, steps by itself once all three have committed.
            lect.locator(".v-btn:has-text('year')").click()
            lect.wait_for_selector(".entangle-room-status:has-text('rounds of a year')")
            lect.click("text=step when every team has committed")
            _move(teams["CN"], "critical-minerals-minerals-stringency", 0.6)
            for page in teams.values():
                page.click(".entangle-commit")
            for page in (lect, *teams.values()):
                page.wait_for_selector(".round-2", timeout=60_000)
                page.wait_for_function(
                    "() => document.querySelector('.entangle-room-status').innerText.includes('2018Q2')"
                )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            lect.screenshot(path=str(ARTIFACTS / "room_lecturer.png"))
            teams["EU"].screenshot(path=str(ARTIFACTS / "room_team_eu.png"))

            with lect.expect_download() as dl:
                lect.click(".entangle-export")
            exported = tmp_path / "room_export.yaml"
            dl.value.save_as(exported)
            browser.close()
        text = exported.read_text()
        assert "teams:" in text and "Reproduce:" in text
        end = re.search(r"end=(\d{4}Q\d)", text).group(1)
        assert end == "2018Q1"

        # The restart: the room comes back at 2018Q2 with its three seats and two rounds.
        _stop(proc)
        proc, url = _start(port, rooms, log)
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            back = _page(browser, lecturer_url, ".entangle-room-code")
            back.wait_for_selector(".round-2")
            assert "2018Q2" in _status(back)
            assert back.locator(".team-committed, .team-deciding").count() == 3
            with back.expect_download() as dl:
                back.click(".entangle-export")
            again = tmp_path / "again.yaml"
            dl.value.save_as(again)
            browser.close()
        assert again.read_text() == text
    finally:
        _stop(proc)
        log.close()

    # The export replays by the CLI to the room's table (the room's own table, from a fresh restore).
    from sim.app.room import Rooms

    room = Rooms(rooms).get(code)
    mine = room.session.model.recorder.timeseries()
    cli = run_cli(exported, 0, end, tmp_path / "cli")
    pd.testing.assert_frame_equal(cli.reset_index(drop=True), mine.reset_index(drop=True), check_dtype=False)
