"""Seminar room: a round's moves -> every screen redrawn, in headless chromium (goal: median <= 150 ms, three teams).

    python benchmarks/app_room.py                     # lecturer + three teams; the lecturer's step click, timed
    python benchmarks/app_room.py --auto              # the last team's commit click, timed (the room's clock
                                                      # steps as soon as every team has committed)
    python benchmarks/app_room.py --band              # either, with a single-user page's seed band running
                                                      # in the same server (background runs, as in class)
    python benchmarks/app_room.py --band --trace      # and each screen's renderer CPU a round (Chrome trace)
    python benchmarks/app_room.py --join-leave 50     # server RSS over 50 cycles of the three team screens
                                                      # joining the room (their seat links) and leaving

The app server is started as the room browser test does (`python -m sim.app`, rooms in a temporary
folder), at the app's default (classroom) scale. A round: each team commits (no moves: "no change" is a
move), then the lecturer clicks "Step the round now" (or, with --auto, the last commit is the click).
Each of the four screens marks in the page when its charts hold the new quarter (the chart grid's
`data-period`, set after the charts' setOption; a MutationObserver sees it and the next animation frame
notes the time), and the figure is the last screen's time minus the click's, all on the epoch clock
(`performance.timeOrigin + performance.now()`), so the browser contexts compare.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app_step import app_server, rss_kib, stats  # noqa: E402

from sim.app import headless  # noqa: E402
from sim.app.headless import launch, new_page  # noqa: E402

BLOCS = ("EU", "CN", "US")

# Arm a screen for the next redraw: when the chart grid's data-period leaves `prev`, note the time at
# the next animation frame (the frame that paints it).
# The marks `entangle-arm:<screen>:<round>` and `entangle-seen:...` put the round in a Chrome trace (--trace).
ARM = """([prev, tag]) => { window.__seen = 0; window.__msg = 0; window.__charts = 0; window.__armed = true;
    window.__msgs = 0; window.__frames = 0;
    const grid = document.querySelector('.entangle-grid');
    window.__draws = 0; window.__drawn = []; window.__setMs = 0; window.__resizes = 0;
    for (const el of document.querySelectorAll('.entangle-chart')) {
        const c = el.__chart;
        if (!c || c.__counted) continue;
        const set = c.setOption.bind(c);
        // each update counted and timed (setOption draws at once: merge, layout and the canvas paint)
        c.setOption = (...a) => { window.__draws += 1; window.__drawn.push(el.dataset.key);
            const t = performance.now(); try { return set(...a); } finally {
                window.__setMs += performance.now() - t; } };
        // a chart's resize redraws it too (its row's height changed: the grid's box moved)
        const rs = c.resize.bind(c);
        c.resize = (...a) => { window.__resizes += 1; return rs(...a); };
        c.__counted = true; }
    // the grid's own work a round (charts.vue: `sync` per change, `draw` per chart), timed in the page
    window.__syncMs = 0; window.__drawMs = 0; window.__sync0 = 0; window.__syncs = 0;
    const g0 = grid.__grid;
    if (g0 && !g0.__timed) {
        for (const [name, acc] of [['sync', '__syncMs'], ['draw', '__drawMs']]) {
            const f = g0[name].bind(g0);
            g0[name] = (...a) => { const t = performance.now();
                if (name === 'sync') { window.__syncs += 1;
                    if (!window.__sync0) window.__sync0 = performance.timeOrigin + t; }
                try { return f(...a); } finally { window[acc] += performance.now() - t; } }; }
        g0.__timed = true; }
    performance.mark('entangle-arm:' + tag);
    const seen = () => requestAnimationFrame(() => {
        window.__seen = performance.timeOrigin + performance.now(); window.__seenDraws = window.__draws;
        window.__seenSetMs = window.__setMs; window.__seenResizes = window.__resizes;
        window.__seenSync = [window.__syncMs, window.__drawMs, window.__syncs];
        window.__seenMsgs = window.__msgs; window.__seenFrames = window.__frames;
        performance.mark('entangle-seen:' + tag);
        // the charts in view now (any pixel of the box inside the window) and, where the page can tell
        // (charts.vue's `current`), how many of them do not show the latest data: must be 0
        const g = grid.__grid; let inView = 0, stale = 0, plots = 0;
        for (const el of grid.querySelectorAll('.entangle-chart')) {
            const r = el.getBoundingClientRect();
            if (r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth) {
                inView += 1; if (g && g.current && !g.current(el.dataset.key)) stale += 1;
                const p = el.querySelector(':scope > .entangle-plot'), q = p && p.getBoundingClientRect();
                if (q && q.bottom > 0 && q.top < innerHeight) plots += 1; } }
        window.__inView = inView; window.__plots = g && g.current ? plots : -1;
        window.__stale = g && g.current ? stale : -1;
        // animations still running (a button's ripple or fade): each draws a frame every 16 ms, composited whole
        window.__anims = document.getAnimations().length; });
    if (grid.dataset.period !== prev) { seen(); return; }
    const obs = new MutationObserver(() => {
        if (grid.dataset.period !== prev) { obs.disconnect(); seen(); } });
    obs.observe(grid, {attributes: true, attributeFilter: ['data-period']}); }"""

# Notes when the first websocket message, and the first holding the charts' data, reach the page after
# arming: splits a redraw into the server's part (click -> the charts' message) and the browser's (-> the
# charts drawn). Other messages of the round (status line, teams, rounds) may come before or after it.
WS_HOOK = """(() => { const WS = window.WebSocket;
    window.WebSocket = function (...a) { const ws = new WS(...a);
        ws.addEventListener('message', (e) => {
            if (!window.__armed) return;
            const now = performance.timeOrigin + performance.now();
            if (!window.__msg) window.__msg = now;
            // messages, and the animation frames that follow one (each such frame restyles and repaints)
            window.__msgs += 1;
            if (!window.__frameAsked) { window.__frameAsked = true;
                requestAnimationFrame(() => { window.__frames += 1; window.__frameAsked = false; }); }
            const charts = typeof e.data === 'string' && e.data.includes('options_json');
            if (charts && !window.__charts) window.__charts = now; });
        return ws; };
    window.WebSocket.prototype = WS.prototype; Object.assign(window.WebSocket, WS); })()"""

# After a round: draw every chart out of view at once, as if all were scrolled to (charts.vue's `drawPending`):
# [ms, charts drawn]; [0, 0] where the page has no such hook.
PENDING = """() => { const g = document.querySelector('.entangle-grid').__grid;
    if (!g || !g.drawPending) return [0, 0];
    const t = performance.now(), n = g.drawPending(); return [performance.now() - t, n]; }"""

CLICK = """sel => { window.__t0 = performance.timeOrigin + performance.now();
    document.querySelector(sel).click(); return window.__t0; }"""


def _cpu_ms(pids) -> float:
    """CPU time (user + system, ms) of the given processes so far (processes gone since count nothing)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * 1000 / tick


