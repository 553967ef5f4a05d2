"""The plots of a single run, readable at a glance.

Drawn on plain `Figure` objects with the Agg canvas (no pyplot state) and fixed margins:
a layout engine would draw every figure twice to measure it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .atomic import save_figure
from .periods import label as period_label

WIDTH, HEIGHT = 6.2, 4.2  # inches per panel
# zlib level 1 instead of PIL's 6: the same pixels, encoded in ~40% less time, files ~15% larger
PNG = {"compress_level": 1}


def _pairs(blocs):
    return ["_".join(p) for p in combinations(sorted(blocs), 2)]


def _x(ts):
    return ts["year"] + (ts["quarter"] - 1) / 4


def _panel(ax, ts, columns, title, ylabel, labels=None, yearly=False, story=None):
    """One panel; `yearly` shows flows as rolling four-quarter sums, which small scales make readable.

    `story` (a `Story`) adds the counterfactual of a comparison, dashed in each line's colour, and
    the scenario's dated measures as labelled vertical lines.
    """
    x = _x(ts)
    counterfactual = story.counterfactual if story is not None else None
    for col, label in zip(columns, labels or columns):
        if col in ts:
            y = ts[col].rolling(4, min_periods=4).sum() if yearly else ts[col]
            (line,) = ax.plot(x, y, label=label, lw=2)
            if counterfactual is not None and col in counterfactual:
                cf = counterfactual[col]
                cf = cf.rolling(4, min_periods=4).sum() if yearly else cf
                ax.plot(_x(counterfactual), cf, color=line.get_color(), lw=1.4, ls="--", alpha=0.8)
    if counterfactual is not None:
        ax.plot([], [], color="0.4", lw=1.4, ls="--", label=story.counterfactual_label)
    if story is not None:
        _markers(ax, story.measures)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # y given: otherwise every draw measures the tick labels to lift the title over any on top (there are none)
    ax.set_title(title, fontsize=12, loc="left", y=1.0)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, frameon=False)


@dataclass
class Story:
    """What a run's plots add to its lines: dated measures, and in a comparison the counterfactual."""

    measures: list[tuple[float, str]] = field(default_factory=list)  # (year as a float, short label)
    counterfactual: pd.DataFrame | None = None  # the counterfactual run's timeseries, drawn dashed
    counterfactual_label: str = "counterfactual"


_SHORT = {
    "export_controls": "export ctrl",
    "research_security": "research sec.",
    "investment_screening": "inv. screening",
    "regulation": "regulation",
    "investai": "investment prog.",
    "shocks": "shock",
    "standards_agreements": "standards",
}


def dated_measures(scenario) -> list[tuple[float, str]]:
    """The scenario's measures after its first quarter, one marker per quarter: (year, short label).

    The label names the quarter and the lever families acting then (the first quarter's levers are
    the starting state, not an event).
    """
    marks = []
    for quarter in sorted(scenario.measures):
        if quarter <= scenario.start:
            continue
        families = dict.fromkeys(_SHORT.get(f, f.replace("_", " ")) for f, _, _ in scenario.measures[quarter])
        marks.append((quarter / 4, f"{period_label(quarter)} {', '.join(families)}"))
    return marks


def _markers(ax, measures) -> None:
    """Thin vertical lines at the measures' dates, labelled along the line in a figure's first panel."""
    labelled = ax is ax.figure.axes[0]  # once per figure: the labels would crowd every panel
    for x, text in measures:
        ax.axvline(x, color="0.55", lw=0.8, ls=":", zorder=0)
        if not labelled:
            continue
        ax.text(
            x,
            0.99,
            f" {text}",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            ha="right",
            va="top",
            fontsize=6.5,
            color="0.35",
            clip_on=True,
        )


