"""End to end in a real headless Chromium (Debian's `chromium`), driven by Playwright.

Starts `python -m sim.app` on a free local port, opens the page, steps, moves a slider,
injects an event, checks that the charts grow and the event's marker is drawn, exports the
scenario and reruns it with the CLI to an identical table, uploads a bad scenario and reads
the CLI's one-line error in the page, and checks that two sessions do not share a model.
Screenshots go to test-artifacts/app/ (gitignored).
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "app"
from sim.app.headless import CHROMIUM, launch  # noqa: E402  (one definition with the benchmarks)

pytestmark = pytest.mark.slow


def _missing(reason: str):
    """Skip on a developer's machine; in CI (CI=true) a missing browser stack is a failure, never a skip."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the browser tests: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


try:
    from playwright import sync_api
except ImportError:
    _missing("playwright is not installed (pip install -e '.[test]')")
try:
    import solara  # noqa: F401
except ImportError:
    _missing("solara is not installed (pip install -e '.[app]')")
if not Path(CHROMIUM).is_file():
    _missing(f"no chromium at {CHROMIUM} (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "app-server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.app", "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"the app did not start; see {log.name}")
            time.sleep(0.5)
    yield url, proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def open_page(browser, url):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.bad_requests = []  # the page must load everything from this server (a closed classroom network)
    page.on("requestfailed", lambda r: page.bad_requests.append(f"{r.url} failed"))
    page.on("response", lambda r: page.bad_requests.append(f"{r.url} {r.status}") if r.status >= 400 else None)
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_selector(".entangle-period")
    page.wait_for_function("() => document.querySelector('.chart-papers')?.__chart")
    return page


def period(page) -> str:
    return page.inner_text(".entangle-period").strip()


def step(page, n=1):
    for _ in range(n):
        before = period(page)
        page.click(".entangle-step")
        page.wait_for_function("p => document.querySelector('.entangle-period').innerText.trim() !== p", arg=before)


def look_at(page, key: str):
    """Scroll a chart into view: charts out of view draw when they come into view."""
    page.locator(f".chart-{key}").scroll_into_view_if_needed()


def chart_option(page, key: str) -> dict:
    """What a chart draws now. The chart exists once ECharts has loaded; on a busy machine that can lag."""
    look_at(page, key)
    page.wait_for_function("k => document.querySelector('.chart-' + k)?.__chart?.getOption()", arg=key)
    return page.evaluate(f"() => document.querySelector('.chart-{key}').__chart.getOption()")


def chart_marks(page, key: str) -> list[list[str]]:
    """The markers drawn over a chart (DOM over its canvas, charts.vue): [name, quarter] each."""
    return page.evaluate(
        """k => [...document.querySelectorAll('.chart-' + k + ' .entangle-mark')]
            .map(m => [m.dataset.name, m.dataset.period])""",
        key,
    )


