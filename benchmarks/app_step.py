"""Teaching app: time of one step plus the data for a redraw, at classroom scale (goal: under ~100 ms).

    python benchmarks/app_step.py                 # in process: Session.step() + all chart options + JSON
    python benchmarks/app_step.py --compare       # the same with the unchanged run overlaid (two models)
    python benchmarks/app_step.py --browser       # end to end: click "Step" in headless chromium until the
                                                  # charts hold the new quarter (needs the `app` extra + chromium)
    python benchmarks/app_step.py --browser --band  # the same with the seed band's background runs going
    python benchmarks/app_step.py --join-leave 50   # server RSS over 50 sessions opened and closed

Prints milliseconds per quarter (median, 95th percentile, max) over a whole scenario run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.app.charts import all_charts  # noqa: E402
from sim.app.headless import launch  # noqa: E402
from sim.app.levers_ui import EVENTS  # noqa: E402
from sim.app.session import Session  # noqa: E402


def stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))],
        "max_ms": ms[-1],
    }


def summary(label: str, st: dict) -> str:
    return (
        f"{label}: {st['n']} quarters, median {st['median_ms']:.1f} ms, p95 {st['p95_ms']:.1f} ms, "
        f"max {st['max_ms']:.1f} ms"
    )


def in_process(scenario: str, seed: int, compare: bool) -> dict:
    s = Session(scenario, seed, "classroom")
    scen = s.model.scenario
    step_ms, redraw_ms, total_ms, size = [], [], [], 0
    quarter = 0
    while not s.finished:
        if quarter == 20:  # a few events, as in a seminar: markers on every chart
            for ev in EVENTS[:3]:
                s.inject(ev)
        t0 = time.perf_counter()
        s.step()
        t1 = time.perf_counter()
        ref = s.reference_rows() if compare else None
        options = all_charts(s.model.blocs, scen.start, scen.end, s.model.recorder.rows, ref, s.markers())
        size = len(json.dumps(options))  # what goes over the websocket
        t2 = time.perf_counter()
        step_ms.append((t1 - t0) * 1e3)
        redraw_ms.append((t2 - t1) * 1e3)
        total_ms.append((t2 - t0) * 1e3)
        quarter += 1
    tag = f"{scenario} seed={seed} classroom{' +compare' if compare else ''}"
    out = {
        "agents": len(s.model.agents),
        "step": stats(step_ms),
        "chart_data": stats(redraw_ms),
        "total": stats(total_ms),
        "json_kib": size / 1024,
    }
    print(summary(f"step ({tag})", out["step"]))
    print(summary("chart data + JSON", out["chart_data"]))
    print(summary("step + redraw data", out["total"]))
    print(f"chart data at the end: {out['json_kib']:.0f} KiB of JSON")
    return out


@contextmanager
def app_server(env: dict | None = None):
    """`python -m sim.app` on a free local port; yields (url, process)."""
    import os
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [sys.executable, "-m", "sim.app", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/", server
    finally:
        server.terminate()
        server.wait(timeout=30)


def open_page(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_function("() => document.querySelector('.chart-papers')?.__chart", timeout=120_000)
    return page


def in_browser(quarters: int, height: int = 1000, width: int = 1600, band: bool = False) -> dict:
    """Click Step until every chart in view is redrawn; with `band`, the seed band's background runs go
    on all the while (so many seeds that they outlast the measurement)."""
    from playwright.sync_api import sync_playwright

    env = {"ENTANGLE_BAND_SEEDS": "400"} if band else {}
    with app_server(env) as (url, _), sync_playwright() as p:
        browser = launch(p)
        page = open_page(browser, url, width, height)
        if band:
            page.click(".entangle-band label")
            # measure once the background runs are going (the first has finished)
            page.wait_for_function(
                "() => /seed runs: [1-9]/.test(document.querySelector('.entangle-band-status')?.innerText || '')",
                timeout=180_000,
            )
        # Time from the click to the end of the last chart's redraw, measured inside the page:
        # every chart's setOption is wrapped to count calls and note when it finished. Charts
        # scrolled out of view draw when they come into view, so a step redraws the visible ones.
        page.evaluate("""() => { window.__calls = 0; window.__end = 0; window.__first = 0;
            document.querySelectorAll('.entangle-chart').forEach(el => {
                const chart = el.__chart, set = chart.setOption.bind(chart);
                chart.setOption = (...a) => {
                    if (window.__first === 0) window.__first = performance.now();
                    const r = set(...a); window.__calls += 1;
                    window.__end = performance.now(); return r; };
            }); }""")
        n_charts = page.evaluate("""() => [...document.querySelectorAll('.entangle-chart')].filter(el => {
            const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }).length""")
        ms, wait_ms, draw_ms = [], [], []
        for _ in range(quarters):
            page.evaluate("""() => { window.__calls = 0; window.__first = 0; window.__t0 = performance.now();
                                     document.querySelector('.entangle-step').click(); }""")
            page.wait_for_function("n => window.__calls >= n", arg=n_charts, polling="raf")
            page.wait_for_timeout(30)  # let the Step button come back before the next click
            t0, first, end = page.evaluate("() => [window.__t0, window.__first, window.__end]")
            ms.append(end - t0)
            wait_ms.append(first - t0)  # server: step, page re-render, websocket
            draw_ms.append(end - first)  # browser: ECharts drawing every chart
        status = page.inner_text(".entangle-band-status") if band else ""
        browser.close()
    out = {
        "charts_in_view": n_charts,
        "viewport": f"{width}x{height}",
        "band": status,
        "total": stats(ms),
        "server": stats(wait_ms),
        "drawing": stats(draw_ms),
    }
    print(
        f"{n_charts} charts in view (viewport {width}x{height})" + (f"; seed band at the end: {status}" if band else "")
    )
    print(summary("click Step -> all charts in view redrawn (headless chromium)", out["total"]))
    print(summary("  of which click -> first chart updated (server + websocket)", out["server"]))
    print(summary("  of which first -> last chart drawn (browser)", out["drawing"]))
    return out


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def join_leave(cycles: int, steps: int = 3) -> dict:
    """Server memory over `cycles` sessions that open the page, step a few quarters and close the tab."""
    from playwright.sync_api import sync_playwright

    rss = []
    with app_server() as (url, server), sync_playwright() as p:
        browser = launch(p)
        for _ in range(cycles):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("() => document.querySelector('.chart-papers')?.__chart", timeout=120_000)
            for _ in range(steps):
                before = page.inner_text(".entangle-period")
                page.click(".entangle-step")
                page.wait_for_function(
                    "p => document.querySelector('.entangle-period').innerText.trim() !== p", arg=before.strip()
                )
            page.close(run_before_unload=True)
            context.close()
            time.sleep(0.5)  # let the server see the tab close
            rss.append(rss_kib(server.pid) / 1024)
        browser.close()
    tail = rss[len(rss) // 5 :]  # after the first sessions have warmed the caches
    slope = statistics.linear_regression(range(len(tail)), tail).slope if len(tail) > 1 else 0.0
    out = {"cycles": cycles, "rss_mib": [round(x, 1) for x in rss], "slope_mib_per_cycle": slope}
    print(
        f"server RSS over {cycles} join/leave cycles: first {rss[0]:.1f} MiB, after {len(rss) // 5} "
        f"{rss[len(rss) // 5 - 1]:.1f} MiB, last {rss[-1]:.1f} MiB, max {max(rss):.1f} MiB; "
        f"slope over the last {len(tail)}: {slope:+.2f} MiB per cycle"
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--browser", action="store_true")
    ap.add_argument("--quarters", type=int, default=40, help="quarters to click through with --browser")
    ap.add_argument(
        "--height", type=int, default=1000, help="browser window height with --browser (2400: all charts in view)"
    )
    ap.add_argument("--width", type=int, default=1600, help="browser window width with --browser")
    ap.add_argument("--band", action="store_true", help="with --browser: the seed band's background runs going")
    ap.add_argument("--join-leave", type=int, default=0, metavar="N", help="server RSS over N open/close cycles")
    ap.add_argument("--json", action="store_true", help="end with the measurements as one JSON line")
    args = ap.parse_args()
    if args.join_leave:
        out = join_leave(args.join_leave)
    elif args.browser:
        out = in_browser(args.quarters, args.height, args.width, args.band)
    else:
        out = in_process(args.scenario, args.seed, args.compare)
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