def _figure(ncols, title):
    """A row of `ncols` panels with fixed margins (in inches, so every width looks the same)."""
    w = WIDTH * ncols
    fig = Figure(figsize=(w, HEIGHT))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(
        left=0.75 / w, right=1 - 0.1 / w, bottom=0.35 / HEIGHT, top=1 - 0.62 / HEIGHT, wspace=0.8 / (WIDTH - 0.85)
    )
    fig.suptitle(title, fontsize=13, x=0.1 / w, y=1 - 0.08 / HEIGHT, ha="left", va="top")
    return fig, fig.subplots(1, ncols, squeeze=False)[0]


def _in_bn(ts, columns):
    cap = ts[columns] / 1e9
    cap.insert(0, "year", ts["year"]), cap.insert(1, "quarter", ts["quarter"])
    return cap


def write_all(ts, blocs: list[str], out: Path, title: str, dpi: int = 110, story: Story | None = None) -> list[Path]:
    out = Path(out)
    pairs = _pairs(blocs)
    written = []

    fig, (a, b) = _figure(2, f"Research collaboration: {title}")
    _panel(
        a,
        ts,
        [f"papers_{p}" for p in pairs],
        "Co-authored papers (past four quarters)",
        "papers per year",
        [p.replace("_", "–") for p in pairs],
        yearly=True,
        story=story,
    )
    _panel(
        b,
        ts,
        [f"share_{x}_output_with_{y}" for x in blocs for y in blocs if x != y and "CN" in (x, y)],
        "Share of output co-authored with",
        "share",
        [f"{x} with {y}" for x in blocs for y in blocs if x != y and "CN" in (x, y)],
        story=story,
    )
    written.append(save_figure(fig, out / "papers.png", dpi=dpi, pil_kwargs=PNG))

    fig, (a, b, c) = _figure(3, f"Capability and compute: {title}")
    _panel(a, ts, [f"capability_{x}" for x in blocs], "Capability index (US 2017 = 1)", "index", blocs, story=story)
    _panel(b, ts, [f"compute_access_{x}" for x in blocs], "Compute access", "share of demand met", blocs, story=story)
    _panel(
        c,
        ts,
        [f"chip_capacity_{x}" for x in blocs],
        "Domestic advanced-chip capacity",
        "self-sufficiency",
        blocs,
        story=story,
    )
    written.append(save_figure(fig, out / "capability.png", dpi=dpi, pil_kwargs=PNG))

    directed = [(x, y) for x in blocs for y in blocs if x != y]
    fig, (a, b) = _figure(2, f"Cross-border investment: {title}")
    _panel(
        a,
        ts,
        [f"deals_{x}_to_{y}" for x, y in directed],
        "Cross-border deals (investor → target)",
        "deals per year",
        [f"{x}→{y}" for x, y in directed],
        yearly=True,
        story=story,
    )
    capital = [f"capital_{x}_to_{y}" for x, y in directed]
    in_bn = story
    if story is not None and story.counterfactual is not None:
        in_bn = replace(story, counterfactual=_in_bn(story.counterfactual, capital))
    _panel(
        b,
        _in_bn(ts, capital),
        capital,
        "Cross-border capital",
        "EUR bn per year",
        [f"{x}→{y}" for x, y in directed],
        yearly=True,
        story=in_bn,
    )
    written.append(save_figure(fig, out / "investment.png", dpi=dpi, pil_kwargs=PNG))

    fig, (a, b) = _figure(2, f"Standards: {title}")
    _panel(
        a,
        ts,
        [f"alignment_{p}" for p in pairs],
        "Bloc-to-bloc alignment",
        "0 = none, 1 = full",
        [p.replace("_", "–") for p in pairs],
        story=story,
    )
    _panel(
        b,
        ts,
        [f"compliance_share_{x}" for x in blocs],
        "Firms complying with each regime",
        "share of all firms",
        [f"{x} regime" for x in blocs],
        story=story,
    )
    written.append(save_figure(fig, out / "standards.png", dpi=dpi, pil_kwargs=PNG))
    return written
