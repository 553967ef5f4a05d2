"""The seminar room's screens (Solara): open or join a room, the lecturer's screen, a team's screen.

Addresses (query strings on the app's one page, so the single-user page at / is unchanged):
- `/?room`                       open a room (lecturer) or type a room code (team);
- `/?room=CODE`                  a team takes a free bloc, or rejoins the seat this browser kept;
- `/?room=CODE&seat=TOKEN`       the team's screen (the link gets the seat back after a reload);
- `/?room=CODE&lecturer=TOKEN`   the lecturer's screen (the secret link; the code alone cannot step).

All state is in `room.Room`; every screen follows `room.version` and redraws when it changes.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import html
import re
import threading
import urllib.parse
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import solara

from ..errors import ConfigError
from ..scenario import available
from . import live, room_trace
from .number_box import NumberBox
from .room import ROUNDS, Room, slider_keys

CSS = (Path(__file__).with_name("page.css")).read_text()
room_trace.install()  # benchmarks only ($ENTANGLE_ROOM_TRACE): each websocket message a screen sends


@solara.component_vue("seat_store.vue")
def SeatStore(code: str, token: str = "", event_found: Callable[[list], None] | None = None):
    """Keeps a team's seat token in this browser (`token`), or reports the ones it holds (`event_found`)."""


def query(search: str | None) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs(search or "", keep_blank_values=True).items()}


def use_room(room: Room, who: str = ""):
    """Redraw when the room changes (and once a second while its countdown runs); False if the room is full.

    `who` names the screen in the benchmarks' server trace (room_trace.py)."""
    version = solara.use_reactive((room.version, None))
    admitted = solara.use_memo(room.attach, [room])

    def follow(cancel: threading.Event):
        if not admitted:
            return
        seen = None
        while not cancel.is_set():
            with room.changed:
                room.changed.wait_for(lambda: room.version != version.value[0] or cancel.is_set(), timeout=1.0)
            left = room.countdown_left()
            now = (room.version, None if left is None else int(left))
            if now != seen:
                seen = now
                room_trace.event("render", who=who, version=now[0])
                version.set(now)
                room_trace.event("rendered", who=who, version=now[0])

    def leave():
        if admitted:
            done = threading.Event()
            live._on_session_end(lambda: done.is_set() or (done.set(), room.detach()))
            return lambda: done.is_set() or (done.set(), room.detach())

    solara.use_effect(leave, [room])
    solara.use_thread(follow, dependencies=[room, admitted], intrusive_cancel=False)
    return admitted, version.value


@solara.component
def RoomPage(search: str):
    q = query(search)
    code, lecturer, seat = q.get("room", ""), q.get("lecturer"), q.get("seat")
    error = solara.use_reactive("")
    solara.Style(CSS)
    solara.Title(f"Entangle room {code}" if code else "Entangle rooms")
    if not code:
        Landing(error)
        return
    try:
        room = live.rooms().get(code)
    except ConfigError as err:
        solara.Error(f"error: {err}", classes=["entangle-error"])
        Landing(error)
        return
    if lecturer is not None:
        if not room.is_lecturer(lecturer):
            solara.Error("error: room: this is not the lecturer's link of this room", classes=["entangle-error"])
            return
        LecturerScreen(room, lecturer, error)
    elif seat is not None:
        if room.seat_of(seat) is None:
            solara.Error("error: room: this seat link holds no seat in this room", classes=["entangle-error"])
            JoinScreen(room, error)
            return
        TeamScreen(room, seat, error)
    else:
        JoinScreen(room, error)


