"""Headless Chromium for the app's browser tests and benchmarks: the browser and its flags, defined once.

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