def _proc_kind(pid: int) -> str:
    """A chromium process's type (its --type= flag: renderer, gpu-process, utility, zygote; browser if none)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read()  # a zygote's child rewrites it as one string: search, do not split
    except OSError:
        return "gone"
    m = re.search(rb"--type=([a-z-]+)", args)
    return m.group(1).decode() if m else "browser"


def cpu_by_thread(pids) -> dict[str, float]:
    """CPU time (ms) so far of every thread of the given processes, summed by process type and thread
    name (`renderer/CrRendererMain`, `renderer/Compositor`, `gpu-process/VizCompositorTh`, ...)."""
    tick, out = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        kind = _proc_kind(pid)
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    head, rest = f.read().rsplit(")", 1)
            except OSError:
                continue
            fields = rest.split()
            name = f"{kind}/{head.split('(', 1)[1]}"
            out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) * 1000 / tick
    return out


def browser_pids(exclude: int) -> list[int]:
    """This benchmark's chromium processes (the browser and its renderers, GPU and utility processes):
    descendants of this process, outside the app server's tree."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass

    def under(pid, root):
        while pid > 1:
            if pid == root:
                return True
            pid = parent.get(pid, 0)
        return False

    out = []
    for pid in parent:
        if under(pid, os.getpid()) and not under(pid, exclude):
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if "chrom" in f.read():
                        out.append(pid)
            except OSError:
                pass
    return out


