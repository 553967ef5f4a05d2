"""Server CPU of a seminar room's round, split: the step (with its save) and each screen's redraw.

    python benchmarks/room_cpu.py                 # 12 rounds, a lecturer and three team screens
    python benchmarks/room_cpu.py --profile       # and the top of a cProfile of the rounds
    python benchmarks/room_cpu.py --classic       # with reacton's classic tree walk (before session 10)

In one process, no browser: a room of three teams at classroom scale, its four screens (the lecturer's
and the three teams') rendered with `solara.render` as the server renders them for a browser session
(their watcher threads see the room's new version and re-render). A round: the three teams commit,
then the lecturer steps. CPU time (`time.process_time()`, all threads of the process, so load-
independent) is taken for the step call alone (until the screens are told) and for the whole round
until every screen has re-rendered and the room's background writer is idle. What a browser's
websocket and drawing cost is not in here (benchmarks/app_room.py times that).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The renderer `python -m sim.app` runs with (see sim/app/__main__.py); `--classic` for reacton's default.
os.environ.setdefault("REACTON_FAST", "0" if "--classic" in sys.argv else "1")

import solara  # noqa: E402

from sim.app import room_page  # noqa: E402
from sim.app.room import Rooms  # noqa: E402

BLOCS = ("EU", "CN", "US")


def _screens(room, lecturer: str, seats: dict) -> list:
    """The room's four screens rendered as the server renders them; each counts its renders."""
    out = []
    for name, make in [
        ("lecturer", lambda: room_page.LecturerScreen(room, lecturer, solara.reactive(""))),
        *[(b, (lambda t=t: room_page.TeamScreen(room, t, solara.reactive("")))) for b, t in seats.items()],
    ]:
        count = [0]
        COUNTS.append(count)
        box, rc = solara.render(make(), handle_error=False)
        out.append((name, rc, count))
    return out


COUNTS: list[list[int]] = []  # per screen, how often it rendered (each render calls use_room once)
_use_room = room_page.use_room


def _counting_use_room(room):
    # The screens are rendered one after another, so the n-th screen's first call is the n-th count.
    ctx = solara.use_memo(lambda: COUNTS[len([c for c in COUNTS if c[0]])], [])
    ctx[0] += 1
    return _use_room(room)


room_page.use_room = _counting_use_room


def _wait_quiet(room, screens, seen: list[int], timeout=10.0) -> None:
    """Until every screen has re-rendered since `seen` and the room's writer has nothing left to do."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(c[0] > s for (_, _, c), s in zip(screens, seen)):
            break
        time.sleep(0.002)
    time.sleep(0.15)  # the screens' last renders settle (a render may set state once more)
    flush = getattr(room, "flush", None)
    if flush:
        flush()


def measure(rounds: int, screens_on: bool, profile: bool = False) -> dict:
    folder = tempfile.mkdtemp(prefix="entangle-roomcpu-")
    rooms = Rooms(folder)
    room, lecturer = rooms.open()
    seats = {b: room.join(b, f"team {b}") for b in BLOCS}
    room.settings(lecturer, auto=False)
    screens = _screens(room, lecturer, seats) if screens_on else []
    time.sleep(0.3)
    prof = cProfile.Profile() if profile else None
    step_cpu, round_cpu = [], []
    for n in range(rounds + 1):
        for token in seats.values():
            room.commit(token)
        if screens:
            _wait_quiet(room, screens, [c[0] - 1 for _, _, c in screens])
        seen = [c[0] for _, _, c in screens]
        if prof and n:
            prof.enable()
        t0 = time.process_time()
        room.step(lecturer)
        t1 = time.process_time()
        if screens:
            _wait_quiet(room, screens, seen)
        elif getattr(room, "flush", None):
            room.flush()
        t2 = time.process_time()
        if prof and n:
            prof.disable()
        if n:  # round 0 warms the caches
            step_cpu.append((t1 - t0) * 1e3)
            round_cpu.append((t2 - t0) * 1e3)
    for _, rc, _ in screens:
        rc.close()
    out = {
        "step_ms": statistics.median(step_cpu),
        "round_ms": statistics.median(round_cpu),
    }
    if prof:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(35)
        out["profile"] = buf.getvalue()
    room.end(lecturer)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--classic", action="store_true", help="reacton's classic tree walk (the server's until session 9)")
    args = ap.parse_args()
    alone = measure(args.rounds, screens_on=False)
    shown = measure(args.rounds, screens_on=True, profile=args.profile)
    per_screen = (shown["round_ms"] - alone["round_ms"]) / 4
    print(
        f"server CPU per round (median of {args.rounds}, classroom scale, 3 teams):\n"
        f"  the step call, until the screens are told: {shown['step_ms']:.1f} ms\n"
        f"  the step and its save, no screen open: {alone['round_ms']:.1f} ms (call {alone['step_ms']:.1f} ms)\n"
        f"  the whole round with the 4 screens re-rendered: {shown['round_ms']:.1f} ms, "
        f"i.e. {per_screen:.1f} ms a screen"
    )
    if args.profile:
        print(shown["profile"])


if __name__ == "__main__":
    main()
