"""The seminar page (Solara): scenario picker, playback, policy sliders, events, live charts, export.

The state lives in a `Controller` (controller.py) made once per `Page`, so each browser session (each
Solara kernel) gets its own `Session` and model: two students never see each other's changes.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import reacton.ipyvuetify as rv
import solara

from .. import periods
from ..errors import ConfigError
from ..limits import MAX_SCENARIO_BYTES
from ..scenario import available, read_own
from . import explain
from .below import below_charts
from .charts import View, all_charts, mark_line
from .controller import UNCHANGED, Controller
from .levers_ui import EVENTS, sliders
from .number_box import NumberBox, parse_number
from .session import Session, scales

CHART_KEYS = [*explain.CHART_COLUMNS, "network", "flows", "institutions"]


def story(name: str) -> str:
    """A scenario's `description:` (its story), for the scenario menu."""
    try:
        return " ".join(str(read_own(name).get("description") or "").split())
    except (ConfigError, OSError):  # an unreadable file still gets its name in the menu; loading it shows the error
        return ""


def first_sentence(text: str) -> str:
    head = text.split(". ")[0].rstrip(".")
    return head if len(head) <= 90 else head[:88] + "…"


CSS = (Path(__file__).with_name("page.css")).read_text()


@solara.component_vue("charts.vue")
def ChartGrid(
    options_json: str, marks_json: str = "{}", help_json: str = "{}", period: str = "", height: int = 280, fit: int = 0
):
    """`fit` > 0: the grid has its own height (CSS) and scrolls by itself; its rows fill it exactly, each at
    least `fit` px (charts.vue). 0: every chart `height` px, the page scrolls."""


@solara.component_vue("upload.vue")
def ScenarioUpload(event_upload: Callable[[dict], None], max_bytes: int = MAX_SCENARIO_BYTES):
    pass


def _help(text: str, summary: str = "what is this?"):
    """A plain-language explanation one click away (a native <details>: no state on the server)."""
    solara.HTML(
        tag="details",
        unsafe_innerHTML=f"<summary><i class='mdi mdi-information-outline'></i> {html.escape(summary)}</summary>"
        f"{html.escape(text)}",
        classes=["entangle-help"],
    )