def _page(browser, url: str, ready: str):
    return new_page(browser, url, ready, timeout_ms=120_000, init_script=WS_HOOK)


def _charts_ready(page) -> str:
    page.wait_for_function("() => document.querySelector('.entangle-grid')?.dataset.period")
    return page.evaluate("() => document.querySelector('.entangle-grid').dataset.period")


def open_room(browser, url: str, auto: bool):
    """The lecturer's screen and three teams' screens (EU, CN, US) of a new room."""
    page_kw = {"timeout_ms": 120_000, "init_script": WS_HOOK}
    lect, code = headless.open_room(browser, url, by_hand=not auto, **page_kw)
    teams = {bloc: headless.join_room(browser, url, code, bloc, f"team {bloc}", **page_kw) for bloc in BLOCS}
    lect.wait_for_selector(".team-US.team-committed, .team-US.team-deciding")
    for page in (lect, *teams.values()):
        _charts_ready(page)
    return lect, teams, code


def start_band(browser, url: str):
    """A single-user page with its seed band on: background runs in the server while the room plays."""
    page = _page(browser, url, ".entangle-band")
    page.wait_for_function("() => document.querySelector('.chart-papers')?.__chart")
    page.click(".entangle-band label")
    page.wait_for_function(
        "() => /seed runs: [1-9]/.test(document.querySelector('.entangle-band-status')?.innerText || '')",
        timeout=300_000,
    )
    return page


def server_split(path: str, clicks: list[float]) -> dict:
    """The server's part of each round, from its trace (sim/app/room_trace.py), in ms after the click:
    the step's start and end, and per screen its re-render's start, its charts' message sent, its
    re-render's end, and the messages it sent; medians over the rounds."""
    events = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    who = {e["thread"]: e["who"] for e in events if e["event"] == "render"}
    rounds = []
    for k, t0 in enumerate(clicks):
        t1 = clicks[k + 1] if k + 1 < len(clicks) else float("inf")
        evs = [e for e in events if t0 <= e["t"] < t1]

        def first(name, evs=evs, t0=t0):
            return next((e["t"] - t0) * 1e3 for e in evs if e["event"] == name)

        r = {}
        try:
            r["step"], r["stepped"] = first("step"), first("stepped")
            version = next(e["version"] for e in evs if e["event"] == "stepped")
        except StopIteration:
            continue
        pushed = [e for e in evs if e["event"] == "pushed"]
        r["pushed"] = (pushed[0]["t"] - t0) * 1e3 if pushed else None  # every grid has its charts (push_charts)
        r["push_failed"] = sum(e["event"] == "push_failed" for e in evs)
        built = [e["t"] for e in evs if e["event"] in ("charts", "charts_built")]
        r["charts_build"] = (built[1] - built[0]) * 1e3 if len(built) == 2 else None
        for name in ("lecturer", *BLOCS):
            # the screen's re-render for the step's version, and the messages it sent in it
            mine = [e for e in evs if who.get(e["thread"]) == name]
            start = next((e["t"] for e in mine if e["event"] == "render" and e["version"] >= version), None)
            end = next((e["t"] for e in mine if e["event"] == "rendered" and e["version"] >= version), None)
            if start is None or end is None:
                continue
            sends = [e for e in mine if e["event"] == "send" and start <= e["t"] <= end]
            charts = [e for e in sends if e["charts"]]
            r[name] = {
                "render": (start - t0) * 1e3,
                "charts_sent": (charts[0]["t"] - t0) * 1e3 if charts else None,
                "rendered": (end - t0) * 1e3,
                "sends": len(sends),
                "send_ms": sum(e["t"] - e["start"] for e in sends) * 1e3,
            }
        rounds.append(r)
    med = lambda xs: round(statistics.median(xs), 1) if xs else None  # noqa: E731
    keys = ("step", "stepped", "charts_build", "pushed")
    out = {k: med([r[k] for r in rounds if r.get(k) is not None]) for k in keys}
    out["push_failed"] = sum(r["push_failed"] for r in rounds)
    out["rounds"] = len(rounds)
    for name in ("lecturer", *BLOCS):
        out[name] = {
            k: med([r[name][k] for r in rounds if name in r and r[name][k] is not None])
            for k in ("render", "charts_sent", "rendered", "sends", "send_ms")
        }
    return out


