"""Saving seminar rooms off the screens' path: one background writer per server process.

A room's step used to write `room.json` and its export (YAML, ~6 ms of the ~8 ms save) under the
room's lock before any screen was told, and the server's one interpreter then re-rendered the
screens after it. Now a change tells the screens first and asks this writer to save; the writer
waits until the room has been quiet for `DELAY_S` (the screens' redraw comes first; at most
`MAX_WAIT_S` under a stream of changes), then writes both files atomically (sim/atomic.py).

What a restart restores is what was written, so the writer is flushed whenever that matters:
- when the server process exits (atexit: Solara's server ends on SIGTERM/Ctrl-C by returning, so
  the last change of a room is on disk before a restart reads it);
- when a `Rooms` is made (a server reading the folder sees every write this process asked for);
- by `flush()` from anyone who needs the files now.
A server killed outright (SIGKILL, power loss) loses at most the last `DELAY_S` of changes; the
previous files stay whole, as every write is a rename.
"""

from __future__ import annotations

import atexit
import threading
import time

from ..errors import OutputError

DELAY_S = 0.3  # quiet time before a save: longer than the screens' redraw after a step (tens of ms)
MAX_WAIT_S = 2.0  # a room that keeps changing is still saved this often


class Writer:
    def __init__(self, delay_s: float = DELAY_S, max_wait_s: float = MAX_WAIT_S):
        self.delay_s, self.max_wait_s = delay_s, max_wait_s
        self.cond = threading.Condition()
        self.pending: dict = {}  # room -> whether its export is due too
        self.first = self.due = 0.0
        self.writing = threading.Lock()  # one save at a time, so a later state is never overwritten by an earlier
        self.thread: threading.Thread | None = None

    def request(self, room, export: bool) -> None:
        """Save `room` soon (`export`: its export file too, else room.json alone)."""
        with self.cond:
            now = time.monotonic()
            if not self.pending:
                self.first = now
            self.pending[room] = self.pending.get(room, False) or export
            self.due = min(self.first + self.max_wait_s, now + self.delay_s)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="rooms-writer", daemon=True)
                self.thread.start()
            self.cond.notify()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.pending:
                    self.cond.wait()
                while (left := self.due - time.monotonic()) > 0:
                    self.cond.wait(left)
            self.flush()

    def flush(self) -> None:
        """Write every pending room now, in the calling thread."""
        with self.writing:
            with self.cond:
                pending, self.pending = self.pending, {}
            for room, export in pending.items():
                try:
                    room.save(export)
                except OutputError as err:  # a full disk must not stop the other rooms' saves or the server
                    print(f"warning: room {room.code} not saved: {str(err).splitlines()[0]}", flush=True)


WRITER = Writer()
atexit.register(WRITER.flush)
