"""A seminar room (HubNet-style role play): teams play blocs of one shared model; the lecturer runs it.

Pure Python, no browser: the Solara pages (room_page.py) only call these methods.

- The lecturer opens a room and gets a short room code (for the teams, on the projector) and a
  secret lecturer token (in the lecturer's link). Only the lecturer token can step, rewind, upload,
  set the round or end the room.
- A team joins with the code, takes a free bloc and gets a seat token (in its link); the same token
  later gets the same seat back (a closed laptop, a reload, a server restart).
- A team's moves are drafts, private to the team, until it commits; committed moves become visible
  to everyone when the lecturer's step runs them. A team that has not committed when the round is
  stepped keeps its levers as they were (its draft stays a draft).
- Once a team sits at a bloc, the blocs' adaptive rules no longer move that bloc's levers
  (`Scenario.play`, exported as `behaviour.teams`); blocs without a team follow the rules.
- Every change goes through one lock per room, so two teams committing at once cannot interleave.
- The round's clock is the room's, not a screen's: the countdown is a deadline in the room's state, and
  one ticker thread per server (`Rooms.start_ticker`) steps every room whose countdown has run out (or,
  with `auto` on, whose teams have all committed), by the same code as the lecturer's button, with every
  screen closed if need be; a room's change wakes it at once (the last commit's auto step does not wait
  for the next beat). A restarted server reads the deadline back and keeps counting.
- The room's state (its settings, seats, drafts and rounds, plus the export) is written atomically
  after every change, by a background writer once the screens have redrawn (room_writer.py; flushed
  when the server exits); `Rooms` restores every open room from disk when the server starts, by
  replaying its rounds (the model is deterministic, so the replay is the room as it was).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
import secrets
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from .. import periods
from ..atomic import Batch
from ..errors import ConfigError
from ..scenario import parse_measures
from . import bands, room_trace, uploads
from .explain import describe
from .levers_ui import sliders
from .room_writer import WRITER
from .session import Session

MAX_ROOMS = 20  # open rooms on one server; the 21st "Open a room" is refused with one line
MAX_VIEWERS = 40  # live browser sessions per room (teams, projector, onlookers); the 41st is turned away
ROUNDS = {"quarter": 1, "year": 4}  # round length -> quarters the lecturer's step runs
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read off a projector
CODE_LENGTH = 5
TICK_S = 0.25  # how often the server's clock looks at the rooms: a countdown ends at most this late


class AccessError(ConfigError):
    """A token that does not open what it was used for (a team's seat token used to step, say)."""


@functools.lru_cache(maxsize=1)
def slider_keys() -> dict:
    """Each lever a team can move, by a stable key: "<family>:<label>"."""
    return {f"{s.family}:{s.label}": s for s in sliders()}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Move:
    """One lever a team sets: a slider of its own bloc, towards `partner`, to `value`."""

    key: str
    partner: str
    value: float

    def measure(self, bloc: str) -> tuple[str, dict, tuple]:
        sl = slider_keys()[self.key]
        return sl.family, sl.values(bloc, self.partner, self.value), sl.slot(bloc, self.partner)

    def text(self, bloc: str) -> str:
        family, values, _ = self.measure(bloc)
        return describe(family, values)


@dataclass
class Seat:
    bloc: str
    team: str
    token_sha256: str
    joined: str  # the quarter from which the team plays the bloc (the rules leave it alone)
    draft: dict[str, Move] = field(default_factory=dict)  # "<key>|<partner>" -> move, private to the team
    committed: bool = False


@dataclass
class Round:
    """One step of the lecturer's: from `period`, `quarters` quarters, with the moves committed for it."""

    period: str
    quarters: int
    moves: dict[str, list[Move]]  # bloc -> committed moves (empty: committed "no change")
    kept: list[str]  # seated blocs that had not committed: they kept their levers


class Room:
    """One shared model, its seats, drafts and rounds. All methods are thread-safe (one lock per room)."""

    def __init__(self, folder: Path, code: str, lecturer_sha256: str, scenario="baseline", seed=0, scale="classroom"):
        self.folder, self.code, self.lecturer_sha256 = Path(folder), code, lecturer_sha256
        self.scenario, self.seed, self.scale = scenario, int(seed), scale
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)  # pages wait on it to redraw
        self.version = 0
        self.model_version = 0  # moves only when the shared model or its timeline does (charts redraw then)
        self.seats: dict[str, Seat] = {}
        self.rounds: list[Round] = []
        self.round_length = "quarter"
        self.countdown_s = 120
        self.deadline: float | None = None  # time.time() at which the round's countdown ends
        self.auto = True  # step by itself once every team has committed (the countdown always steps)
        self.ended = False
        self.viewers = 0
        self.wake = None  # the server's clock (Rooms), called on every change: an auto step need not wait a beat
        self.publish = None  # the screens' charts (room_page.push_charts), called when the model changed
        self.session = self._fresh()

    # --- access --------------------------------------------------------------------
    def is_lecturer(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(_digest(token), self.lecturer_sha256)

    def _lecturer(self, token: str | None) -> None:
        if not self.is_lecturer(token):
            raise AccessError("room", "only the lecturer's link can do this", "the lecturer's secret link")

    def seat_of(self, token: str | None) -> Seat | None:
        """The seat a seat token holds (a rejoin), or None."""
        if not token:
            return None
        digest = _digest(token)
        with self.lock:
            return next((s for s in self.seats.values() if hmac.compare_digest(s.token_sha256, digest)), None)

    def _seat(self, token: str | None) -> Seat:
        seat = self.seat_of(token)
        if seat is None or self.ended:
            raise AccessError("room", "this seat token holds no seat in this room", "the link your team joined with")
        return seat

    @property
    def blocs(self) -> list[str]:
        return list(self.session.model.blocs)

    def free_blocs(self) -> list[str]:
        with self.lock:
            return [b for b in self.blocs if b not in self.seats]

    # --- teams ---------------------------------------------------------------------
    def join(self, bloc: str, team: str = "") -> str:
        """Take a free bloc; returns the team's seat token (keep it: it gets the seat back)."""
        with self.changed:
            if self.ended:
                raise ConfigError("room", f"room {self.code} has ended", "another room's code")
            if bloc not in self.blocs:
                raise ConfigError("bloc", f"'{bloc}' is not a bloc of this room", ", ".join(self.blocs))
            if bloc in self.seats:
                free = self.free_blocs()
                raise ConfigError("bloc", f"{bloc} already has a team", ", ".join(free) or "no bloc is free")
            token = secrets.token_urlsafe(16)
            period = self.session.period
            self.seats[bloc] = Seat(bloc, (team or f"Team {bloc}").strip()[:40], _digest(token), period)
            self.session.model.scenario.play(bloc, periods.parse(period))
            self._changed()
            return token

    def draft(self, token: str, key: str, partner: str, value: float) -> Move:
        """A team moved a slider: a private draft until it commits (validated now, so commit cannot fail)."""
        with self.changed:
            seat = self._seat(token)
            sl = slider_keys().get(key)
            if sl is None:
                raise ConfigError("lever", f"'{key}' is not a lever", ", ".join(slider_keys()))
            if partner not in self.blocs or partner == seat.bloc:
                others = [b for b in self.blocs if b != seat.bloc]
                raise ConfigError("partner", f"'{partner}' is not a partner of {seat.bloc}", ", ".join(others))
            value = float(value)
            if not sl.lo <= value <= sl.hi:
                raise ConfigError(f"{sl.family}.{sl.field}", f"{value:g} is out of range", f"{sl.lo:g} to {sl.hi:g}")
            move = Move(key, partner, round(value, 6))
            family, values, _ = move.measure(seat.bloc)
            parse_measures(family, copy.deepcopy(values), self.blocs, family)  # the CLI's check and its one line
            seat.draft[f"{key}|{partner}"] = move
            seat.committed = False  # a changed draft must be committed again
            self._changed(export=False)
            return move

    def discard(self, token: str) -> None:
        with self.changed:
            seat = self._seat(token)
            seat.draft.clear()
            seat.committed = False
            self._changed(export=False)

    def commit(self, token: str) -> None:
        """The team's draft (possibly empty: "no change") is its move for this round."""
        with self.changed:
            self._seat(token).committed = True
            self._changed(export=False)

    def all_committed(self) -> bool:
        with self.lock:
            return bool(self.seats) and all(s.committed for s in self.seats.values())

    def countdown_left(self, now: float | None = None) -> float | None:
        with self.lock:
            return None if self.deadline is None else max(0.0, self.deadline - (now or time.time()))

    def ready(self, now: float | None = None) -> bool:
        """Time to step: every team committed, or the round's countdown ran out."""
        left = self.countdown_left(now)
        return not self.session.finished and (self.all_committed() or left == 0.0)

    # --- the lecturer --------------------------------------------------------------
    def settings(
        self, token: str, round_length: str | None = None, countdown_s: int | None = None, auto: bool | None = None
    ) -> None:
        with self.changed:
            self._lecturer(token)
            if auto is not None:
                self.auto = bool(auto)
            if round_length is not None:
                if round_length not in ROUNDS:
                    raise ConfigError("round", f"'{round_length}' is not a round length", ", ".join(ROUNDS))
                self.round_length = round_length
            if countdown_s is not None:
                if not 10 <= int(countdown_s) <= 3600:
                    raise ConfigError("countdown", f"{countdown_s} s", "10 to 3600 seconds")
                self.countdown_s = int(countdown_s)
            self._changed(export=False)

    def start_countdown(self, token: str, now: float | None = None) -> None:
        with self.changed:
            self._lecturer(token)
            self.deadline = (now or time.time()) + self.countdown_s
            self._changed(export=False)

    def tick(self, now: float | None = None) -> Round | None:
        """The server's clock: step if the countdown has run out, or (auto) every team has committed.

        Checked and stepped under the room's lock, so a lecturer's click at the same moment steps
        once more on purpose but the clock never steps one round twice."""
        with self.changed:
            if self.ended:
                return None
            if self.session.finished and self.deadline is not None:  # nothing left to step: stop the clock
                self.deadline = None
                self._changed(export=False)
                return None
            left = self.countdown_left(now)
            if left == 0.0 or (self.auto and self.all_committed() and not self.session.finished):
                return self._step()
            return None

    def step(self, token: str) -> Round | None:
        """The lecturer's button: run the round now."""
        with self.changed:
            self._lecturer(token)
            return self._step()

    def _step(self) -> Round | None:
        """Run the round: committed moves in force, then a quarter or a year of the shared model."""
        with self.changed:
            if self.session.finished:
                return None
            room_trace.event("step")
            moves = {b: list(s.draft.values()) for b, s in self.seats.items() if s.committed}
            rnd = Round(
                self.session.period, ROUNDS[self.round_length], moves, [b for b in self.seats if b not in moves]
            )
            self._play(self.session, rnd)
            self.rounds.append(rnd)
            for b in moves:
                self.seats[b].draft.clear()
                self.seats[b].committed = False
            self.deadline = None
            room_trace.event("stepped", version=self.version + 1)
            self._changed()
            return rnd

    def rewind(self, token: str, to_round: int, confirm: bool = False) -> None:
        """Back to before round `to_round` (0: the start); the later rounds' commits are discarded."""
        with self.changed:
            self._lecturer(token)
            if not confirm:
                raise ConfigError("rewind", "discards every later round's moves", "confirm=True")
            if not 0 <= to_round <= len(self.rounds):
                raise ConfigError("rewind", f"there is no round {to_round}", f"0 to {len(self.rounds)}")
            target = self.rounds[to_round].period if to_round < len(self.rounds) else self.session.period
            for seat in self.seats.values():  # a team that joined later plays its bloc from the rewound quarter
                if periods.parse(seat.joined) > periods.parse(target):
                    seat.joined = target
                seat.draft.clear()
                seat.committed = False
            self.rounds = self.rounds[:to_round]
            self.deadline = None
            self._rebuild()
            self._changed()

    def upload(self, token: str, name: str, data: bytes) -> None:
        """A new scenario for the room (a checked .yaml); the rounds start again, seats stay."""
        with self.changed:
            self._lecturer(token)
            incoming = self.folder / "incoming"
            try:
                new = uploads.load(incoming, name, data, self.seed, self.scale)  # refused: removed, room unchanged
                new.close()
                missing = [b for b in self.seats if b not in new.model.blocs]
                if missing:
                    raise ConfigError("scenario", f"has no bloc {', '.join(missing)}, which a team plays", "")
                target = self.folder / "scenario.yaml"
                shutil.move(new.scenario, target)
            finally:
                shutil.rmtree(incoming, ignore_errors=True)
            self.scenario = str(target)
            self.rounds, self.deadline = [], None
            for seat in self.seats.values():
                seat.joined, seat.committed = periods.label(new.model.scenario.start), False
                seat.draft.clear()
            self._rebuild()
            self._changed()

    def end(self, token: str) -> None:
        with self.changed:
            self._lecturer(token)
            self.ended = True
            self.session.close()
            self._changed(save=False)
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- the model -----------------------------------------------------------------
    def _fresh(self) -> Session:
        uploaded = Path(self.scenario).suffix in (".yaml", ".yml")
        s = Session(self.scenario, self.seed, self.scale, uploaded=uploaded)
        if uploaded:
            s.display_name = "uploaded"
        for seat in self.seats.values():
            s.model.scenario.play(seat.bloc, periods.parse(seat.joined))
        return s

    def _play(self, session: Session, rnd: Round) -> None:
        for bloc in session.model.blocs:  # a fixed order, so that a replay is the same run
            for move in rnd.moves.get(bloc, []):
                session.set_lever(*move.measure(bloc))
        for _ in range(rnd.quarters):
            if not session.step():
                break

    def _rebuild(self) -> None:
        """The shared model replayed from the start through the rounds (deterministic: the same run)."""
        fresh = self._fresh()
        for rnd in self.rounds:
            self._play(fresh, rnd)
        old, self.session = self.session, fresh
        old.close()

    # --- what the screens show -----------------------------------------------------
    def public_rounds(self) -> list[dict]:
        """Who did what, round by round (committed moves only: drafts never leave their team)."""
        return [
            {
                "period": r.period,
                "quarters": r.quarters,
                "moves": {b: [m.text(b) for m in ms] or ["committed: no change"] for b, ms in sorted(r.moves.items())},
                "kept": r.kept,
                "teams": {b: self.seats[b].team for b in [*r.moves, *r.kept] if b in self.seats},
            }
            for r in self.rounds
        ]

    def status(self) -> dict:
        """The room as every screen may see it (no tokens, no drafts)."""
        with self.lock:
            return {
                "code": self.code,
                "period": self.session.period,
                "finished": self.session.finished,
                "round_length": self.round_length,
                "countdown_left": self.countdown_left(),
                "teams": {b: {"team": s.team, "committed": s.committed} for b, s in self.seats.items()},
                "free": self.free_blocs(),
                "rounds": len(self.rounds),
                "ended": self.ended,
            }

    def export_dict(self) -> dict:
        """The scenario file the room's run replays from: the session's export plus the teams' seats."""
        with self.lock:
            data = self.session.export_dict()
            data["name"] = f"room_{self.code}"
            if self.seats:
                beh = data.setdefault("behaviour", {}) or {}
                beh["teams"] = {b: s.joined for b, s in sorted(self.seats.items())}
                data["behaviour"] = beh
            return data

    def export_yaml(self) -> str:
        return _yaml(*self._export_parts())

    def _export_parts(self) -> tuple[str, dict]:
        """The export's header and content, taken under the lock (the YAML is written outside it)."""
        with self.lock:
            s = self.session
            ran_to = periods.label(s.model.quarter - 1) if s.started else s.period
            teams = ", ".join(f"{b}: {seat.team}" for b, seat in sorted(self.seats.items())) or "no teams"
            header = (
                f"# Exported from Entangle seminar room {self.code} ({teams}); {len(self.rounds)} round(s), "
                f"ran to {ran_to}.\n"
                f"# Reproduce: python -m sim scenario=<this file> seed={self.seed} scale={s.scale} end={ran_to}\n"
            )
            return header, self.export_dict()

    # --- persistence ---------------------------------------------------------------
    def state(self) -> dict:
        return {
            "code": self.code,
            "lecturer_sha256": self.lecturer_sha256,
            "scenario": Path(self.scenario).name
            if self.scenario == str(self.folder / "scenario.yaml")
            else self.scenario,
            "seed": self.seed,
            "scale": self.scale,
            "round_length": self.round_length,
            "countdown_s": self.countdown_s,
            "deadline": self.deadline,
            "auto": self.auto,
            "seats": {b: asdict(s) for b, s in self.seats.items()},
            "rounds": [asdict(r) for r in self.rounds],
        }

    def save(self, export: bool = True) -> None:
        """room.json (settings, seats, drafts, rounds) and room_export.yaml, renamed into place together.

        The export changes only when the model or the seats do (a step, a join, a rewind, an upload):
        a draft or a commit rewrites room.json alone, which is what the restore reads. Called by the
        background writer (room_writer.py), which calls one save at a time; an ended room is not saved
        (its folder is gone and must stay gone)."""
        with self.lock:
            if self.ended:
                return
            text = json.dumps(self.state(), indent=1, sort_keys=True)
            parts = self._export_parts() if export else None
        yaml_text = _yaml(*parts) if parts else None  # the slow part, with the room free for its screens
        with self.lock, Batch() as batch:
            if self.ended:
                return
            batch.add(self.folder / "room.json", lambda tmp: Path(tmp).write_text(text))
            if yaml_text is not None:
                batch.add(self.folder / "room_export.yaml", lambda tmp: Path(tmp).write_text(yaml_text))

    @staticmethod
    def flush() -> None:
        """Every room's pending save written now (the writer otherwise waits for the screens' redraw)."""
        WRITER.flush()

    @classmethod
    def restore(cls, folder: Path) -> Room:
        data = json.loads((Path(folder) / "room.json").read_text())
        scenario = data["scenario"]
        if scenario == "scenario.yaml":
            scenario = str(Path(folder) / "scenario.yaml")
        room = cls.__new__(cls)
        room.folder, room.code, room.lecturer_sha256 = Path(folder), data["code"], data["lecturer_sha256"]
        room.scenario, room.seed, room.scale = scenario, int(data["seed"]), data["scale"]
        room.lock = threading.RLock()
        room.changed = threading.Condition(room.lock)
        room.version, room.model_version, room.viewers, room.ended = 0, 0, 0, False
        room.wake = room.publish = None
        room.round_length, room.countdown_s = data["round_length"], int(data["countdown_s"])
        room.deadline, room.auto = data.get("deadline"), bool(data.get("auto", True))  # a running countdown goes on
        room.seats = {}
        for b, s in data["seats"].items():
            draft = {k: Move(**m) for k, m in s.pop("draft").items()}
            room.seats[b] = Seat(**s, draft=draft)
        room.rounds = [
            Round(r["period"], r["quarters"], {b: [Move(**m) for m in ms] for b, ms in r["moves"].items()}, r["kept"])
            for r in data["rounds"]
        ]
        room.session = room._fresh()
        for rnd in room.rounds:
            room._play(room.session, rnd)
        return room

    def _changed(self, save: bool = True, export: bool = True) -> None:
        """Every screen redraws; then the background writer saves the room (off the screens' path)."""
        self.version += 1
        if export:
            self.model_version += 1
        # The room acted: the server's background seed runs pause, so the screens' re-render (and a step
        # that follows at once, the last commit's auto step or the lecturer's click) does not share the
        # interpreter with a band run's quarter.
        bands.hush()
        if export and self.publish is not None and not self.ended:
            # the new charts go to every screen first, from this thread, before the screens re-render
            try:
                self.publish()
            except Exception as err:  # noqa: BLE001 - the screens' re-render still draws them
                print(f"warning: room {self.code}: charts not pushed: {str(err).splitlines()[0]}", flush=True)
        self.changed.notify_all()
        if self.wake is not None:
            self.wake()
        if save:
            WRITER.request(self, export)

    # --- live browser sessions ------------------------------------------------------
    def attach(self) -> bool:
        """A browser opened this room; False (turned away) at MAX_VIEWERS live sessions."""
        with self.lock:
            if self.viewers >= MAX_VIEWERS:
                return False
            self.viewers += 1
            return True

    def detach(self) -> None:
        with self.lock:
            self.viewers = max(0, self.viewers - 1)


class Rooms:
    """The server's open rooms, by code; restored from `folder` when made (a server restart)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.lock = threading.Lock()
        self.rooms: dict[str, Room] = {}
        self.ticker: threading.Thread | None = None
        self.stopped = threading.Event()
        self.beat = threading.Event()  # a room changed: the clock looks now (an auto step right after the commit)
        WRITER.flush()  # what this process asked to save is on disk before the folder is read
        for path in sorted(self.folder.glob("*/room.json")):
            try:
                room = Room.restore(path.parent)
            except (ConfigError, OSError, KeyError, TypeError, ValueError) as err:
                print(f"warning: room {path.parent.name} not restored: {str(err).splitlines()[0]}", flush=True)
                continue
            room.wake = self.beat.set
            self.rooms[room.code] = room

    def open(self, scenario: str = "baseline", seed: int = 0, scale: str = "classroom") -> tuple[Room, str]:
        """A new room and its lecturer token (shown once, in the lecturer's link)."""
        with self.lock:
            live = {c: r for c, r in self.rooms.items() if not r.ended}
            if len(live) >= MAX_ROOMS:
                raise ConfigError("room", f"this server already has {MAX_ROOMS} open rooms", "end a room first")
            code = _new_code(set(self.rooms))
            token = secrets.token_urlsafe(24)
            room = Room(self.folder / code, code, _digest(token), scenario, seed, scale)
            room.save()
            room.wake = self.beat.set
            self.rooms[code] = room
            return room, token

    def get(self, code: str) -> Room:
        room = self.rooms.get((code or "").strip().upper())
        if room is None or room.ended:
            raise ConfigError("room", f"no open room '{(code or '')[:12]}'", "the code on the lecturer's screen")
        return room

    def end(self, code: str, token: str) -> None:
        room = self.get(code)
        room.end(token)
        with self.lock:
            self.rooms.pop(room.code, None)

    def tick(self, now: float | None = None) -> None:
        """One beat of the server's clock over every open room (a failing room does not stop the others)."""
        with self.lock:
            rooms = [r for r in self.rooms.values() if not r.ended]
        for room in rooms:
            try:
                room.tick(now)
            except Exception as err:  # noqa: BLE001 - the clock must outlive one room's error
                print(f"warning: room {room.code}: the round did not step: {str(err).splitlines()[0]}", flush=True)

    def start_ticker(self, every_s: float = TICK_S) -> None:
        """The one background thread that runs every room's clock (a daemon: it dies with the server)."""
        with self.lock:
            if self.ticker is not None:
                return
            self.ticker = threading.Thread(target=self._run_ticker, args=(every_s,), name="rooms-ticker", daemon=True)
        self.ticker.start()

    def stop_ticker(self) -> None:
        self.stopped.set()
        self.beat.set()
        if self.ticker is not None:
            self.ticker.join()

    def _run_ticker(self, every_s: float) -> None:
        # Every `every_s` for the countdowns, and at once when a room changes: the last team's commit
        # (auto) steps the round without waiting up to a beat (on average TICK_S / 2 before).
        while not self.stopped.is_set():
            self.beat.wait(every_s)
            self.beat.clear()
            if not self.stopped.is_set():
                self.tick()


def _yaml(header: str, data: dict) -> str:
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code
