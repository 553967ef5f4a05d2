"""One browser session's state and the page's actions on it (load, upload, step, play, levers, events).

Solara reactives hold the state, so a change re-renders only the parts of the page that show it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import solara

from ..errors import ConfigError
from . import bands, uploads
from .session import Session

UNCHANGED = "unchanged run"


def _on_session_end(callback) -> None:
    """Call `callback` when this browser session's kernel closes (outside a session, e.g. in tests: never)."""
    from solara.server import kernel_context

    if kernel_context.has_current_context():
        kernel_context.get_current_context().on_close(callback)


class Controller:
    """One browser session's state (Solara reactives) and the page's actions on it.

    Built once per page instance (so once per browser session); child components get this
    same object, so they re-render only when what they show changes.
    """

    def __init__(self):
        self.session = solara.reactive(Session("baseline", 0, "classroom"))
        self.tick = solara.reactive(0)  # bumped after every change to the model
        self.error = solara.reactive("")
        self.playing = solara.reactive(False)
        self.speed = solara.reactive(2.0)  # quarters per second while playing
        self.compare = solara.reactive(False)
        self.network = solara.reactive("papers")
        self.notice = solara.reactive("")  # a confirmation (an export saved), shown until the next action
        self.acting = solara.reactive("EU")
        self.partner = solara.reactive("CN")
        self.choice = solara.reactive("baseline")
        self.seed = solara.reactive(0)
        self.scale = solara.reactive("classroom")
        self.uploads = solara.reactive({})  # option label -> path of an uploaded file
        self.compare_to = solara.reactive(UNCHANGED)  # what Compare overlays: the unchanged run or a scenario
        self.band = solara.reactive(False)  # the seed band (background runs)
        self.band_version = solara.reactive(0)  # bumped when a background run finishes
        self.smooth = solara.reactive(False)  # noisy counts as a trailing yearly mean
        self._tmpdir: str | None = None  # made on the first upload, not per page load
        _on_session_end(self.close)

    @property
    def tmpdir(self) -> str:
        if self._tmpdir is None:
            self._tmpdir = tempfile.mkdtemp(prefix="entangle-upload-")
        return self._tmpdir

    def close(self) -> None:
        """The browser session ended (tab closed): free its models and remove its uploads."""
        self.session.value.close()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    @contextmanager
    def shown_errors(self):
        """Bad input shows the CLI's one line in the page; the server keeps running."""
        bands.hush()  # the room's action and its redraw before the background seed runs
        self.notice.set("")
        try:
            yield
            self.error.set("")
        except ConfigError as err:
            self.error.set(f"error: {err}")
        self.tick.set(self.tick.value + 1)

    def load(self, name: str | None = None):
        name = name or self.choice.value
        self.playing.set(False)
        with self.shown_errors():
            path = self.uploads.value.get(name, name)
            uploaded = name in self.uploads.value
            new = Session(path, int(self.seed.value), self.scale.value, display_name=Path(name).stem, uploaded=uploaded)
            self.error.set("")
            old = self.session.value
            self.session.set(new)
            old.close()

    def upload(self, info: dict):
        """A file from the browser: refused with one line unless a scenario (uploads.py); a refused or failing
        upload is removed at once and the run in progress carries on."""
        try:
            name, data = uploads.decode(info)
            path = uploads.receive(self.tmpdir, name, data)
        except ConfigError as err:
            self.error.set(f"error: {err}")
            self.tick.set(self.tick.value + 1)
            return
        label, before = f"uploaded: {path.name}", self.choice.value
        self.uploads.set({**self.uploads.value, label: str(path)})
        self.choice.set(label)
        self.load(label)
        if self.session.value.scenario != str(path):  # refused: forget the file, keep the run
            path.unlink(missing_ok=True)
            self.uploads.set({k: v for k, v in self.uploads.value.items() if k != label})
            self.choice.set(before)

    def step(self):
        with self.shown_errors():
            self.session.value.step()

    def reset(self):
        self.playing.set(False)
        with self.shown_errors():
            self.session.value.reset()

    def play_loop(self, cancel):
        s = self.session.value
        while self.playing.value and not cancel.is_set():
            t0 = time.perf_counter()
            bands.hush()
            if not s.step():
                self.playing.set(False)
                return
            self.tick.set(self.tick.value + 1)
            cancel.wait(max(0.02, 1.0 / self.speed.value - (time.perf_counter() - t0)))

    def set_lever(self, slider, a, b, x, current):
        # The slider widget snaps a value in force (0.02) to its step (0.0) and reports it back
        # when drawn: that is not a move by the class, so it must not become a measure.
        if abs(float(x) - current) <= slider.step / 2 + 1e-9:
            return
        with self.shown_errors():
            self.session.value.set_lever(slider.family, slider.values(a, b, x), slider.slot(a, b))

    def fire(self, event):
        with self.shown_errors():
            self.session.value.inject(event)

    # --- time control ---------------------------------------------------------------
    def step_back(self):
        self.playing.set(False)
        with self.shown_errors():
            self.session.value.step_back()

    def run_to(self, period: str):
        self.playing.set(False)
        with self.shown_errors():
            self.session.value.run_to(str(period or "").strip().upper())

    # --- compare and seed bands -------------------------------------------------------
    def sync_view(self, s: Session) -> None:
        """Point the session's comparison at the chosen run and keep its background seed runs in step
        (cheap when nothing changed: called on every render of the charts)."""
        name = self.compare_to.value
        try:
            if name == UNCHANGED:
                s.set_compare(None)
            else:
                s.set_compare(self.uploads.value.get(name, name), name, uploaded=name in self.uploads.value)
            s.update_bands(self.band.value, self.compare.value)
        except ConfigError as err:
            self.error.set(f"error: {err}")

    def band_loop(self, cancel):
        """While the page is open: redraw when a background seed run finishes."""
        s = self.session.value
        if not self.band.value:  # no band asked for: no thread polling the server
            return
        seen = None
        while not cancel.is_set():
            try:
                finished = s.bands.wait(0.25)
            except Exception:  # a run that failed: its band shows without it
                logging.getLogger(__name__).exception("seed band run failed")
                finished = True
            # compare counts, not wake-ups: two runs ending together wake this loop once
            now = s.bands.status()
            if now != seen:
                seen = now
                self.band_version.set(self.band_version.value + 1)
            if not finished:
                cancel.wait(0.25)