@solara.component
def Landing(error):
    router = solara.use_router()
    scenario = solara.use_reactive("baseline")
    seed = solara.use_reactive(0)
    code = solara.use_reactive("")

    def open_room():
        try:
            room, token = live.rooms().open(scenario.value, int(seed.value))
        except ConfigError as err:
            error.set(f"error: {err}")
            return
        router.push(f"/?room={room.code}&lecturer={urllib.parse.quote(token)}")

    with solara.Columns([1, 1]):
        with solara.Card("Lecturer: open a room"):
            solara.Select("Scenario", values=available(), value=scenario)
            solara.InputInt("Seed", value=seed)
            solara.Button("Open a room", on_click=open_room, color="primary", classes=["entangle-room-open"])
            solara.Text(
                "You get a room code for the teams and a secret lecturer link: keep the link to yourself.",
                classes=["entangle-sub"],
            )
        with solara.Card("Team: join a room"):
            solara.InputText("Room code", value=code, continuous_update=True, classes=["entangle-room-code-input"])
            solara.Button(
                "Join",
                on_click=lambda: router.push(f"/?room={re.sub('[^A-Za-z0-9]', '', code.value).upper()}"),
                color="primary",
                classes=["entangle-room-join"],
            )
    if error.value:
        solara.Error(error.value, classes=["entangle-error"])


@solara.component
def JoinScreen(room: Room, error):
    router = solara.use_router()
    admitted, _ = use_room(room)
    team = solara.use_reactive("")
    held = solara.use_reactive([])  # seat tokens this browser kept for this room (seat_store.vue)
    if not admitted:
        solara.Error("This room has too many screens open.", classes=["entangle-error"])
        return

    def join(bloc):
        try:
            token = room.join(bloc, team.value)
        except ConfigError as err:
            error.set(f"error: {err}")
            return
        router.push(f"/?room={room.code}&seat={urllib.parse.quote(token)}")

    def found(tokens):
        held.set([t for t in tokens if isinstance(t, str) and len(t) <= 64 and room.seat_of(t)][:4])

    SeatStore(code=room.code, event_found=found)
    with solara.Card(f"Join room {room.code}"):
        for token in held.value:
            seat = room.seat_of(token)
            if seat is not None:  # this browser's team came back through the plain room link
                solara.Button(
                    f"Rejoin as {seat.bloc} ({seat.team})",
                    on_click=functools.partial(router.push, f"/?room={room.code}&seat={urllib.parse.quote(token)}"),
                    color="success",
                    classes=["entangle-rejoin", f"entangle-rejoin-{seat.bloc}"],
                )
        solara.InputText("Team name", value=team, continuous_update=True, classes=["entangle-team-name"])
        free = room.free_blocs()
        if not free:
            solara.Text("Every bloc has a team. Ask the lecturer.", classes=["entangle-sub"])
        with solara.Row():
            for bloc in free:
                solara.Button(
                    f"Play {bloc}",
                    on_click=functools.partial(join, bloc),
                    color="primary",
                    classes=[f"entangle-take-{bloc}"],
                )
    if error.value:
        solara.Error(error.value, classes=["entangle-error"])


def _status_line(room: Room) -> str:
    st = room.status()
    left = st["countdown_left"]
    clock = (
        f" · countdown {room.countdown_s // 60}:{room.countdown_s % 60:02d}"
        if left is None
        else f" · {int(left) // 60}:{int(left) % 60:02d} left"
    )
    return f"{'ended' if st['finished'] else st['period']} · rounds of a {st['round_length']}{clock}"


def team_states(room: Room) -> tuple:
    """What the teams row shows: (bloc, team, committed) per bloc (team None: no team)."""
    with room.lock:
        return tuple((b, s.team, s.committed) if (s := room.seats.get(b)) else (b, None, False) for b in room.blocs)


def teams_html(states: tuple) -> str:
    """The teams row: a team per bloc, committed or deciding, or the rules for a bloc with no team."""
    spans = []
    for bloc, team, committed in states:
        if team is None:
            text, cls = f"{bloc}: no team (follows the rules)", "free"
        else:
            text, cls = (
                f"{bloc}: {team} · {'committed' if committed else 'deciding'}",
                "committed" if committed else "deciding",
            )
        spans.append(f"<span class='entangle-room-team team-{bloc} team-{cls}'>{html.escape(text)}</span>")
    return f"<div class='entangle-room-teams'>{''.join(spans)}</div>"