def wait_series_length(page, key: str, n: int):
    look_at(page, key)
    page.wait_for_function(
        "([k, n]) => document.querySelector('.chart-' + k).__chart?.getOption()?.series[0].data.length === n",
        arg=[key, n],
    )


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_seminar_flow_export_replays_and_bad_upload(server, browser, tmp_path):
    url, proc = server
    page = open_page(browser, url)
    assert period(page) == "2017Q1"
    shot(page, "01_opened")

    step(page, 3)
    assert period(page) == "2017Q4"
    wait_series_length(page, "papers", 3)
    wait_series_length(page, "capability", 3)

    # Play for a moment, then pause: the period moves on by itself.
    page.click(".entangle-play")
    page.wait_for_function("() => document.querySelector('.entangle-period').innerText.trim() >= '2018Q2'")
    page.click(".entangle-pause")
    page.wait_for_selector(".entangle-play")
    page.wait_for_timeout(600)
    n = len(chart_option(page, "papers")["series"][0]["data"])
    assert n >= 5

    # Move a slider: US regulation strictness, from the next step on.
    page.click(".entangle-acting button:has-text('US')")
    lever = page.locator(".lever-regulation-strictness .v-slider")
    box = lever.bounding_box()
    lever.click(position={"x": box["width"] * 0.9, "y": box["height"] / 2})
    page.wait_for_selector(".entangle-log :text('US AI regulation: strictness')")  # plain language, not syntax
    here = period(page)
    assert page.locator(".entangle-log").inner_text().count(here) == 1

    # Inject an event: it is logged and drawn as a labelled marker on the charts.
    page.click(".entangle-event-us_chips")
    page.wait_for_selector(".entangle-log :text('US tightens chip export controls')")
    look_at(page, "capability")
    page.wait_for_function("""() => [...document.querySelectorAll('.chart-capability .entangle-mark')]
        .some(m => m.dataset.name.includes('US chip controls'))""")
    page.wait_for_selector(f".entangle-legend :text('{period(page)} US chip controls')")  # the badge, spelled out
    step(page, 4)
    wait_series_length(page, "papers", n + 4)
    wait_series_length(page, "compliance", n + 4)  # below the fold: drawn once scrolled into view
    rows_us = chart_option(page, "compute")["series"]
    assert len(rows_us) == 3

    # Compare: the unchanged scenario is overlaid (dashed), one line per series.
    page.click(".entangle-compare label")
    look_at(page, "compute")
    page.wait_for_function("() => document.querySelector('.chart-compute').__chart?.getOption()?.series.length === 6")
    look_at(page, "papers")
    shot(page, "02_after_slider_event_compare")
    page.locator(".chart-network").scroll_into_view_if_needed()
    shot(page, "02b_lower_charts_network")

    # Export the scenario and the class's table; the CLI replays the file to an identical table.
    with page.expect_download() as dl:
        page.click("text=Export scenario")
    scenario = tmp_path / "class.yaml"
    dl.value.save_as(scenario)
    page.wait_for_selector(".entangle-notice:has-text('class_s0.yaml')")  # the room sees it was saved
    with page.expect_download() as dl:
        page.click("text=Table (CSV)")
    app_table = pd.read_csv(io.BytesIO(Path(dl.value.path()).read_bytes()))
    text = scenario.read_text()
    assert "extends" not in text and "US tightens" not in text and "stringency: 0.95" in text
    last = app_table["period"].iloc[-1]
    out = tmp_path / "cli"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            f"scenario={scenario}",
            "seed=0",
            "scale=classroom",
            f"end={last}",
            "output=tables_only",
            f"hydra.run.dir={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    cli_table = pd.read_parquet(out / "timeseries.parquet")
    pd.testing.assert_frame_equal(app_table, cli_table, check_exact=True, check_dtype=False)

    # Upload a scenario with a wrong key: the CLI's one line shows in the page; the run goes on.
    bad = tmp_path / "bad_scenario.yaml"
    bad.write_text("extends: baseline\ntimelinez:\n  2025Q1: {}\n")
    cli = subprocess.run(
        [sys.executable, "-m", "sim", f"scenario={bad}", "scale=classroom"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expected = cli.stderr.strip().splitlines()[-1]
    assert cli.returncode != 0 and expected.startswith("error: scenario.timelinez")
    page.set_input_files(".entangle-upload input[type=file]", str(bad))
    page.wait_for_selector(".entangle-error")
    assert expected in page.inner_text(".entangle-error")
    shot(page, "03_bad_upload_error")
    before = period(page)
    step(page)
    assert period(page) != before and proc.poll() is None

    # An out-of-range value: the same, and the CLI's line names the key and the allowed range.
    bad.write_text("extends: baseline\ntimeline:\n  2025Q1:\n    export_controls: {stringency: 1.5}\n")
    expected = (
        subprocess.run(
            [sys.executable, "-m", "sim", f"scenario={bad}", "scale=classroom"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        .stderr.strip()
        .splitlines()[-1]
    )
    assert "1.5 is out of range" in expected
    page.set_input_files(".entangle-upload input[type=file]", str(bad))
    page.wait_for_selector(f".entangle-error:has-text('{expected}')")

    # A good upload starts a new run of it; the error goes away.
    good = tmp_path / "my_seminar.yaml"
    good.write_text("extends: baseline\ntimeline:\n  2017Q2:\n    regulation: {bloc: EU, strictness: 0.9}\n")
    page.set_input_files(".entangle-upload input[type=file]", str(good))
    try:
        page.wait_for_selector(".entangle-sub:has-text('my_seminar')")
    finally:
        shot(page, "03b_good_upload")
    page.wait_for_selector(".entangle-error", state="detached")
    assert period(page) == "2017Q1" and page.locator(".entangle-error").count() == 0
    assert page.bad_requests == []


def test_two_sessions_do_not_share_a_model(server, browser):
    url, _ = server
    a, b = open_page(browser, url), open_page(browser, url)
    step(a, 2)
    a.click(".entangle-event-cn_retaliates")
    a.wait_for_selector(".entangle-log :text('China retaliates')")
    step(a)
    b.reload()
    b.wait_for_selector(".entangle-period")
    assert period(a) == "2017Q4"
    assert period(b) == "2017Q1"
    assert b.locator(".entangle-log").count() == 0 and "No changes yet" in b.inner_text("body")
    chart_option(b, "capability")
    assert not [name for name, _ in chart_marks(b, "capability") if name[:1].isdigit()]  # a's event is not on b's
    step(b)
    assert period(b) == "2017Q2" and period(a) == "2017Q4"
    shot(b, "04_second_session")


def test_lever_number_box_takes_the_exact_value_typed(server, browser):
    """The number box sends the typed text with its Enter (number_box.vue), so the exact value becomes
    the move however busy the server is; a bad number is the page's one-line error."""
    url, _ = server
    page = open_page(browser, url)
    page.click(".entangle-acting button:has-text('US')")
    page.wait_for_selector("text=Policy levers of US")
    box = page.locator(".lever-regulation-strictness .entangle-number input")
    box.fill("0.63")
    box.press("Enter")
    page.wait_for_selector(".entangle-log :text('US AI regulation: strictness 0.63')")
    page.wait_for_function(
        "() => document.querySelector('.lever-regulation-strictness .entangle-number input').value === '0.63'"
    )
    box.fill("lots")
    box.press("Enter")
    page.wait_for_selector(".entangle-error:has-text('is not a number')")
    assert "strictness: 'lots' is not a number" in page.inner_text(".entangle-error")
    assert page.locator(".entangle-log").inner_text().count("strictness") == 1


# Every text box ECharts drew on each chart (title, explanation, legend), the event badges drawn over
# it (DOM, charts.vue) and the chart's tool buttons, in page pixels: what the room reads must never overlap.
DRAWN_BOXES = """() => {
    const out = [];
    const box = (key, kind, text, r) => out.push({key, kind, text, x: r.left, y: r.top, w: r.width, h: r.height});
    for (const el of document.querySelectorAll('.entangle-chart')) {
        const chart = el.__chart, at = el.getBoundingClientRect(), key = el.dataset.key;
        const option = chart && chart.getOption();
        if (!option) continue;
        const seen = new Set();
        chart.getZr().storage.getDisplayList().forEach(span => {
            if (span.type !== 'tspan' || !span.style || !span.style.text) return;
            // the label a text span belongs to, with its padding and background
            const e = span.parent && span.parent.getBoundingRect ? span.parent : span;
            if (seen.has(e) || e.ignore || e.invisible) return;
            seen.add(e);
            const r = e.getBoundingRect().clone();
            if (e.transform) r.applyTransform(e.transform);
            if (r.width <= 0) return;
            const above = r.y < ((option.grid || [])[0] || {top: 60}).top;   // title, explanation, legend
            box(key, above ? 'head' : 'other', String(span.style.text),
                {left: at.left + r.x, top: at.top + r.y, width: r.width, height: r.height});
        });
        for (const b of el.querySelectorAll('.entangle-badge')) {
            box(key, 'badge', b.innerText, b.getBoundingClientRect());
        }
        for (const k of el.querySelectorAll('.entangle-key')) {   // the legend, DOM since session 13
            box(key, 'head', k.dataset.name, k.getBoundingClientRect());
        }
        for (const b of el.parentElement.querySelectorAll('.entangle-tools button')) {
            box(key, 'tool', b.className, b.getBoundingClientRect());
        }
    }
    return out;
}"""

# Each marker line drawn over a chart, against where ECharts puts its quarter and its plot: [chart, quarter,
# the line's x - the quarter's x, the line's top - the plot's top, the line's bottom - the plot's bottom].
MARKS_ON_AXIS = """() => [...document.querySelectorAll('.entangle-chart')].flatMap(el => {
    const chart = el.__chart, at = el.getBoundingClientRect();
    const marks = [...el.querySelectorAll('.entangle-mark')];
    if (!chart || !marks.length) return [];
    const grid = chart.getModel().getComponent('grid').coordinateSystem.getRect();
    return marks.map(m => {
        const r = m.getBoundingClientRect();
        const x = chart.convertToPixel({xAxisIndex: 0}, m.dataset.period);
        return [el.dataset.key, m.dataset.period, r.left + r.width / 2 - at.left - el.clientLeft - x,
                r.top - at.top - el.clientTop - grid.y, r.bottom - at.top - el.clientTop - grid.y - grid.height];
    });
})"""


def overlaps(a, b, slack=0.5) -> bool:
    return (
        a["x"] + a["w"] > b["x"] + slack
        and b["x"] + b["w"] > a["x"] + slack
        and a["y"] + a["h"] > b["y"] + slack
        and b["y"] + b["h"] > a["y"] + slack
    )


def dom_boxes(page, selector: str) -> list[dict]:
    return page.evaluate(
        """s => [...document.querySelectorAll(s)].filter(e => e.offsetParent).map(e => {
            const r = e.getBoundingClientRect();
            return {text: e.innerText.slice(0, 40), x: r.left, y: r.top, w: r.width, h: r.height};
        })""",
        selector,
    )


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_projector_layout_explanations_and_nothing_off_server(server, browser, size):
    """At a projector's size: nothing overlaps, every lever and chart explains itself one click
    away, four charts fit at 1280x800 with the sidebar folded, and nothing leaves the server."""
    from sim.app.levers_ui import sliders
    from sim.app.page import CHART_KEYS

    url, _ = server
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    origin = url.rstrip("/")
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith((origin, "data:", "blob:")) else elsewhere.append(r.url))
    page.on(
        "websocket", lambda ws: None if ws.url.startswith(origin.replace("http", "ws")) else elsewhere.append(ws.url)
    )
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_selector(".entangle-period")
    page.wait_for_function("() => document.querySelector('.chart-papers')?.__chart")
    assert page.title() == "Entangle"
    assert page.get_by_text("runs on Solara").count() == 0  # Solara's badge covered a chart at 1280x800

    # Two events in neighbouring quarters, amid the baseline's dense 2022-2023 record: the worst case.
    step(page, 24)
    page.click(".entangle-event-us_chips")
    step(page)
    page.click(".entangle-event-cn_retaliates")
    step(page, 2)
    page.wait_for_selector(".entangle-legend :text('2023Q2 CN retaliates')")
    page.wait_for_function("""() => [...document.querySelectorAll('.chart-papers .entangle-mark')]
        .filter(m => m.dataset.name.startsWith('2:')).length === 1""")
    tag = f"{width}x{height}"
    shot(page, f"05_layout_{tag}_sidebar")

    # Sidebar: lever labels and headings each on their own lines (no label wraps over a heading).
    labels = dom_boxes(page, ".entangle-lever-label, .entangle-lever-group, .entangle-help summary")
    assert len(labels) > len(sliders())
    clashes = [(a["text"], b["text"]) for k, a in enumerate(labels) for b in labels[k + 1 :] if overlaps(a, b)]
    assert clashes == []

    # Explanations one click away: one per lever and one per chart, each saying what and in what unit.
    lever_help = page.locator(".entangle-lever .entangle-help")
    chart_help = page.locator(".entangle-chart-help")
    assert lever_help.count() + chart_help.count() == len(sliders()) + page.locator(".entangle-chart").count()
    assert lever_help.count() == len(sliders()) and chart_help.count() == len(CHART_KEYS) == 11
    lever_help.first.locator("summary").click()
    assert "Unit:" in lever_help.first.inner_text() and "Default from:" in lever_help.first.inner_text()
    for k in range(chart_help.count()):
        assert "docs/OUTPUTS.md" in chart_help.nth(k).inner_text()
    page.click(".info-capability")
    page.wait_for_selector(".help-capability:has-text('Unit: index, US 2017 = 1')")
    page.click(".help-capability")

    # Presenter layout: fold the sidebar; at 1280x800 four charts are then on screen whole.
    page.click(".entangle-sidebar-toggle")
    page.wait_for_selector(".entangle-sidebar", state="detached")
    # Folding the sidebar re-mounts the grid: under load the old charts are still in the page for a moment.
    page.wait_for_function("() => document.querySelectorAll('.chart-papers').length === 1")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator(".chart-papers").scroll_into_view_if_needed()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(800)
    charts = dom_boxes(page, ".entangle-chart")
    shot(page, f"06_layout_{tag}_presenter")
    assert sum(c["y"] >= 0 and c["y"] + c["h"] <= height for c in charts) >= 4
    for key in ("papers", "capability", "compute", "chips"):
        look_at(page, key)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(800)
    shot(page, f"07_layout_{tag}_presenter_drawn")

    # No badge overlaps another, a title, a legend entry or a tool button, on any chart drawn.
    for key in CHART_KEYS:
        look_at(page, key)
    page.wait_for_timeout(500)
    boxes = page.evaluate(DRAWN_BOXES)
    badges = [b for b in boxes if b["kind"] == "badge"]
    assert {b["text"] for b in badges} >= {"1", "2", "A"}
    crowded = [
        (a["key"], a["text"], b["text"])
        for k, a in enumerate(boxes)
        for b in boxes[k + 1 :]
        if a["key"] == b["key"]
        and "badge" in (a["kind"], b["kind"])
        and b["kind"] != "other"
        and a["kind"] != "other"
        and overlaps(a, b)
    ]
    assert crowded == []
    # Every marker line stands on its quarter and spans the plot, where ECharts drew its markLine.
    marks = page.evaluate(MARKS_ON_AXIS)
    assert {m[1] for m in marks} >= {"2023Q1", "2023Q2"}
    assert [m for m in marks if max(abs(v) for v in m[2:]) > 1.5] == []
    tools = [b for b in boxes if b["kind"] == "tool"]
    titles = [b for b in boxes if b["kind"] == "head"]
    assert [(t["key"], t["text"]) for t in titles for b in tools if t["key"] == b["key"] and overlaps(t, b)] == []

    # Present: save a chart as PNG for the slides.
    with page.expect_download() as dl:
        page.click(".png-capability")
    assert (
        dl.value.suggested_filename.startswith("entangle_capability_")
        and Path(dl.value.path()).read_bytes()[:4] == b"\x89PNG"
    )
    # The markers are DOM over the canvas: the picture gets them drawn in (the events' red), and the
    # chart on screen lets go of them again.
    from PIL import Image

    red = Image.open(dl.value.path()).convert("RGB").getcolors(1 << 20)
    assert sum(n for n, (r, g, b) in red if abs(r - 0xB2) < 8 and abs(g - 0x18) < 8 and abs(b - 0x2B) < 8) > 200
    after = "() => (document.querySelector('.chart-capability').__chart.getOption().series[0].markLine || {}).data"
    assert page.evaluate(after) in (None, [])
    assert elsewhere == []
    context.close()


def choose_compare(page, name: str):
    page.click(".entangle-compare-to .v-select__slot")
    page.locator(".v-menu__content .v-list-item").get_by_text(name, exact=True).click()


def download(page, selector: str) -> bytes:
    with page.expect_download() as dl:
        page.click(selector)
    return Path(dl.value.path()).read_bytes()


def run_to(page, quarter: str):
    page.fill(".entangle-run-to-text input", quarter)
    page.click(".entangle-run-to")
    page.wait_for_function("q => document.querySelector('.entangle-period').innerText.trim() === q", arg=quarter)


def test_comparison_overlay_of_two_scenarios_and_seed_band(server, browser):
    """The class's scenario and any other on the same charts: the other dashed, the legend naming it,
    its values those of that scenario's own run; the seed band shaded; smoothing averages counts."""
    from sim.app.session import Session

    url, _ = server
    page = open_page(browser, url)
    step(page, 6)
    page.click(".entangle-compare label")
    choose_compare(page, "us_chip_controls")
    page.wait_for_selector(".entangle-compare-note:has-text('us_chip_controls')")
    look_at(page, "compute")
    page.wait_for_function("""() => document.querySelector('.chart-compute').__chart?.getOption()?.series
        .filter(s => s.name === 'dashed: us_chip_controls').length === 3""")
    option = chart_option(page, "compute")
    legend = [d["name"] if isinstance(d, dict) else d for d in option["legend"][0]["data"]]
    assert legend == ["EU", "CN", "US", "dashed: us_chip_controls"]
    other = Session("us_chip_controls", seed=0)
    for _ in range(6):
        other.step()
    dashed = [s for s in option["series"] if s["name"] == "dashed: us_chip_controls"]
    assert dashed[1]["data"] == [round(r["compute_access_CN"], 4) for r in other.model.recorder.rows]

    page.click(".entangle-band label")
    try:
        page.wait_for_selector(".entangle-band-status:has-text('ready')", timeout=180_000)
    finally:
        shot(page, "08a_band")
    look_at(page, "papers")
    page.wait_for_function("""() => document.querySelector('.chart-papers').__chart.getOption().series
        .filter(s => s.areaStyle && s.name.startsWith('shaded: range over')).length === 6""")  # 3 pairs x 2 runs
    raw = chart_option(page, "papers")["series"][0]["data"]
    page.click(".entangle-smooth label")
    page.wait_for_function(
        "r => JSON.stringify(document.querySelector('.chart-papers').__chart.getOption().series[0].data) !== r",
        arg=json.dumps(raw, separators=(",", ":")),
    )
    smoothed = chart_option(page, "papers")["series"][0]["data"]
    assert smoothed[1] == pytest.approx((raw[0] + raw[1]) / 2, abs=1e-3)
    shot(page, "08_compare_two_scenarios_band")
    look_at(page, "institutions")
    flows = chart_option(page, "flows")
    assert flows["series"][0]["type"] == "sankey" and flows["series"][0]["links"]
    assert len(chart_option(page, "institutions")["series"][0]["data"]) > 3
    shot(page, "09_below_bloc_level")
    assert page.bad_requests == []


def test_rewind_then_replay_equals_a_straight_run(server, browser, tmp_path):
    """Step back and run to a quarter: replaying the same moves gives the straight run's table and
    export; the export after a rewind holds only the timeline as it stands."""
    url, _ = server
    page = open_page(browser, url)
    step(page, 3)
    page.click(".entangle-event-us_chips")
    page.wait_for_selector(".entangle-log :text('US tightens chip export controls')")
    step(page, 5)
    straight_table = download(page, ".entangle-csv")
    straight_export = download(page, ".entangle-export").decode()
    assert "2017Q4:" in straight_export

    page.click(".entangle-back")
    page.wait_for_function("() => document.querySelector('.entangle-period').innerText.trim() === '2018Q4'")
    run_to(page, "2017Q3")  # before the event: it is gone from the log and the export
    page.wait_for_selector(".entangle-log", state="detached")
    assert "2017Q4:" not in download(page, ".entangle-export").decode()  # the baseline has nothing then
    run_to(page, "2017Q4")  # forward to the event's quarter, fire it again, and on to the same end
    page.click(".entangle-event-us_chips")
    page.wait_for_selector(".entangle-log :text('US tightens chip export controls')")
    run_to(page, "2019Q1")
    replayed = pd.read_csv(io.BytesIO(download(page, ".entangle-csv")))
    pd.testing.assert_frame_equal(replayed, pd.read_csv(io.BytesIO(straight_table)), check_exact=True)
    assert download(page, ".entangle-export").decode().split("\n", 2)[2] == straight_export.split("\n", 2)[2]
    shot(page, "10_after_rewind_replay")
    assert page.bad_requests == []