@solara.component
def Page():
    c: Controller = solara.use_memo(Controller, [])
    s: Session = c.session.value
    tick, playing = c.tick.value, c.playing.value
    solara.use_thread(c.play_loop, dependencies=[playing, c.speed.value, s], intrusive_cancel=False)
    solara.use_thread(c.band_loop, dependencies=[s, c.band.value], intrusive_cancel=False)
    c.sync_view(s)  # the comparison and seed runs follow the page's switches (cheap when unchanged)
    sidebar = solara.use_reactive(True)

    solara.Style(CSS)
    solara.Title("Entangle")
    blocs = s.model.blocs
    a = c.acting.value if c.acting.value in blocs else blocs[0]
    b = c.partner.value if c.partner.value in blocs and c.partner.value != a else next(x for x in blocs if x != a)
    lv = s.model.levers
    i, j = blocs.index(a), blocs.index(b)
    values = tuple(float(sl.read(lv, i, j, a, b)) for sl in sliders())

    with solara.Row(gap="0px", style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
        if sidebar.value:
            with solara.Column(gap="8px", classes=["entangle-sidebar"]):
                ScenarioCard(c)
                LeverPanel(c, tuple(blocs), a, b, values, s.finished)
        with solara.Column(gap="6px", style={"padding": "4px 10px", "flex": "1 1 auto", "min-width": "0"}):
            Controls(c, s, s.period, s.finished, playing, sidebar)
            TimeAndView(c, s, s.period, playing, c.band_version.value)
            EventButtons(c, s.finished)
            with solara.Row(gap="8px", style={"align-items": "flex-start", "flex-wrap": "wrap"}):
                EventLegend(tuple(m for m in s.markers() if m[2]))
                Downloads(c, s)
            with solara.Column(gap="4px"):  # a fixed slot, so that the charts below are never re-mounted
                if c.compare.value:
                    solara.Text(
                        f"Faint dashed lines: {s.compare_name}, same seed"
                        + (", without the class's changes." if c.compare_to.value == UNCHANGED else "."),
                        classes=["entangle-sub", "entangle-compare-note"],
                    )
                if c.error.value:
                    solara.Error(c.error.value, classes=["entangle-error"])
                if c.notice.value:
                    solara.Success(c.notice.value, classes=["entangle-notice"], dense=True)
            view = (s.compare_name, c.band.value, c.smooth.value, c.band_version.value)
            Charts(s, tick, c.compare.value, c.network.value, view)
            with solara.Row(style={"align-items": "center"}):
                solara.Text("Network edges:", classes=["entangle-sub"])
                solara.ToggleButtonsSingle(value=c.network, values=["papers", "capital"])
            ChangeLog(s, len(s.changes), tuple((ch.period, repr(ch.values)) for ch in s.changes[-1:]))


@solara.component
def ScenarioCard(c: Controller):
    stories = solara.use_memo(lambda: {name: story(name) for name in available()}, [])
    items = [
        {"text": f"{name.replace('_', ' ')}: {first_sentence(text)}", "value": name} for name, text in stories.items()
    ]
    items += [{"text": label, "value": label} for label in c.uploads.value]
    with solara.Card("Scenario", margin=0):
        rv.Select(
            label="Scenario",
            items=items,
            v_model=c.choice.value,
            on_v_model=c.choice.set,
            class_="entangle-scenario",
            menu_props={"maxWidth": 560},
        )
        # Always there (empty for an upload): a child that comes and goes would shift the upload widget's place,
        # and the page would rebuild it while the browser is handing it a file (the file is then lost).
        solara.Text(stories.get(c.choice.value, ""), classes=["entangle-story"])
        ScenarioUpload(event_upload=c.upload)
        solara.InputInt("Seed", value=c.seed)
        solara.Select("Scale", values=list(scales()), value=c.scale)
        solara.Button("Start this run", on_click=lambda: c.load(), color="primary", classes=["entangle-load"])


@solara.component
def LeverPanel(c: Controller, blocs: tuple, a: str, b: str, values: tuple, finished: bool):
    """One slider (with a number box for exact values) per lever of the acting bloc, showing the value in force."""
    with solara.Card(f"Policy levers of {a}", margin=0):
        with solara.Row(style={"align-items": "center"}):
            solara.Text("acting bloc", classes=["entangle-sub"])
            solara.ToggleButtonsSingle(value=a, values=list(blocs), on_value=c.acting.set, classes=["entangle-acting"])
        with solara.Row(style={"align-items": "center"}):
            solara.Text("partner", classes=["entangle-sub"])
            solara.ToggleButtonsSingle(
                value=b, values=[x for x in blocs if x != a], on_value=c.partner.set, classes=["entangle-partner"]
            )
        group = None
        for sl, value in zip(sliders(), values):
            if sl.group != group:
                group = sl.group
                solara.Text(group, classes=["entangle-lever-group"])
            slug = re.sub(r"[^a-z0-9]+", "-", sl.label.lower()).strip("-")
            move = functools.partial(c.set_lever, sl, a, b, current=value)
            with solara.Div(classes=["entangle-lever", f"lever-{sl.family}-{slug}"]):
                solara.Text(sl.label, classes=["entangle-lever-label"])
                with solara.Row(gap="6px", style={"align-items": "center", "flex-wrap": "nowrap"}):
                    with solara.Div(style={"flex": "1 1 auto", "min-width": "0"}):
                        solara.SliderFloat(
                            "",
                            value=value,
                            min=sl.lo,
                            max=sl.hi,
                            step=sl.step,
                            disabled=finished,
                            tick_labels="end_points",
                            on_value=move,
                        )
                    # the typed text comes with its Enter (number_box.vue): the Enter never outruns the value
                    NumberBox(
                        text=f"{round(value, 6):g}",
                        event_typed=functools.partial(typed_lever, c, sl, move),
                        disabled=finished,
                    )
                _help(explain.slider_help(sl))


def typed_lever(c: Controller, sl, move, text: str) -> None:
    """A lever's number box: the typed value becomes a move (a bad number: the page's one-line error)."""
    try:
        x = parse_number(text, f"{sl.group}: {sl.label}")
    except ConfigError as err:
        c.error.set(f"error: {err}")
        return
    move(x)


@solara.component
def EventButtons(c: Controller, finished: bool):
    with solara.Row(classes=["entangle-events"], style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Text("Events now:", classes=["entangle-sub"])
        for ev in EVENTS:
            solara.Button(
                ev.title,
                on_click=lambda ev=ev: c.fire(ev),
                color="error",
                outlined=True,
                disabled=finished,
                classes=[f"entangle-event-{ev.key}"],
            )


@solara.component
def EventLegend(markers: tuple):
    """The badges on the charts, spelled out: the class's events (numbers) and, folded, the scenario's
    own dated measures (letters)."""
    events = [m for m in markers if m[2].isdigit()]
    history = [m for m in markers if not m[2].isdigit()]
    if not markers:
        return
    with solara.Row(classes=["entangle-legend"], style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        if events:
            solara.Text("On the charts:", classes=["entangle-sub"])
        for period, label, badge in events:
            with solara.Div(classes=["entangle-legend-item"]):
                solara.Text(badge, classes=["entangle-badge"])
                solara.Text(f"{period} {label}")
        if history:
            items = "".join(
                f"<div><span class='entangle-badge-scenario'>{html.escape(badge)}</span> {html.escape(period)} "
                f"{html.escape(label)}</div>"
                for period, label, badge in history
            )
            solara.HTML(
                tag="details",
                unsafe_innerHTML=f"<summary>grey letters {html.escape(history[0][2])}–{html.escape(history[-1][2])}:"
                f" the scenario's own dated measures</summary>{items}",
                classes=["entangle-history"],
            )


@solara.component
def Controls(c: Controller, s: Session, period: str, finished: bool, playing: bool, sidebar):
    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["entangle-controls"]):
        solara.Button(
            icon_name="mdi-menu-open" if sidebar.value else "mdi-menu",
            on_click=lambda: sidebar.set(not sidebar.value),
            icon=True,
            classes=["entangle-sidebar-toggle"],
        )
        with solara.Column(gap="0px"):
            solara.Text(period if not finished else "end", classes=["entangle-period"])
            solara.Text(
                f"{'next quarter' if not finished else 'scenario ended'} · {s.display_name} · seed {s.seed}"
                + ("" if s.scale == "classroom" else f" · {s.scale}"),
                classes=["entangle-sub"],
            )
        if playing:
            solara.Button(
                "Pause",
                icon_name="mdi-pause",
                on_click=lambda: c.playing.set(False),
                color="warning",
                classes=["entangle-pause"],
            )
        else:
            solara.Button(
                "Play",
                icon_name="mdi-play",
                on_click=lambda: c.playing.set(True),
                color="success",
                disabled=finished,
                classes=["entangle-play"],
            )
        solara.Button(
            "Step one quarter",
            icon_name="mdi-step-forward",
            on_click=c.step,
            disabled=finished or playing,
            classes=["entangle-step"],
            ripple=False,  # clicked quarter after quarter: its ripple's frames would compete with the redraw
        )
        solara.Button("Reset", icon_name="mdi-restore", on_click=c.reset, classes=["entangle-reset"])
        with solara.Div(style={"width": "200px"}, classes=["entangle-speed"]):
            solara.SliderFloat(f"{c.speed.value:g} quarters/s", value=c.speed, min=0.5, max=10, step=0.5)
        solara.Switch(label="Compare: unchanged run", value=c.compare, classes=["entangle-compare"])


@solara.component
def TimeAndView(c: Controller, s: Session, period: str, playing: bool, band_version: int = 0):
    """Time control (step back, run to a quarter: exact, by replay) and what the charts overlay."""
    target = solara.use_reactive("")
    started = bool(s.model.recorder.rows)
    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["entangle-time"]):
        solara.Button(
            "Step back",
            icon_name="mdi-step-backward",
            on_click=c.step_back,
            disabled=playing or not started,
            classes=["entangle-back"],
            ripple=False,  # like "Step one quarter"
        )
        with solara.Div(style={"width": "130px"}):
            solara.InputText("Run to quarter", value=target, continuous_update=True, classes=["entangle-run-to-text"])
        solara.Button(
            "Run to",
            icon_name="mdi-debug-step-over",
            on_click=lambda: c.run_to(target.value),
            disabled=playing or not target.value.strip(),
            classes=["entangle-run-to"],
        )
        with solara.Div(style={"width": "260px"}, classes=["entangle-compare-to"]):
            options = [UNCHANGED, *available(), *c.uploads.value]
            solara.Select("Compare with", values=options, value=c.compare_to)
        solara.Switch(label="Seed band", value=c.band, classes=["entangle-band"])
        solara.Switch(label="Smooth counts (yearly mean)", value=c.smooth, classes=["entangle-smooth"])
        done, asked = s.bands.status()
        if c.band.value and asked:
            solara.Text(
                f"seed runs: {done} of {asked} done" if done < asked else f"band over {asked} runs ready",
                classes=["entangle-sub", "entangle-band-status"],
            )


@solara.component
def Downloads(c: Controller, s: Session):
    def exported(kind: str, data: bytes, filename: str) -> bytes:
        c.notice.set(f"Saved {filename} ({kind}, {len(data):,} bytes) to your downloads folder.")
        return data

    with solara.Row(gap="4px", style={"margin-left": "auto", "align-items": "center"}):
        scenario_file = f"{s.display_name}_class_s{s.seed}.yaml"
        table_file = f"{s.display_name}_class_s{s.seed}_timeseries.csv"
        solara.FileDownload(
            lambda: exported("scenario", s.export_yaml().encode(), scenario_file),
            filename=scenario_file,
            label="Export scenario",
            mime_type="application/x-yaml",
            children=[
                solara.Button("Export scenario", icon_name="mdi-download", text=True, classes=["entangle-export"])
            ],
        )
        solara.FileDownload(
            lambda: exported("table", s.model.recorder.timeseries().to_csv(index=False).encode(), table_file),
            filename=table_file,
            label="Download table (CSV)",
            mime_type="text/csv",
            children=[solara.Button("Table (CSV)", icon_name="mdi-download", text=True, classes=["entangle-csv"])],
        )


def chart_json(s: Session, compare: bool, network: str, view: tuple = ("", False, False, 0)) -> str:
    """Every chart's options as one JSON string (what the chart grid draws)."""
    ref_name, band_on, smoothing, _ = view
    with s.lock:
        rows = list(s.model.recorder.rows)
        ref = s.reference_rows() if compare else None
        scen = s.model.scenario
        overlay = View(
            ref_name,
            s.bands.runs("class") if band_on else (),
            s.bands.runs("compare") if band_on and compare else (),
            smoothing,
        )
        charts = all_charts(
            s.model.blocs, scen.start, scen.end, rows, ref, (), network, overlay, below_charts(s.model, rows)
        )
        return json.dumps(charts, separators=(",", ":"))


def marks_json(s: Session) -> str:
    """The same marker lines go on every line chart: sent once, and only when they change (the
    widget adds them to each chart), so a step's message holds just the new data."""
    scen = s.model.scenario
    axis = [periods.label(q) for q in range(scen.start, scen.end + 1)]
    return json.dumps(mark_line(axis, s.markers()), separators=(",", ":"))


@functools.cache
def help_json() -> str:
    return json.dumps({k: explain.chart_help(k) for k in CHART_KEYS})


def last_period(s: Session) -> str:
    return s.model.recorder.rows[-1]["period"] if s.model.recorder.rows else s.period


@solara.component
def Charts(s: Session, tick: int, compare: bool, network: str, view: tuple = ("", False, False, 0)):
    options = solara.use_memo(lambda: chart_json(s, compare, network, view), [s, tick, compare, network, view])
    marks = solara.use_memo(lambda: marks_json(s), [s, tick])
    ChartGrid(options_json=options, marks_json=marks, help_json=help_json(), period=last_period(s))


@solara.component
def ChangeLog(s: Session, n_changes: int, last: tuple):
    if not s.changes:
        solara.Text(
            "No changes yet: move a slider or press an event button; it takes effect from the next step.",
            classes=["entangle-sub"],
        )
        return
    with solara.Column(gap="2px", classes=["entangle-log"]):
        solara.Text("Changes made in class (Export scenario writes them, dated):", style={"font-weight": "600"})
        for c in s.changes:
            what = explain.describe(c.family, c.values)
            solara.Text(f"{c.period} · {c.label + ': ' if c.label else ''}{what}")


Seminar = Page  # the single-user page; `Page` below also serves the seminar rooms (room_page.py)


@solara.component
def Page():  # noqa: F811 - Solara serves the module's `Page`
    """/?room... -> a seminar room's screens; anything else -> the single-user page. Past the bound on live
    sessions (live.py) a new tab gets one line instead of a model."""
    from . import live, room_page

    admitted = solara.use_memo(live.admit, [])
    search = solara.use_router().search or ""
    if not admitted:
        solara.Error(live.FULL, classes=["entangle-error", "entangle-full"])
    elif "room" in room_page.query(search):
        room_page.RoomPage(search)
    else:
        Seminar()


if os.environ.get("SOLARA_APP") == __name__:  # served (python -m sim.app runs this module once at start):
    from . import live

    live.rooms()  # open rooms come back now, and a running countdown goes on with no screen open