def rounds_html(room: Room) -> str:
    """Who did what in the last four rounds, the latest first."""
    rounds = room.public_rounds()
    if not rounds:
        return "<div class='entangle-who'><span class='entangle-sub'>No round yet.</span></div>"
    items = []
    for n, r in reversed(list(enumerate(rounds, 1))):
        moves = "".join(
            f"<li><b>{html.escape(b)} ({html.escape(r['teams'].get(b, ''))})</b>: {html.escape('; '.join(ms))}</li>"
            for b, ms in r["moves"].items()
        )
        kept = "".join(f"<li><b>{html.escape(b)}</b>: did not commit, kept its levers</li>" for b in r["kept"])
        head = f"Round {n} · {r['period']} ({r['quarters']} q)"
        items.append(f"<div class='entangle-round round-{n}'>{head}<ul>{moves}{kept}</ul></div>")
    return f"<div class='entangle-who'>{''.join(items[:4])}</div>"


@solara.component
def RoundNews(status: str, state: str, states: tuple, rounds: str):
    """Everything a round changes on a screen but the charts, as one HTML widget: the status line (and a
    team's own state), the teams row and who did what. A step is then two websocket messages a screen
    (the charts and this), not five or six that arrive apart and cost a frame each."""
    line = f"<span class='entangle-room-status'>{html.escape(status)}</span>"
    if state:
        line += f"<span class='entangle-team-state'>{html.escape(state)}</span>"
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<div class='entangle-news-line'>{line}</div>{teams_html(states)}{rounds}",
        classes=["entangle-news"],
    )


_shared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # room -> its charts' data, built once a change


def shared_charts(room: Room) -> tuple[str, str, str]:
    """(options, markers, last quarter) of the room's charts: built once per change of the model, under
    the room's lock, for every screen (four screens used to build the same 40 kB four times a step)."""
    from .page import chart_json, last_period, marks_json

    with room.lock:
        key = (room.model_version, id(room.session))
        hit = _shared.get(room)
        if hit is None or hit[0] != key:
            s = room.session
            room_trace.event("charts")
            hit = (key, chart_json(s, False, "papers"), marks_json(s), last_period(s))
            room_trace.event("charts_built")
            _shared[room] = hit
        return hit[1:]


# A team's charts fill the column beside its levers in whole rows of at least this height (charts.vue
# `fit`): assumption, the 280 px of a chart on the other screens plus room to spare, so that at the
# benchmark's 1400x900 and at 1280x800 one row fills the column (two charts) and at 1920x1080 two rows.
TEAM_ROW_PX = 360
# The lecturer's charts likewise (s15): whole rows below the controls, so a round never draws a row that
# shows only a strip of plot. Assumption: the teams' row height, so the projector shows the same charts
# as large (1280x800 and 1400x900: one row of two or three; 1920x1080: two rows of four).
LECTURER_ROW_PX = TEAM_ROW_PX


_grids: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # room -> {id: (grid widget, its kernel)}
_grids_lock = threading.Lock()


def push_charts(room: Room) -> None:
    """The room's new charts to every open screen's chart grid at once, ahead of the screens' re-render.

    Called by the room (`Room.publish`) under its lock when the shared model changed, before the screens
    are told: the stepping thread builds the charts' data once and hands each grid its new trait values
    (one websocket message a screen), so every screen's browser starts drawing while the server still
    re-renders the screens one by one for the rest (status line, teams, levers). The screens' own
    re-render then finds the grid holding the values it would set and sends nothing for it."""
    grids = list(_grids.get(room, {}).values())
    if not grids:
        return
    values = shared_charts(room)
    if len(grids) == 1:
        _push_one(*grids[0], values)
    else:
        # One thread a screen: each message waits in Solara's send for the event loop to write it
        # (`portal.call`); sent one after another, a loaded machine made each wait for the loop's turn
        # on a core again. Sent together, the loop writes them in one turn. Bounded: a stuck send must
        # not hold the room (its screen's re-render sends the charts in any case).
        done = [_pushers().submit(_push_one, ref, ctx_ref, values) for ref, ctx_ref in grids]
        concurrent.futures.wait(done, timeout=PUSH_WAIT_S)
    room_trace.event("pushed", screens=len(grids))


