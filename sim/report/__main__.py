"""`python -m sim.report folder=DIR [out=DIR]` (or `python -m sim.report DIR`)

Writes brief.html (self-contained: images embedded, no external URL) and brief.md (images as
relative links) from a comparison folder (python -m sim.compare) or a sweep folder (--multirun,
with any sim.analyze results). Both files go into the folder unless out= names another one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..schema import spec


@dataclass
class ReportOptions:
    folder: str = spec("", source="a folder written by python -m sim.compare or python -m sim --multirun")
    out: str | None = spec(None, source="where brief.html and brief.md go (default: the folder itself)")


def build(folder: Path, out: Path | None = None) -> tuple[Path, Path]:
    """Write the brief of `folder`; returns the HTML and Markdown paths."""
    from ..atomic import write_text
    from . import render, sections

    folder = folder.resolve()
    if not folder.is_dir():
        raise ConfigError("folder", f"no folder {folder}", "a folder of python -m sim.compare or --multirun")
    make = {"compare": sections.compare_blocks, "search": sections.search_blocks, "sweep": sections.sweep_blocks}[
        sections.kind(folder)
    ]
    title, blocks = make(folder)
    out = (out or folder).resolve()
    out.mkdir(parents=True, exist_ok=True)
    html = write_text(render.page(title, blocks), out / "brief.html")
    md = write_text(render.markdown(title, blocks, folder), out / "brief.md")
    return html, md


def main(argv: list[str] | None = None) -> None:
    from ..compose import command_options

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return
    argv = [f"folder='{a}'" if "=" not in a and not a.startswith("-") else a for a in argv]
    argv = [
        f"{k}='{v}'" if k in ("folder", "out") and not v.startswith("'") else a
        for a in argv
        for k, _, v in [a.partition("=")]
    ]
    try:
        options = command_options("report", ReportOptions, argv)
        if not options.folder:
            raise ConfigError("folder", "is missing", "folder=DIR, a folder of python -m sim.compare or --multirun")
        html, md = build(Path(options.folder), Path(options.out) if options.out else None)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    print(f"-> {html}\n-> {md}")


if __name__ == "__main__":
    main()