def play(
    rounds: int,
    auto: bool,
    band: bool,
    trace: bool = False,
    offscreen: bool = False,
    split: bool = False,
    profile: bool = False,
    size: tuple[int, int] | None = None,
) -> dict:
    from playwright.sync_api import sync_playwright

    env = {"ENTANGLE_ROOMS": tempfile.mkdtemp(prefix="entangle-bench-rooms-")}
    if split:
        env["ENTANGLE_ROOM_TRACE"] = os.path.join(env["ENTANGLE_ROOMS"], "trace.jsonl")
    clicks = []
    if band:
        env["ENTANGLE_BAND_SEEDS"] = "400"  # outlasts the measurement
    with app_server(env) as (url, server), sync_playwright() as p:
        browser = launch(p)
        lect, teams, code = open_room(browser, url, auto)
        band_page = start_band(browser, url) if band else None
        screens = [lect, *teams.values()]
        if size:  # the four screens at another window size (the pages open at 1400x900)
            for page in screens:
                page.set_viewport_size({"width": size[0], "height": size[1]})
            time.sleep(1.0)
        total, first_msg, charts_msg = [], [], []
        per_screen, drawing, draws, in_view, stale, pending, msgs, round_msgs, set_ms, sync_ms, resizes, anims = (
            {name: [] for name in ("lecturer", *BLOCS)} for _ in range(12)
        )

        def count_round():
            # the previous round's messages and frames, from its step to now (before the next commits)
            for name, page in zip(round_msgs, screens):
                round_msgs[name].append(page.evaluate("() => [window.__msgs, window.__frames]"))

        pids = browser_pids(server.pid)
        threads_cpu: dict[str, float] = {}  # click -> last screen drawn, summed over the rounds
        cpu = {"browser_round": 0.0, "server_round": 0.0, "browser_all": 0.0, "server_all": 0.0}
        if trace:
            browser.start_tracing(categories=TRACE_CATEGORIES + (PROFILE_CATEGORIES if profile else []))
        for n in range(rounds + 1):
            # Round 0 is a warm-up: before the first step the charts already name the first quarter.
            if n >= 2:
                count_round()
            prev = lect.evaluate("() => document.querySelector('.entangle-grid').dataset.period")
            before = lect.inner_text(".entangle-room-status")
            for bloc in BLOCS[:-1]:
                teams[bloc].click(".entangle-commit")
                lect.wait_for_selector(f".team-{bloc}.team-committed")
            if not auto:
                teams[BLOCS[-1]].click(".entangle-commit")
                for page in screens:
                    page.wait_for_selector(f".team-{BLOCS[-1]}.team-committed")
            for name, page in zip(per_screen, screens):
                page.evaluate(ARM, [prev, f"{name}:{n}"])
            if n == 1:
                b_all, s_all = _cpu_ms(pids), _cpu_ms([server.pid])
            b0, s0 = _cpu_ms(pids), _cpu_ms([server.pid])
            th0 = cpu_by_thread(pids)
            if auto:
                t0 = teams[BLOCS[-1]].evaluate(CLICK, ".entangle-commit")
            else:
                t0 = lect.evaluate(CLICK, ".entangle-room-step")
            if not n:
                for page in screens:
                    page.wait_for_function(
                        "b => document.querySelector('.entangle-room-status').innerText !== b", arg=before
                    )
                continue
            seen = []
            for page in screens:
                page.wait_for_function("() => window.__seen > 0", polling="raf")
                seen.append(page.evaluate("() => window.__seen"))
            cpu["browser_round"] += _cpu_ms(pids) - b0
            for k, v in cpu_by_thread(pids).items():
                threads_cpu[k] = threads_cpu.get(k, 0.0) + v - th0.get(k, 0.0)
            cpu["server_round"] += _cpu_ms([server.pid]) - s0
            total.append(max(seen) - t0)
            clicks.append(t0 / 1e3)
            first_msg.append(max(page.evaluate("() => window.__msg") for page in screens) - t0)
            charts = [page.evaluate("() => window.__charts") for page in screens]
            charts_msg.append(max(charts) - t0)
            for name, t, c, page in zip(per_screen, seen, charts, screens):
                per_screen[name].append(t - t0)
                drawing[name].append(t - c)
                d, v, pv, st, m, f, sm, rz, an = page.evaluate(
                    "() => [window.__seenDraws, window.__inView, window.__plots, window.__stale,"
                    " window.__seenMsgs, window.__seenFrames, window.__seenSetMs, window.__seenResizes, window.__anims]"
                )
                anims[name].append(an)
                resizes[name].append(rz)
                set_ms[name].append(sm)
                sy = page.evaluate("() => [...(window.__seenSync || [0, 0, 0]), window.__sync0]")
                sync_ms[name].append(sy[:3] + [sy[3] - c if sy[3] else 0.0])
                msgs[name].append((m, f))
                draws[name].append(d)
                in_view[name].append((v, pv))
                stale[name].append(st)
                if offscreen:
                    pending[name].append(page.evaluate(PENDING))
        time.sleep(0.5)
        count_round()
        cpu["browser_all"] = _cpu_ms(pids) - b_all
        cpu["server_all"] = _cpu_ms([server.pid]) - s_all
        traced = json.loads(browser.stop_tracing()) if trace else None
        rcpu = renderer_cpu(traced) if trace else None
        where = renderer_breakdown(traced) if profile else None
        status = band_page.inner_text(".entangle-band-status") if band_page else ""
        period = lect.inner_text(".entangle-room-status")
        browser.close()
    what = "last commit click" if auto else "lecturer's step click"
    out = {"room": code, "rounds": rounds, "timed_from": what, "band": status, "total": stats(total)}
    out["screens"] = {name: stats(ms) for name, ms in per_screen.items()}
    out["server"] = stats(first_msg)
    out["charts_message"] = stats(charts_msg)
    out["browser"] = {name: stats(ms) for name, ms in drawing.items()}
    st = out["total"]
    if rcpu:
        out["renderer_cpu"] = {name: stats(ms) for name, ms in rcpu.items()}
    out["chart_updates"] = {name: sum(v) / len(v) for name, v in draws.items()}
    out["setoption_ms"] = {name: stats(v) for name, v in set_ms.items()}
    out["chart_resizes"] = {name: sum(v) / len(v) for name, v in resizes.items()}
    med = lambda xs: round(statistics.median(xs), 1)  # noqa: E731
    out["grid_ms"] = {
        name: {
            "sync": med([x[0] for x in v]),
            "draw": med([x[1] for x in v]),
            "syncs": med([x[2] for x in v]),
            "message_to_sync": med([x[3] for x in v]),
        }
        for name, v in sync_ms.items()
    }
    out["charts_in_view"] = {name: f"{min(x[0] for x in v)}-{max(x[0] for x in v)}" for name, v in in_view.items()}
    out["plots_in_view"] = {name: f"{min(x[1] for x in v)}-{max(x[1] for x in v)}" for name, v in in_view.items()}
    out["stale_in_view"] = {name: max(v) for name, v in stale.items()}
    out["animations_at_drawn"] = {name: max(v) for name, v in anims.items()}
    mean = lambda xs: round(sum(xs) / len(xs), 1)  # noqa: E731
    out["messages_to_drawn"] = {name: mean([m for m, _ in v]) for name, v in msgs.items()}
    out["frames_to_drawn"] = {name: mean([f for _, f in v]) for name, v in msgs.items()}
    out["messages_a_round"] = {name: mean([m for m, _ in v]) for name, v in round_msgs.items()}
    out["frames_a_round"] = {name: mean([f for _, f in v]) for name, v in round_msgs.items()}
    out["cpu_ms_a_round"] = {k: round(v / rounds, 1) for k, v in cpu.items()}
    top = sorted(threads_cpu.items(), key=lambda kv: -kv[1])
    out["chromium_threads_ms_a_round"] = {k: round(v / rounds, 1) for k, v in top if v / rounds >= 1.0}
    if split:
        out["server_split"] = server_split(env["ENTANGLE_ROOM_TRACE"], clicks)
    if offscreen:
        out["offscreen"] = {
            name: stats([x[0] for x in v]) | {"charts": max(x[1] for x in v)} for name, v in pending.items()
        }
    print(
        f"room {code}, 3 teams, classroom scale{'; seed band: ' + status if band else ''}; ended at {period}\n"
        f"{what} -> all 4 screens show the new quarter: {st['n']} rounds, median {st['median_ms']:.1f} ms, "
        f"p95 {st['p95_ms']:.1f} ms, max {st['max_ms']:.1f} ms\n"
        f"  of which click -> a message at every screen (server + websocket): {out['server']['median_ms']:.0f} ms"
        f"; -> the charts' message at every screen: {out['charts_message']['median_ms']:.0f} ms"
        "\n  each screen's median: "
        + ", ".join(f"{name} {sc['median_ms']:.0f} ms" for name, sc in out["screens"].items())
        + "\n  each screen's browser part (the charts' message -> drawn), median: "
        + ", ".join(f"{name} {sc['median_ms']:.0f} ms" for name, sc in out["browser"].items())
    )
    print(
        "  ECharts updates a round (setOption, arm -> drawn), mean: "
        + ", ".join(f"{name} {v:.1f}" for name, v in out["chart_updates"].items())
        + f" (total {sum(out['chart_updates'].values()):.1f}); chart resizes (a redraw each): "
        + ", ".join(f"{name} {v:.1f}" for name, v in out["chart_resizes"].items())
        + "\n  time inside ECharts' setOption a round (in the page, arm -> drawn), median: "
        + ", ".join(f"{name} {v['median_ms']:.1f} ms" for name, v in out["setoption_ms"].items())
        + "\n  the chart grid's work a round, median: sync ms / draw ms / syncs / charts' message -> first sync ms: "
        + ", ".join(
            f"{n} {v['sync']} / {v['draw']} / {v['syncs']} / {v['message_to_sync']}" for n, v in out["grid_ms"].items()
        )
        + "\n  charts in view (any pixel) at the drawn frame: "
        + ", ".join(f"{name} {v}" for name, v in out["charts_in_view"].items())
        + "; with their plot in view (-1: the page cannot tell): "
        + ", ".join(f"{name} {v}" for name, v in out["plots_in_view"].items())
        + "; showing anything not current (-1: the page cannot tell): "
        + ", ".join(f"{name} {v}" for name, v in out["stale_in_view"].items())
        + "\n  animations running at the drawn frame (a ripple or fade: a frame every 16 ms; should be 0), max: "
        + ", ".join(f"{name} {v}" for name, v in out["animations_at_drawn"].items())
    )
    print(
        "  websocket messages a round per screen (and animation frames after one), mean, step click -> drawn: "
        + ", ".join(f"{n} {out['messages_to_drawn'][n]} ({out['frames_to_drawn'][n]})" for n in out["frames_to_drawn"])
        + "; step click -> the next round's commits: "
        + ", ".join(f"{n} {out['messages_a_round'][n]} ({out['frames_a_round'][n]})" for n in out["frames_a_round"])
    )
    c = out["cpu_ms_a_round"]
    print(
        f"  CPU a round: all chromium processes {c['browser_round']:.1f} ms and the server {c['server_round']:.1f} ms"
        f" from the click to the last screen drawn; {c['browser_all']:.1f} and {c['server_all']:.1f} ms over the"
        " whole round (commits included; the server's figure includes the seed band's runs between rounds)"
    )
    print(
        "  chromium CPU a round by process type / thread (click -> last screen drawn, ms, >= 1 ms): "
        + ", ".join(f"{k} {v}" for k, v in out["chromium_threads_ms_a_round"].items())
    )
    if offscreen:
        print(
            "  charts out of view, drawn at once after the round (what scrolling to them would cost), median: "
            + ", ".join(
                f"{name} {sc['median_ms']:.1f} ms ({sc['charts']} charts)" for name, sc in out["offscreen"].items()
            )
        )
    if rcpu:
        print(
            "  each screen's renderer main-thread CPU in a round (Chrome trace; arm -> drawn), median: "
            + ", ".join(f"{name} {sc['median_ms']:.1f} ms" for name, sc in out["renderer_cpu"].items())
        )
    if where:
        out["renderer_breakdown"] = where
        print("  each screen's renderer main thread, arm -> drawn, self time by trace event, median ms a round:")
        for name, parts in where.items():
            print(f"    {name}: " + ", ".join(f"{k} {v}" for k, v in parts.items()))
    if split:
        sp = out["server_split"]
        print(
            f"  server's part (its trace; ms after the click, median of {sp['rounds']} rounds): step "
            f"{sp['step']} -> {sp['stepped']} (charts' data built in {sp['charts_build']}); every grid pushed "
            f"{sp['pushed']} (failed pushes: {sp['push_failed']}); per screen, its "
            "re-render's start -> its charts' message sent -> its end (messages sent, ms inside send): "
            + "; ".join(
                f"{n} {sp[n]['render']} -> {sp[n]['charts_sent']} -> {sp[n]['rendered']} "
                f"({sp[n]['sends']}, {sp[n]['send_ms']})"
                for n in ("lecturer", *BLOCS)
            )
        )
    return out


