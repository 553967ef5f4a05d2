"""The seminar page (Solara): scenario picker, playback, policy sliders, events, live charts, export.

Every piece of state lives in hooks inside `Page`, so each browser session (each
Solara kernel) gets its own `Session` and model: two students never see each other's changes.
"""

from __future__ import annotations

import re
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import solara

from ..errors import ConfigError
from ..scenario import available
from .charts import all_charts
from .levers_ui import EVENTS, SLIDERS
from .session import Session, scales

CSS = """
.entangle-period { font-size: 56px; font-weight: 700; line-height: 1; letter-spacing: 1px; min-width: 230px; }
.entangle-sub { font-size: 15px; color: #555; }
.entangle-controls .v-btn { font-size: 17px !important; height: 44px !important; }
.entangle-events .v-btn { font-size: 15px !important; text-transform: none !important; margin: 4px; }
.entangle-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 10px; }
.entangle-chart { border: 1px solid #ddd; border-radius: 6px; background: #fff; }
.entangle-error { font-size: 17px; }
.entangle-upload { margin: 4px 0 10px 0; cursor: pointer; }
.entangle-lever-group { font-weight: 600; font-size: 15px; margin-top: 10px; }
.entangle-log { font-size: 15px; }
body, .v-application { font-size: 16px; }
"""


@solara.component_vue("upload.vue")
def ScenarioUpload(event_upload: Callable[[dict], None]):
    pass


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(name).name) or "uploaded.yaml"
    return stem if stem.endswith((".yaml", ".yml")) else stem + ".yaml"


