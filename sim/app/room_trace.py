"""Timestamps of a room round in the server, for benchmarks only: off unless $ENTANGLE_ROOM_TRACE names a file.

With it set (`benchmarks/app_room.py --server-split` does), the server appends one JSON line per event:
the step's start and end (`room.Room._step`), each screen's wake-up and re-render (`room_page.use_room`'s
follow thread: `wake`, `render`, `rendered`) and each websocket message a screen sends (`send`: its size
and the time the event loop took it; from Solara's `send_websockets`, wrapped here). Times are
`time.time()`, so the benchmark lines them up with its browsers' epoch clocks. Off, each hook costs one
test of a module global.
"""

from __future__ import annotations

import json
import os
import threading
import time

PATH = os.environ.get("ENTANGLE_ROOM_TRACE") or ""
ON = bool(PATH)
_lock = threading.Lock()
_file = None


def event(what: str, **extra) -> None:
    """One line: the time, the thread's name, what happened and any extra fields."""
    global _file
    if not ON:
        return
    line = json.dumps({"t": time.time(), "thread": threading.current_thread().name, "event": what, **extra})
    with _lock:
        if _file is None:
            _file = open(PATH, "a", buffering=1)  # noqa: SIM115 - kept open for the server's life
        _file.write(line + "\n")


def install() -> None:
    """Wrap Solara's websocket send so that every message a screen sends is a `send` event."""
    if not ON:
        return
    from solara.server import kernel

    if getattr(kernel.send_websockets, "_traced", False):
        return
    send = kernel.send_websockets

    def traced(websockets, binary_msg):
        t0 = time.time()
        send(websockets, binary_msg)
        event("send", bytes=len(binary_msg), start=t0, charts="options_json" in str(binary_msg[:4000]))

    traced._traced = True
    kernel.send_websockets = traced