TRACE_CATEGORIES = ["toplevel", "blink.user_timing", "__metadata"]
PROFILE_CATEGORIES = ["devtools.timeline", "v8.execute", "blink"]


def _rounds_of(events):
    """(pid of a screen's renderer, screen, t0, t1) per timed round, from the arm and seen marks."""
    marks: dict[tuple[int, str], dict[str, float]] = {}
    for e in events:
        name = e.get("name", "")
        if name.startswith(("entangle-arm:", "entangle-seen:")):
            what, tag = name.split(":", 1)
            marks.setdefault((e["pid"], tag), {})[what] = e["ts"]
    for (pid, tag), at in sorted(marks.items(), key=lambda kv: kv[1].get("entangle-arm", 0)):
        screen, n = tag.rsplit(":", 1)
        if n != "0" and len(at) == 2:
            yield pid, screen, at["entangle-arm"], at["entangle-seen"]


def renderer_breakdown(trace: dict) -> dict[str, dict[str, float]]:
    """Where each screen's renderer main thread spends a round (arm -> drawn): the self time (thread time
    where the trace has it, minus the events nested in it) of each trace event name, median over the
    rounds, the ten largest; `all` is the top-level tasks' total."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    by_pid: dict[int, list] = {}
    for e in events:
        if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in main:
            d = e.get("tdur", e.get("dur", 0))
            by_pid.setdefault(e["pid"], []).append((e["ts"], -e.get("dur", 0), e["ts"] + e.get("dur", 0), d, e["name"]))
    for v in by_pid.values():
        v.sort()
    per: dict[str, list[dict[str, float]]] = {}
    for pid, screen, t0, t1 in _rounds_of(events):
        own: dict[str, float] = {}
        stack: list[list] = []  # [end, name, self]
        total = 0.0
        for ts, _neg, te, d, name in by_pid.get(pid, []):
            if ts < t0 or ts > t1:
                continue
            while stack and ts >= stack[-1][0]:
                end, nm, self_ = stack.pop()
                own[nm] = own.get(nm, 0.0) + self_
            if stack:
                stack[-1][2] -= d
            else:
                total += d
            stack.append([te, name, d])
        for _end, nm, self_ in stack:
            own[nm] = own.get(nm, 0.0) + self_
        own["all"] = total
        per.setdefault(screen, []).append(own)
    out = {}
    for screen, rounds in per.items():
        names = {k for r in rounds for k in r}
        med = {k: round(statistics.median([r.get(k, 0.0) for r in rounds]) / 1000, 1) for k in names}
        top = sorted((k for k in med if k != "all"), key=lambda k: -med[k])[:10]
        out[screen] = {"all": med["all"], **{k: med[k] for k in top}}
    return out


def renderer_cpu(trace: dict) -> dict[str, list[float]]:
    """Each screen's renderer main-thread CPU time (ms) per round, from a Chrome trace: the thread time
    (`tdur`, not wall time, so less sensitive to the machine's load) of the top-level tasks that start
    between the round's `entangle-arm` and `entangle-seen` marks of that screen's page."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    tasks: dict[int, list[tuple[float, float, float]]] = {}
    for e in events:
        if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in main and "tdur" in e:
            tasks.setdefault(e["pid"], []).append((e["ts"], e["ts"] + e.get("dur", 0), e["tdur"]))
    out: dict[str, list[float]] = {}
    for pid, screen, t0, t1 in _rounds_of(events):  # round 0, the warm-up, left out
        cpu, end = 0.0, 0.0
        for ts, te, tdur in sorted(tasks.get(pid, [])):
            if t0 <= ts <= t1 and ts >= end:  # top-level only: a nested task is inside its parent
                cpu += tdur
                end = te
        out.setdefault(screen, []).append(cpu / 1000)
    return out


def _threads(pid: int) -> int:
    """The server's threads: a screen whose session outlives its closed tab keeps its watcher thread."""
    return len(os.listdir(f"/proc/{pid}/task"))


def join_leave(cycles: int, report=(1, 10, 30, 50, 100, 200, 300, 400, 500)) -> dict:
    """Server RSS while the room's three team screens join (their seat links) and leave, `cycles` times."""
    from playwright.sync_api import sync_playwright

    env = {"ENTANGLE_ROOMS": tempfile.mkdtemp(prefix="entangle-bench-rooms-")}
    rss, threads = [], []
    with app_server(env) as (url, server), sync_playwright() as p:
        browser = launch(p)
        lect, teams, code = open_room(browser, url, auto=False)
        links = [page.url for page in teams.values()]
        for page in teams.values():
            page.context.close()
        time.sleep(1.0)
        start, start_threads = rss_kib(server.pid) / 1024, _threads(server.pid)
        for _ in range(cycles):
            pages = [_page(browser, link, ".entangle-team-title") for link in links]
            for page in pages:
                _charts_ready(page)
            for page in pages:
                page.close(run_before_unload=True)
                page.context.close()
            time.sleep(0.5)  # let the server see the tabs close
            rss.append(rss_kib(server.pid) / 1024)
            threads.append(_threads(server.pid))
            if len(rss) in report:
                print(
                    f"  after {len(rss)} cycles: {rss[-1]:.1f} MiB, {threads[-1]} server threads "
                    f"(load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        viewers = lect.inner_text(".entangle-room-status")
        browser.close()
    at = {n: round(rss[n - 1], 1) for n in report if n <= len(rss)}
    out = {
        "room": code,
        "cycles": cycles,
        "start_mib": round(start, 1),
        "rss_mib_at": at,
        "threads": {"start": start_threads, **{n: threads[n - 1] for n in report if n <= len(threads)}},
        "lecturer": viewers,
    }
    print(
        f"server RSS, room {code}, 3 team screens joining and leaving: before {start:.1f} MiB; "
        + ", ".join(f"after {n}: {v:.1f} MiB" for n, v in at.items())
        + f"; server threads {out['threads']}"
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=24)
    ap.add_argument("--auto", action="store_true", help="time from the last commit (the room's clock steps at once)")
    ap.add_argument("--band", action="store_true", help="a single-user page's seed band running meanwhile")
    ap.add_argument("--join-leave", type=int, default=0, metavar="N", help="server RSS over N join/leave cycles")
    ap.add_argument("--trace", action="store_true", help="and each screen's renderer CPU a round (Chrome trace)")
    ap.add_argument(
        "--server-split",
        action="store_true",
        help="and the server's part per screen, from the server's own trace (sim/app/room_trace.py)",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="with --trace: each screen's renderer main thread a round by trace event (script, style, layout, paint)",
    )
    ap.add_argument("--size", default="", metavar="WxH", help="the screens' window size (default 1400x900)")
    ap.add_argument("--json", action="store_true", help="end with the measurements as one JSON line")
    ap.add_argument(
        "--offscreen",
        action="store_true",
        help="after each round, draw the charts out of view at once and time it (not in the round's figure)",
    )
    args = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out = (
        join_leave(args.join_leave)
        if args.join_leave
        else play(
            args.rounds,
            args.auto,
            args.band,
            args.trace or args.profile,
            args.offscreen,
            args.server_split,
            args.profile,
            tuple(int(x) for x in args.size.split("x")) if args.size else None,
        )
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