PUSH_WAIT_S = 2.0  # at most this long a step waits for its charts' messages before the screens re-render
_PUSHERS: ThreadPoolExecutor | None = None


def _pushers() -> ThreadPoolExecutor:
    global _PUSHERS
    with _grids_lock:
        if _PUSHERS is None:
            _PUSHERS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="room-push")
        return _PUSHERS


def _push_one(ref, ctx_ref, values: tuple[str, str, str]) -> None:
    """One screen's chart grid gets the new charts (one websocket message), in its own kernel's context."""
    widget, ctx = ref(), ctx_ref() if ctx_ref is not None else None
    if widget is None or getattr(widget, "comm", None) is None:
        return  # a screen that has closed
    try:
        with ctx if ctx is not None else contextlib.nullcontext(), widget.hold_sync():
            widget.options_json, widget.marks_json, widget.period = values
    except Exception as err:  # noqa: BLE001 - a closing screen must not stop the step or the others
        room_trace.event("push_failed", error=str(err)[:200])


def _register_grid(room: Room, el) -> Callable[[], None]:
    """Keep this screen's chart grid widget for `push_charts` while the screen is open."""
    from solara.server import kernel_context

    widget = solara.get_widget(el)
    ctx = kernel_context.get_current_context() if kernel_context.has_current_context() else None
    key = id(widget)
    with room.lock:
        _grids.setdefault(room, {})[key] = (weakref.ref(widget), weakref.ref(ctx) if ctx is not None else None)
        room.publish = functools.partial(push_charts, room)  # the room calls it on every model change

    def forget():
        with room.lock:
            _grids.get(room, {}).pop(key, None)

    return forget


@solara.component
def SharedCharts(room: Room, model_version: int, fit: int = 0):
    """The single-user page's charts, drawn from the room's shared model; keyed on the model, not on
    every room change: a draft, a commit or a countdown second never touches the charts. Its grid gets
    a step's new charts from the stepping thread (`push_charts`), before this re-renders."""
    from .page import ChartGrid, help_json

    options, marks, period = shared_charts(room)
    el = ChartGrid(options_json=options, marks_json=marks, help_json=help_json(), period=period, fit=fit)
    solara.use_effect(lambda: _register_grid(room, el), [room])


@solara.component
def ErrorLine(text: str):
    if text:
        solara.Error(text, classes=["entangle-error"])


def _act(fn, token: str, error, *args, **kwargs) -> None:
    """A screen's action on the room; a refusal shows as the screen's one-line error."""
    try:
        fn(token, *args, **kwargs)
        error.set("")
    except ConfigError as err:
        error.set(f"error: {err}")


def shown_in_order(classes=()):
    """Solara's default container of a screen's parts, made explicit: its children are shown in their
    CSS `order`, so the tree can list the charts first (a widget's update goes out in tree order)."""
    return solara.Column(classes=list(classes))


@solara.component
def LecturerScreen(room: Room, token: str, error):
    admitted, version = use_room(room, "lecturer")
    rounds = solara.use_memo(lambda: rounds_html(room), [room, room.model_version])
    if not admitted:
        solara.Error("This room has too many screens open.", classes=["entangle-error"])
        return
    # Each part below is a component of what it shows: a room change re-renders only the parts whose
    # values moved (a widget re-rendered is reset to its value, which would undo a half-typed number).
    # The screen is the window's height (page.css `.entangle-lecturer-screen`), like a team's: the bars
    # and tools on top (the rounds' list a fixed height, scrolled by itself, so a round never moves the
    # charts), then the charts in whole rows that fill the rest (`LECTURER_ROW_PX`), scrolled by themselves.
    with shown_in_order(["entangle-lecturer-screen"]):
        # First in the tree, shown last: a step's chart update is the first message every screen
        # gets, so its browser draws while the server still renders the other screens' status lines.
        with solara.Div(style={"order": "4"}, classes=["entangle-lecturer-grid"]):
            SharedCharts(room, room.model_version, fit=LECTURER_ROW_PX)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "order": "0"}, gap="16px"):
            solara.Text(room.code, classes=["entangle-room-code", "entangle-period"])
            solara.Text(
                f"Teams join at this address with the code {room.code}: /?room={room.code}",
                classes=["entangle-sub"],
            )
            LecturerControls(room, token, error, room.round_length, room.countdown_s, room.auto, room.session.finished)
        with solara.Div(style={"order": "1"}):
            RoundNews(_status_line(room), "", team_states(room), rounds)
        with solara.Div(style={"order": "2"}):
            ErrorLine(error.value)  # a fixed slot: an error never shifts (and re-mounts) what follows
        with solara.Div(style={"order": "3"}):
            LecturerTools(room, token, error)


