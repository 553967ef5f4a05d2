"""The seminar page (Solara): scenario picker, playback, policy sliders, events, live charts, export.

The state lives in a `Controller` (controller.py) made once per `Page`, so each browser session (each
Solara kernel) gets its own `Session` and model: two students never see each other's changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import solara

from ..scenario import available
from .charts import all_charts
from .controller import Controller
from .levers_ui import EVENTS, sliders
from .session import Session, scales

CSS = """
.entangle-period { font-size: 56px; font-weight: 700; line-height: 1; letter-spacing: 1px; min-width: 230px; }
.entangle-sub { font-size: 15px; color: #555; }
.entangle-controls .v-btn { font-size: 17px !important; height: 44px !important; }
.entangle-events .v-btn { font-size: 15px !important; text-transform: none !important; margin: 4px; }
.entangle-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 10px; }
.entangle-chart { border: 1px solid #ddd; border-radius: 6px; background: #fff; }
.entangle-error { font-size: 17px; }
.entangle-upload { margin: 4px 0 10px 0; cursor: pointer; }
.entangle-lever-group { font-weight: 600; font-size: 15px; margin-top: 10px; }
.entangle-log { font-size: 15px; }
.entangle-legend { font-size: 17px; gap: 14px; }
.entangle-legend-item { display: flex; align-items: center; gap: 6px; }
.entangle-badge, .entangle-badge-scenario { color: #fff; font-weight: 700; border-radius: 10px; padding: 0 8px; }
.entangle-badge { background: #c0392b; }
.entangle-badge-scenario { background: #5d6d7e; }
.entangle-speed .v-input__slot > .v-label { flex: 0 0 55%; max-width: 55%; font-size: 15px; }
.entangle-lever .v-input__slot > .v-label { flex: 0 0 56%; max-width: 56%; white-space: normal; font-size: 15px; }
body, .v-application { font-size: 16px; }
"""


@solara.component_vue("charts.vue")
def ChartGrid(options_json: str, height: int = 340):
    pass


@solara.component_vue("upload.vue")
def ScenarioUpload(event_upload: Callable[[dict], None]):
    pass


@solara.component
def Page():
    c: Controller = solara.use_memo(Controller, [])
    s: Session = c.session.value
    tick, playing = c.tick.value, c.playing.value
    solara.use_thread(c.play_loop, dependencies=[playing, c.speed.value, s], intrusive_cancel=False)

    solara.Style(CSS)
    solara.Title("Entangle seminar")
    blocs = s.model.blocs
    a = c.acting.value if c.acting.value in blocs else blocs[0]
    b = c.partner.value if c.partner.value in blocs and c.partner.value != a else next(x for x in blocs if x != a)
    lv = s.model.levers
    i, j = blocs.index(a), blocs.index(b)
    values = tuple(float(sl.read(lv, i, j, a, b)) for sl in sliders())

    with solara.Sidebar():
        ScenarioCard(c)
        LeverPanel(c, tuple(blocs), a, b, values, s.finished)

    with solara.Column(gap="8px", style={"padding": "4px 12px"}):
        Controls(c, s, s.period, s.finished, playing)
        EventButtons(c, s.finished)
        with solara.Column(gap="4px"):  # a fixed slot, so that the charts below are never re-mounted
            if c.compare.value:
                solara.Text(
                    "Dashed lines: the unchanged scenario, same seed, without the class's changes.",
                    classes=["entangle-sub"],
                )
            if c.error.value:
                solara.Error(c.error.value, classes=["entangle-error"])
            EventLegend(tuple(m for m in s.markers() if m[2]))
        Charts(s, tick, c.compare.value, c.network.value)
        with solara.Row(style={"align-items": "center"}):
            solara.Text("Network edges:", classes=["entangle-sub"])
            solara.ToggleButtonsSingle(value=c.network, values=["papers", "capital"])
        ChangeLog(s, len(s.changes), tuple((ch.period, repr(ch.values)) for ch in s.changes[-1:]))


@solara.component
def ScenarioCard(c: Controller):
    with solara.Card("Scenario", margin=0):
        solara.Select("Scenario", values=available() + list(c.uploads.value), value=c.choice)
        ScenarioUpload(event_upload=c.upload)
        solara.InputInt("Seed", value=c.seed)
        solara.Select("Scale", values=list(scales()), value=c.scale)
        solara.Button("Start this run", on_click=lambda: c.load(), color="primary", classes=["entangle-load"])


@solara.component
def LeverPanel(c: Controller, blocs: tuple, a: str, b: str, values: tuple, finished: bool):
    """One slider per lever of the acting bloc (towards the partner), showing the value in force."""
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
            with solara.Div(classes=["entangle-lever", f"lever-{sl.family}-{slug}"]):
                solara.SliderFloat(
                    f"{sl.label}: {value:g}",
                    value=value,
                    min=sl.lo,
                    max=sl.hi,
                    step=sl.step,
                    disabled=finished,
                    on_value=lambda x, sl=sl, v=value: c.set_lever(sl, a, b, x, v),
                )


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
def EventLegend(events: tuple):
    """The badges on the charts, spelled out: which event or scenario measure came in which quarter."""
    if not events:
        return
    with solara.Row(classes=["entangle-legend"], style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Text("On the charts:", classes=["entangle-sub"])
        for period, label, badge in events:
            with solara.Div(classes=["entangle-legend-item"]):
                solara.Text(badge, classes=["entangle-badge" if badge.isdigit() else "entangle-badge-scenario"])
                solara.Text(f"{period} {label}")


@solara.component
def Controls(c: Controller, s: Session, period: str, finished: bool, playing: bool):
    with solara.Row(gap="18px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["entangle-controls"]):
        with solara.Column(gap="0px"):
            solara.Text(period if not finished else "end", classes=["entangle-period"])
            solara.Text("next quarter to run" if not finished else "the scenario has ended", classes=["entangle-sub"])
            solara.Text(f"{s.display_name} · seed {s.seed} · {s.scale}", classes=["entangle-sub"])
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
        )
        solara.Button("Reset", icon_name="mdi-restore", on_click=c.reset, classes=["entangle-reset"])
        with solara.Div(style={"width": "300px"}, classes=["entangle-speed"]):
            solara.SliderFloat(f"Speed: {c.speed.value:g} quarters/s", value=c.speed, min=0.5, max=10, step=0.5)
        solara.Switch(label="Compare with unchanged scenario", value=c.compare, classes=["entangle-compare"])
        solara.FileDownload(
            lambda: s.export_yaml().encode(),
            filename=f"{s.display_name}_class_s{s.seed}.yaml",
            label="Export scenario",
            mime_type="application/x-yaml",
        )
        solara.FileDownload(
            lambda: s.model.recorder.timeseries().to_csv(index=False).encode(),
            filename=f"{s.display_name}_class_s{s.seed}_timeseries.csv",
            label="Download table (CSV)",
            mime_type="text/csv",
        )


@solara.component
def Charts(s: Session, tick: int, compare: bool, network: str):
    def build():
        with s.lock:
            rows = list(s.model.recorder.rows)
            ref = s.reference_rows() if compare else None
            scen = s.model.scenario
            return json.dumps(
                all_charts(s.model.blocs, scen.start, scen.end, rows, ref, s.markers(), network), separators=(",", ":")
            )

    options = solara.use_memo(build, [s, tick, compare, network])
    ChartGrid(options_json=options)


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
            what = c.label or ", ".join(f"{k}={v}" for k, v in c.values.items())
            solara.Text(f"{c.period} · {c.family} · {what}")
