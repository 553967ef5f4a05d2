"""Headless Chromium for the app's browser tests and benchmarks: the browser, its flags and the room
helpers (a page in its own context, a room opened, a bloc taken) that both use, defined once.

Debian's `chromium` (apt-get install chromium); ENTANGLE_CHROMIUM points elsewhere. The flags keep the
browser from calling any host (updates, sync, field trials), so "no request leaves the app's server"
is a fact about the page, not about the browser.
"""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("ENTANGLE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    """A headless Chromium from a started `sync_playwright()`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, url: str, ready: str, timeout_ms: int = 45_000, init_script: str | None = None, **context):
    """A page in a fresh browser context (its own cookies and storage: another team's computer),
    1400×900, at `url`, once `ready` (a selector) shows."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, **context)
    if init_script:
        ctx.add_init_script(init_script)
    page = ctx.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    page.wait_for_selector(ready)
    return page


def open_room(browser, url: str, by_hand: bool = True, **page_kw):
    """The lecturer opens a room at the app's `url`: (the lecturer's page, the room code).

    `by_hand`: the lecturer turns "step when every team has committed" off (the lecturer steps)."""
    lect = new_page(browser, url + "?room", ".entangle-room-open", **page_kw)
    lect.click(".entangle-room-open")
    lect.wait_for_selector(".entangle-room-code")
    code = lect.inner_text(".entangle-room-code").strip()
    lect.locator(".entangle-room-step").wait_for()
    if by_hand:
        lect.click(".entangle-room-auto")
        lect.wait_for_function("() => !document.querySelector('.entangle-room-auto input').checked")
    return lect, code


def join_room(browser, url: str, code: str, bloc: str, team: str = "", **page_kw):
    """A team takes `bloc` through the plain room link, in its own browser context: its page."""
    page = new_page(browser, f"{url}?room={code}", f".entangle-take-{bloc}", **page_kw)
    if team:
        page.fill(".entangle-team-name input", team)
    page.click(f".entangle-take-{bloc}")
    page.wait_for_selector(".entangle-team-title")
    return page
