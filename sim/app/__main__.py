"""`python -m sim.app [--host H] [--port P] [--rooms DIR]`: serve the teaching app (Solara) on 127.0.0.1:8765.

127.0.0.1 is reachable from this machine only; `--host 0.0.0.0` (or the machine's classroom address)
opens the app, and its seminar rooms, to the network: an opt-in."""

from __future__ import annotations

import argparse
import os
import sys
import warnings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.app", description="Entangle teaching app (Solara).")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--rooms",
        default=None,
        help="folder that keeps seminar rooms across restarts (default ~/.local/state/entangle/rooms)",
    )
    args = parser.parse_args(argv)
    if args.rooms:
        os.environ["ENTANGLE_ROOMS"] = os.path.abspath(args.rooms)
    # A closed classroom network: no usage telemetry, no version check; Solara's browser assets
    # come from the solara-assets package (the `app` extra), not from a CDN.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_CHECK_VERSION", "False")
    # Our page, not Solara's: no "This website runs on Solara" badge over the charts, our title.
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    os.environ.setdefault("SOLARA_THEME_TITLE", "Entangle")
    # A tab that goes without saying goodbye (a laptop closed, a browser killed, a network drop) keeps its
    # session on the server for Solara's cull timeout, 24 h by default, in case it reconnects: its model,
    # its widgets, a room screen's watcher thread and its place under the bounds on live sessions and on a
    # room's screens. A class of 30 closing lids would fill those bounds with ghosts; 15 minutes still
    # covers a short break (a room screen reloads from its link in any case).
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "15m")
    # Reacton's tree walk that skips every component subtree whose state and arguments did not change
    # (opt-in in the pinned reacton). A room's step re-renders four screens in the server's one
    # interpreter; the classic walk re-set every widget's props on each of them (~70 widgets a screen),
    # this one touches the ~14 that changed: a screen's re-render costs about half the CPU
    # (benchmarks/room_cpu.py; docs/PERFORMANCE.md, session 10).
    os.environ.setdefault("REACTON_FAST", "1")
    # Served over plain http to 127.0.0.1 or a classroom address, the session cookie is SameSite=Lax,
    # which is what we want (the page is not embedded in another site); Solara warns about it on
    # every page load, which buries real messages in the server log.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    from solara.__main__ import cli

    print(f"Entangle teaching app: http://{args.host}:{args.port}/ (seminar rooms: /?room)", flush=True)
    cli.main(
        args=[
            "run",
            "sim.app.page",
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--production",
            "--no-open",
            "--log-level",
            "warning",
            "--log-level-uvicorn",
            "warning",
        ],
        prog_name="python -m sim.app",
        standalone_mode=True,
    )


if __name__ == "__main__":
    sys.exit(main())