@solara.component
def Page():
    first = solara.use_memo(lambda: Session("baseline", 0, "classroom"), [])
    session = solara.use_reactive(first)
    tick = solara.use_reactive(0)          # bumped after every change to the model: charts and sliders re-read
    error = solara.use_reactive("")
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(2.0)       # quarters per second while playing
    compare = solara.use_reactive(False)
    network = solara.use_reactive("papers")
    acting = solara.use_reactive("EU")
    partner = solara.use_reactive("CN")
    choice = solara.use_reactive("baseline")
    seed = solara.use_reactive(0)
    scale = solara.use_reactive("classroom")
    uploads = solara.use_reactive({})      # option label -> path of an uploaded file
    tmpdir = solara.use_memo(lambda: tempfile.mkdtemp(prefix="entangle-upload-"), [])
    s: Session = session.value

    @contextmanager
    def shown_errors():
        """Bad input shows the CLI's one line in the page; the server keeps running."""
        try:
            yield
            error.set("")
        except ConfigError as err:
            error.set(f"error: {err}")
        tick.set(tick.value + 1)

    def load(name: str | None = None):
        name = name or choice.value
        playing.set(False)
        with shown_errors():
            path = uploads.value.get(name, name)
            session.set(Session(path, int(seed.value), scale.value, display_name=Path(name).stem))
            blocs = session.value.model.blocs
            if acting.value not in blocs:
                acting.set(blocs[0])
            if partner.value not in blocs or partner.value == acting.value:
                partner.set(next(b for b in blocs if b != acting.value))

    def on_upload(info: dict):
        fname = _safe_name(str(info.get("name", "uploaded.yaml")))
        path = Path(tmpdir) / fname
        path.write_text(str(info.get("text", "")))
        label = f"uploaded: {fname}"
        uploads.set({**uploads.value, label: str(path)})
        choice.set(label)
        load(label)

    def step_once():
        with shown_errors():
            s.step()

    def reset():
        playing.set(False)
        with shown_errors():
            s.reset()

    def play_loop(cancel):
        while playing.value and not cancel.is_set():
            t0 = time.perf_counter()
            if not s.step():
                playing.set(False)
                return
            tick.set(tick.value + 1)
            cancel.wait(max(0.02, 1.0 / speed.value - (time.perf_counter() - t0)))

    solara.use_thread(play_loop, dependencies=[playing.value, speed.value, s], intrusive_cancel=False)

    def set_lever(slider, a, b, x, current):
        # The slider widget snaps a value in force (0.02) to its step (0.0) and reports it back
        # when drawn: that is not a move by the class, so it must not become a measure.
        if abs(float(x) - current) <= slider.step / 2 + 1e-9:
            return
        with shown_errors():
            s.set_lever(slider.family, slider.values(a, b, x), slider.slot(a, b))

    def fire(event):
        with shown_errors():
            s.inject(event)

    solara.Style(CSS)
    solara.Title("Entangle seminar")
    blocs = s.model.blocs
    a = acting.value if acting.value in blocs else blocs[0]
    b = partner.value if partner.value in blocs and partner.value != a else next(x for x in blocs if x != a)

    with solara.Sidebar():
        with solara.Card("Scenario", margin=0):
            solara.Select("Scenario", values=available() + list(uploads.value), value=choice)
            ScenarioUpload(event_upload=on_upload)
            solara.InputInt("Seed", value=seed)
            solara.Select("Scale", values=list(scales()), value=scale)
            solara.Button("Start this run", on_click=lambda: load(), color="primary", classes=["entangle-load"])
        with solara.Card(f"Policy levers of {a}", margin=0):
            with solara.Row(style={"align-items": "center"}):
                solara.Text("acting bloc", classes=["entangle-sub"])
                solara.ToggleButtonsSingle(value=a, values=list(blocs), on_value=acting.set,
                                           classes=["entangle-acting"])
            with solara.Row(style={"align-items": "center"}):
                solara.Text("partner", classes=["entangle-sub"])
                solara.ToggleButtonsSingle(value=b, values=[x for x in blocs if x != a], on_value=partner.set,
                                           classes=["entangle-partner"])
            lv = s.model.levers
            i, j = blocs.index(a), blocs.index(b)
            group = None
            for sl in SLIDERS:
                if sl.group != group:
                    group = sl.group
                    solara.Text(group, classes=["entangle-lever-group"])
                value = float(sl.read(lv, i, j, a, b))
                slug = re.sub(r"[^a-z0-9]+", "-", sl.label.lower()).strip("-")
                with solara.Div(classes=["entangle-lever", f"lever-{sl.family}-{slug}"]):
                    solara.SliderFloat(f"{sl.label}: {value:g}", value=value, min=sl.lo, max=sl.hi,
                                       step=sl.step, disabled=s.finished,
                                       on_value=lambda x, sl=sl, v=value: set_lever(sl, a, b, x, v))

    with solara.Column(gap="8px", style={"padding": "4px 12px"}):
        with solara.Row(gap="18px", style={"align-items": "center", "flex-wrap": "wrap"},
                        classes=["entangle-controls"]):
            with solara.Column(gap="0px"):
                solara.Text(s.period if not s.finished else "end", classes=["entangle-period"])
                solara.Text("next quarter to run" if not s.finished else "the scenario has ended",
                            classes=["entangle-sub"])
                solara.Text(f"{s.display_name} · seed {s.seed} · {s.scale}", classes=["entangle-sub"])
            if playing.value:
                solara.Button("Pause", icon_name="mdi-pause", on_click=lambda: playing.set(False), color="warning",
                              classes=["entangle-pause"])
            else:
                solara.Button("Play", icon_name="mdi-play", on_click=lambda: playing.set(True), color="success",
                              disabled=s.finished, classes=["entangle-play"])
            solara.Button("Step one quarter", icon_name="mdi-step-forward", on_click=step_once,
                          disabled=s.finished or playing.value, classes=["entangle-step"])
            solara.Button("Reset", icon_name="mdi-restore", on_click=reset, classes=["entangle-reset"])
            with solara.Div(style={"width": "220px"}):
                solara.SliderFloat("Speed (quarters/s)", value=speed, min=0.5, max=10, step=0.5)
            solara.Switch(label="Compare with unchanged scenario", value=compare, classes=["entangle-compare"])
            solara.FileDownload(lambda: s.export_yaml().encode(), filename=f"{s.display_name}_class_s{s.seed}.yaml",
                                label="Export scenario", mime_type="application/x-yaml")
            solara.FileDownload(lambda: s.model.recorder.timeseries().to_csv(index=False).encode(),
                                filename=f"{s.display_name}_class_s{s.seed}_timeseries.csv",
                                label="Download table (CSV)", mime_type="text/csv")
        with solara.Row(classes=["entangle-events"], style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Text("Events now:", classes=["entangle-sub"])
            for ev in EVENTS:
                solara.Button(ev.title, on_click=lambda ev=ev: fire(ev), color="error", outlined=True,
                              disabled=s.finished, classes=[f"entangle-event-{ev.key}"])
        if compare.value:
            solara.Text("Dashed lines: the unchanged scenario, same seed, without the class's changes.",
                        classes=["entangle-sub"])
        if error.value:
            solara.Error(error.value, classes=["entangle-error"])
        Charts(s, tick.value, compare.value, network.value)
        with solara.Row(style={"align-items": "center"}):
            solara.Text("Network edges:", classes=["entangle-sub"])
            solara.ToggleButtonsSingle(value=network, values=["papers", "capital"])
        ChangeLog(s, tick.value)


@solara.component
def Charts(s: Session, tick: int, compare: bool, network: str):
    def build():
        with s.lock:
            rows = list(s.model.recorder.rows)
            ref = s.reference_rows() if compare else None
            scen = s.model.scenario
            return all_charts(s.model.blocs, scen.start, scen.end, rows, ref, s.markers(), network)

    options = solara.use_memo(build, [s, tick, compare, network])
    with solara.Div(classes=["entangle-grid"]):
        for key, option in options.items():
            solara.FigureEcharts(option=option, attributes={
                "style": "height: 340px; width: 100%;", "class": f"entangle-chart chart-{key}"})


@solara.component
def ChangeLog(s: Session, tick: int):
    if not s.changes:
        solara.Text("No changes yet: move a slider or press an event button; it takes effect from the next step.",
                    classes=["entangle-sub"])
        return
    with solara.Column(gap="2px", classes=["entangle-log"]):
        solara.Text("Changes made in class (Export scenario writes them, dated):", style={"font-weight": "600"})
        for c in s.changes:
            what = c.label or ", ".join(f"{k}={v}" for k, v in c.values.items())
            solara.Text(f"{c.period} · {c.family} · {what}")
