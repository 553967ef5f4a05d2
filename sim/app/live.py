"""Live browser sessions: a bound on how many the server holds at once (issue 16, item 14).

Each browser tab on the single-user page holds its own model (a few MB at classroom scale); a room's
screens share one. Past `MAX_SESSIONS` live tabs in all, a new tab gets a one-line "server full"
page and no model, until a tab closes (Solara ends a closed tab's session and frees its model and
uploads). A room also bounds its own screens (`room.MAX_VIEWERS`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

MAX_SESSIONS = 60  # live browser sessions on one server (a class of 30 with a second tab each)
FULL = (
    f"The server is full: it holds at most {MAX_SESSIONS} live sessions. Close another tab of this app, "
    "or ask the lecturer to share the projector's screen."
)

_lock = threading.Lock()
_live = 0
_rooms = None


def live() -> int:
    return _live


def admit() -> bool:
    """Count this browser session in (False at the bound); it is counted out when its tab closes."""
    global _live
    with _lock:
        if _live >= MAX_SESSIONS:
            return False
        _live += 1
    _on_session_end(leave)
    return True


def leave() -> None:
    global _live
    with _lock:
        _live = max(0, _live - 1)


def _on_session_end(callback) -> None:
    from solara.server import kernel_context

    if kernel_context.has_current_context():
        kernel_context.get_current_context().on_close(callback)


def rooms_folder() -> Path:
    """Where rooms are kept between server runs: $ENTANGLE_ROOMS, or ~/.local/state/entangle/rooms."""
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return Path(os.environ.get("ENTANGLE_ROOMS") or state / "entangle" / "rooms")


def rooms():
    """The server's rooms (restored from disk on first use after a start), their clock running."""
    global _rooms
    from .room import Rooms

    with _lock:
        if _rooms is None:
            _rooms = Rooms(rooms_folder())
            _rooms.start_ticker()  # a countdown restored from disk goes on with no screen open
        return _rooms