@solara.component
def LecturerControls(room: Room, token: str, error, round_length: str, countdown_s: int, auto: bool, finished: bool):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.ToggleButtonsSingle(
            value=round_length,
            values=list(ROUNDS),
            on_value=lambda v: _act(room.settings, token, error, round_length=v),
        )
        solara.InputInt(
            "countdown (s)",
            value=countdown_s,
            on_value=lambda v: v is not None and _act(room.settings, token, error, countdown_s=v),
            classes=["entangle-countdown"],
        )
        solara.Button(
            "Start countdown",
            on_click=lambda: _act(room.start_countdown, token, error),
            classes=["entangle-room-countdown"],
        )
        solara.Button(
            "Step the round now",
            on_click=lambda: _act(room.step, token, error),
            color="primary",
            disabled=finished,
            classes=["entangle-room-step"],
            # No ripple on the buttons that move the round (here and a team's commit and discard): the
            # ripple's half-second animation made the clicked screen draw ~30 frames while the round's charts
            # were due (the benchmark's screens share two cores; each frame is composited whole).
            ripple=False,
        )
        # The room's own clock steps (room.Rooms' ticker), with this screen open or not.
        solara.Switch(
            label="step when every team has committed",
            value=auto,
            on_value=lambda v: _act(room.settings, token, error, auto=v),
            classes=["entangle-room-auto"],
        )


@solara.component
def LecturerTools(room: Room, token: str, error):
    """Export, upload, rewind, end: rendered once (their own state only)."""
    from .page import ScenarioUpload

    rewind_to = solara.use_reactive(1)
    confirm = solara.use_reactive(False)
    router = solara.use_router()

    def upload(info):
        from . import uploads

        try:
            name, data = uploads.decode(info)
        except ConfigError as err:
            error.set(f"error: {err}")
            return
        _act(room.upload, token, error, name, data)

    def end():
        _act(room.end, token, error)
        live.rooms().rooms.pop(room.code, None)
        router.push("/?room")

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="10px"):
        solara.FileDownload(
            lambda: room.export_yaml().encode(),
            filename=f"room_{room.code}_s{room.seed}.yaml",
            label="Export scenario",
            mime_type="application/x-yaml",
            children=[
                solara.Button("Export scenario", icon_name="mdi-download", text=True, classes=["entangle-export"])
            ],
        )
        ScenarioUpload(event_upload=upload)
        solara.InputInt("rewind to before round", value=rewind_to, classes=["entangle-rewind-to"])
        with solara.Div(classes=["entangle-rewind-confirm"]):
            solara.Checkbox(label="yes, discard the later rounds' moves", value=confirm)
        solara.Button(
            "Rewind",
            on_click=lambda: (
                _act(room.rewind, token, error, int(rewind_to.value) - 1, confirm=confirm.value),
                confirm.set(False),
            ),
            classes=["entangle-rewind"],
        )
        solara.Button("End the room", on_click=end, color="error", outlined=True, classes=["entangle-room-end"])


