"""Blocks of a brief (heading, text, table, image, code) rendered to Markdown and to one HTML page.

The HTML is self-contained by construction: images are embedded as data URIs, the style is inline,
and nothing refers to another host, so the page reads offline and can be mailed as one file.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Text:
    text: str


@dataclass
class Table:
    frame: pd.DataFrame
    caption: str = ""


@dataclass
class Image:
    path: Path
    caption: str


@dataclass
class Code:
    text: str


STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figure img{max-width:100%}figcaption{font-size:.85rem;color:#555}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.85rem}
"""


def _cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _td(v) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f'<td class="n">{_cell(v)}</td>'
    return f"<td>{html.escape(str(v))}</td>"


def markdown(title: str, blocks: list, folder: Path) -> str:
    lines = [f"# {title}", ""]
    for b in blocks:
        if isinstance(b, Heading):
            lines += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Text):
            lines += [b.text, ""]
        elif isinstance(b, Table):
            cols = [str(c) for c in b.frame.columns]
            lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in b.frame.itertuples(index=False)]
            lines += ["", f"*{b.caption}*", ""] if b.caption else [""]
        elif isinstance(b, Image):
            lines += [f"![{b.caption}]({b.path.relative_to(folder).as_posix()})", f"*{b.caption}*", ""]
        elif isinstance(b, Code):
            lines += ["```", b.text, "```", ""]
    return "\n".join(lines)


def page(title: str, blocks: list) -> str:
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, Text):
            out.append(f"<p>{html.escape(b.text)}</p>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{html.escape(str(c))}</th>" for c in b.frame.columns)
            rows = "".join("<tr>" + "".join(_td(v) for v in row) + "</tr>" for row in b.frame.itertuples(index=False))
            cap = f"<caption>{html.escape(b.caption)}</caption>" if b.caption else ""
            out.append(f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Image):
            data = base64.b64encode(b.path.read_bytes()).decode("ascii")
            out.append(
                f'<figure><img alt="{html.escape(b.caption)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{html.escape(b.caption)}</figcaption></figure>"
            )
        elif isinstance(b, Code):
            out.append(f"<pre><code>{html.escape(b.text)}</code></pre>")
    out.append("</body></html>")
    return "\n".join(out)