@solara.component
def TeamScreen(room: Room, token: str, error):
    seat = room.seat_of(token)
    admitted, version = use_room(room, seat.bloc if seat else "team")
    rounds = solara.use_memo(lambda: rounds_html(room), [room, room.model_version])
    blocs = room.blocs
    partner = solara.use_reactive(next(b for b in blocs if b != seat.bloc))
    if not admitted:
        solara.Error("This room has too many screens open.", classes=["entangle-error"])
        return
    a = seat.bloc
    b = partner.value if partner.value in blocs and partner.value != a else next(x for x in blocs if x != a)
    i, j = blocs.index(a), blocs.index(b)
    lv = room.session.model.levers

    state = "committed: waiting for the lecturer's step" if seat.committed else f"draft: {len(seat.draft)} move(s)"
    # The screen is the window's height (page.css `.entangle-team-screen`): the bars on top, then the
    # levers and the charts side by side, each scrolled by itself; the charts' rows fill their column
    # exactly (`TEAM_ROW_PX`); the rounds' list above has a fixed height, so a round never resizes them.
    with solara.Column(classes=["entangle-team-screen"]):
        # The charts come first in the tree (see LecturerScreen), the levers' column and the bars above
        # are put back in place by their CSS order.
        with solara.Row(gap="0px", classes=["entangle-team-main"], style={"order": "3"}):
            with solara.Column(gap="4px", classes=["entangle-team-charts"], style={"order": "2"}):
                with solara.Div(classes=["entangle-team-grid"]):
                    SharedCharts(room, room.model_version, fit=TEAM_ROW_PX)
            with solara.Column(gap="4px", classes=["entangle-sidebar"], style={"order": "1"}):
                with solara.Row(style={"align-items": "center"}):
                    solara.Text("towards", classes=["entangle-sub"])
                    solara.ToggleButtonsSingle(value=b, values=[x for x in blocs if x != a], on_value=partner.set)
                for key, sl in slider_keys().items():
                    drafted = seat.draft.get(f"{key}|{b}")
                    current = float(drafted.value) if drafted else float(sl.read(lv, i, j, a, b))
                    # A component of the value it shows: another team's commit does not re-render it (a
                    # re-rendered number box is reset to its value, undoing what the team is typing).
                    Lever(room, token, error, key, b, round(current, 6), drafted is not None)
        with solara.Div(style={"order": "0"}):
            TeamBar(room, token, error, f"{seat.team} · {a}")
        with solara.Div(style={"order": "1"}):
            RoundNews(_status_line(room), state, team_states(room), rounds)
        with solara.Div(style={"order": "2"}):
            ErrorLine(error.value)  # a fixed slot: an error never shifts (and re-mounts) what follows


@solara.component
def TeamBar(room: Room, token: str, error, title: str):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="16px"):
        solara.Text(title, classes=["entangle-period", "entangle-team-title"])
        # The plain room link offers this seat back in this browser; "forget this seat" undoes that.
        SeatStore(code=room.code, token=token)
        commit = lambda: _act(room.commit, token, error)  # noqa: E731
        solara.Button("Commit moves", on_click=commit, color="success", classes=["entangle-commit"], ripple=False)
        solara.Button(
            "Discard draft",
            on_click=lambda: _act(room.discard, token, error),
            classes=["entangle-discard"],
            ripple=False,
        )


@solara.component
def Lever(room: Room, token: str, error, key: str, partner: str, current: float, drafted: bool):
    sl = slider_keys()[key]

    def move(text: str):
        try:
            x = float(text)
        except ValueError:
            error.set(f"error: {sl.group}: {sl.label}: '{text[:20]}' is not a number")
            return
        if abs(x - current) <= sl.step / 2 + 1e-9:
            return  # the value in force typed again (or snapped to its step) is not a move
        _act(room.draft, token, error, key, partner, x)

    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    with solara.Div(classes=["entangle-lever", f"lever-{slug}", "drafted" if drafted else "in-force"]):
        solara.Text(f"{sl.group}: {sl.label}" + (" (draft)" if drafted else ""), classes=["entangle-lever-label"])
        NumberBox(text=f"{current:g}", event_typed=move)
