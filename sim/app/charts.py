"""ECharts options for the page, built straight from the recorder's rows (one dict per quarter).

Charts are drawn in the browser, so a redraw only sends these small dicts: the x axis holds every
quarter of the scenario (the lines grow across it), the class's run is drawn solid, the unchanged
scenario (Compare) dashed, and every event is a labelled vertical marker.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .. import periods
from . import explain
from .bands import band, smooth

# Okabe-Ito, a colour-blind-safe palette: a bloc's colour means that bloc on every chart.
BLOC_COLORS = {"EU": "#0072B2", "CN": "#D55E00", "US": "#009E73", "UK": "#CC79A7", "JP": "#E69F00"}
EXTRA_BLOC = ["#56B4E9", "#F0E442", "#999999", "#000000"]
# Pairs of blocs get colours no bloc has, told apart by line style too.
PAIR_COLORS = ["#000000", "#56B4E9", "#E69F00", "#999999", "#8C6D31", "#7B3294"]
TARGET_STYLES = ["solid", [10, 5], [2, 4], [10, 4, 2, 4], [4, 4]]  # line style per target bloc
FONT = 14
TOP = 76  # plot top: title, explanation line, legend, a row of badges; the page adds any further badge rows
EVENT_RED, SCENARIO_GREY = "#B2182B", "#555555"
SMOOTHED = ("papers", "deals", "capital")  # noisy counts: the smoothing toggle averages them over a year


class View:
    """What the page overlays on the class's lines, the same for every chart."""

    def __init__(self, ref_name="", band_runs=(), ref_band_runs=(), smoothing=False):
        self.ref_label = f"dashed: {ref_name or 'comparison'}"
        self.band_runs, self.ref_band_runs = list(band_runs), list(ref_band_runs)
        runs = max(len(self.band_runs), len(self.ref_band_runs))
        self.band_name = f"shaded: range over {runs} seeds"
        self.window = 4 if smoothing else 1


BADGE = {
    "position": "end",
    "fontSize": FONT - 1,
    "lineHeight": FONT + 1,
    "fontWeight": "bold",
    "color": "#fff",
    "backgroundColor": EVENT_RED,
    "borderRadius": 8,
    "padding": [1, 5],
}


def bloc_color(code: str, k: int) -> str:
    return BLOC_COLORS.get(code, EXTRA_BLOC[k % len(EXTRA_BLOC)])


def pairs(blocs) -> list[str]:
    return ["_".join(p) for p in combinations(sorted(blocs), 2)]


def directions(blocs) -> list[tuple[str, str]]:
    return [(a, b) for a in blocs for b in blocs if a != b]


def _values(rows, col, factor, window=1):
    """A column's values (None where a comparison run has no such quarter), as a trailing mean over
    `window` quarters when smoothing is on."""
    raw = np.array([r.get(col, np.nan) if r else np.nan for r in rows], dtype=float) * factor
    return _listed(smooth(raw, window))


def _listed(values) -> list:
    return [None if np.isnan(v) else round(float(v), 4) for v in values]


def band_series(col, color, runs, n, factor, window, name) -> list[dict]:
    """The seed band of a column: its lowest value, then the spread stacked on it as a shaded area."""
    lo_hi = band(runs, col, n, factor, window)
    if lo_hi is None:
        return []
    lo, hi = lo_hi
    common = {
        "name": name,
        "type": "line",
        "stack": f"band_{col}_{id(runs)}",
        "stackStrategy": "all",
        "showSymbol": False,
        "silent": True,
        "z": 1,
        "color": color,
        "lineStyle": {"opacity": 0},
    }
    return [
        {**common, "id": f"{col}_{id(runs)}_lo", "data": _listed(lo)},
        {**common, "id": f"{col}_{id(runs)}_hi", "data": _listed(hi - lo), "areaStyle": {"opacity": 0.16}},
    ]


def marker_lines(axis, markers) -> list[dict]:
    """A vertical line per marker; the class's events (1, 2, ...) and the scenario's own dated
    measures (A, B, ...) get a badge on top, lever moves none.

    Every badge stays on its own quarter's line (never merged with another quarter's); the page
    lays badges out in stagger rows by their drawn x position (charts.vue), so they never overlap.
    """
    lines = []
    for period, label, badge in markers:
        event = badge.isdigit()
        color = EVENT_RED if event else SCENARIO_GREY if badge else "#999"
        line = {
            "xAxis": period,
            "name": f"{badge}: {label}" if badge else label,
            "label": {"show": False},
            "lineStyle": {
                "color": color,
                "type": "dashed" if event else "dotted",
                "width": 2 if event else 1,
                "opacity": 1 if event else 0.7,
            },
        }
        if badge:
            line["label"] = {
                "show": True,
                "formatter": badge,
                "distance": 2,
                "backgroundColor": EVENT_RED if event else SCENARIO_GREY,
                # a pill at most 15 px tall, so that stagger rows 16 px apart (charts.vue) never touch
                "fontSize": FONT - 2 if event else FONT - 4,
                "lineHeight": 13 if event else 12,
                "padding": [1, 4] if event else [0, 3],
            }
        lines.append(line)
    return lines


def mark_line(axis, markers) -> dict:
    """ECharts markLine of the event and history markers (on a line chart's first series)."""
    return {"symbol": "none", "silent": True, "animation": False, "label": BADGE, "data": marker_lines(axis, markers)}


def line_chart(
    title, axis, rows, series, markers=(), ref=None, factor=1.0, key="", y_max=None, y_min=0, view=None
) -> dict:
    """series: [(column, label, color, line style)]; ref: the comparison run's rows (dashed) or None.

    view: what the page overlays (`View`): the comparison's name, the seed bands' runs, smoothing."""
    view = view or View()
    window = view.window if key in SMOOTHED else 1
    out, bands = [], []
    n = len(rows)
    for col, label, color, style in series:
        bands += band_series(col, color, view.band_runs, n, factor, window, view.band_name)
        if ref is not None:
            bands += band_series(col, color, view.ref_band_runs, n, factor, window, view.band_name)
        out.append(
            {
                "name": label,
                "type": "line",
                "data": _values(rows, col, factor, window),
                "showSymbol": len(rows) < 3,
                "z": 3,
                "lineStyle": {"width": 2.5, "type": style},
                "color": color,
            }
        )
        if ref is not None:
            out.append(
                {
                    # one legend entry for every dashed line, saying which run they are
                    "name": view.ref_label,
                    "type": "line",
                    "id": f"{col}_unchanged",
                    "data": _values(ref, col, factor, window),
                    "showSymbol": False,
                    # dashed, thin and faint: the unchanged run; where the class's lines already
                    # differ by style (direction charts), thinness and faintness tell it apart
                    "lineStyle": {"width": 1.5, "type": "dashed" if style == "solid" else style, "opacity": 0.5},
                    "color": color,
                }
            )
    if out and markers:
        out[0]["markLine"] = mark_line(axis, markers)
    out += bands
    legend = [label for _, label, _, _ in series]
    if ref is not None:
        legend.append(
            {"name": view.ref_label, "itemStyle": {"color": "#555"}, "lineStyle": {"color": "#555", "type": "dashed"}}
        )
    if bands:
        legend.append({"name": view.band_name, "itemStyle": {"color": "#bbb"}})
    return {
        "animation": False,
        "title": {
            "text": title,
            "subtext": explain.chart_line(key) if key else "",
            "left": 8,
            "top": 3,
            "itemGap": 5,
            "textStyle": {"fontSize": FONT + 1},
            "subtextStyle": {"fontSize": FONT - 3, "color": "#444", "width": 560, "overflow": "truncate"},
        },
        # the unchanged run shares its colour with the class's line: one legend entry each, dashed = unchanged
        # one row whatever the width (paged if it must be), so the badges' rows sit right under it
        "legend": {
            "type": "scroll",
            "top": 42,
            "left": 8,
            "textStyle": {"fontSize": FONT - 2},
            "itemWidth": 26,
            "itemHeight": 10,
            "itemGap": 8,
            "data": legend,
        },
        "grid": {"left": 56, "right": 16, "top": TOP, "bottom": 26},
        "tooltip": {"trigger": "axis"},
        "xAxis": {
            "type": "category",
            "data": axis,
            "axisLabel": {"fontSize": FONT - 2, "interval": 15, "formatter": "{value}"},
            "boundaryGap": False,
        },
        "yAxis": {
            "type": "value",
            "name": explain.chart_unit(key) if key else "",
            "nameLocation": "middle",
            "nameGap": 40,
            "nameTextStyle": {"fontSize": FONT - 3, "color": "#333"},
            # a headroom maximum (1.05) would print a label crowding the 1 just below it
            "axisLabel": {"fontSize": FONT - 2, "showMaxLabel": y_max is None or y_max == int(y_max)},
            "max": y_max,
            "min": y_min,
            "scale": y_min is None,
        },
        "series": out,
    }


def network_chart(blocs, row, mode="papers", capability=None) -> dict:
    """Blocs as nodes on a circle; edge width = this quarter's joint papers or capital by direction."""
    import math

    n = len(blocs)
    nodes = []
    for k, code in enumerate(blocs):
        angle = math.pi / 2 + 2 * math.pi * k / n
        size = 46 + 18 * float((capability or {}).get(code, 1.0))
        nodes.append(
            {
                "name": code,
                "value": [round(math.cos(angle), 4), round(math.sin(angle), 4)],
                "symbolSize": size,
                "itemStyle": {"color": bloc_color(code, k)},
                "label": {"show": True, "fontSize": FONT + 3, "color": "#fff", "fontWeight": "bold"},
            }
        )
    if mode == "papers":
        edges = [(a, b, (row or {}).get(f"papers_{a}_{b}", 0.0)) for a, b in (p.split("_") for p in pairs(blocs))]
        unit, curve, arrow = "papers", 0.0, ["none", "none"]
    else:
        edges = [(a, b, (row or {}).get(f"capital_{a}_to_{b}", 0.0) / 1e9) for a, b in directions(blocs)]
        unit, curve, arrow = "EUR bn", 0.25, ["none", "arrow"]
    top = max([v for _, _, v in edges] + [1e-9])
    links = [
        {
            "source": a,
            "target": b,
            "value": round(v, 3),
            "lineStyle": {"width": 1 + 16 * v / top, "curveness": curve, "color": "#555", "opacity": 0.75},
            "label": {"show": v > 0, "formatter": f"{v:,.0f}" if v >= 10 else f"{v:,.2f}"},
        }
        for a, b, v in edges
    ]
    what = "joint papers" if mode == "papers" else "capital, EUR bn"
    quarter = (row or {}).get("period", "")
    # Nodes sit on hidden value axes, so they stay round whatever the chart's width.
    return {
        "animation": False,
        "title": {
            "text": f"Bloc ties: {what} this quarter",
            "subtext": "",
            "left": 8,
            "top": 3,
            "itemGap": 5,
            "textStyle": {"fontSize": FONT + 1},
            "subtextStyle": {"fontSize": FONT - 3, "color": "#444", "width": 560, "overflow": "truncate"},
        },
        "graphic": [
            {
                "type": "text",
                "left": 10,
                "bottom": 6,
                "style": {
                    "text": "Key: node size = AI capability (index, US 2017 = 1)\n"
                    f"edge width and label = {what} that quarter",
                    "fontSize": FONT - 3,
                    "lineHeight": FONT,
                    "fill": "#444",
                },
            },
            {
                "type": "text",
                "right": 14,
                "top": 40,
                "style": {"text": str(quarter), "fontSize": FONT + 8, "fontWeight": "bold", "fill": "#333"},
            },
        ],
        "tooltip": {},
        "grid": {"top": 74, "bottom": 48, "left": 70, "right": 70},  # room for the key below the nodes
        "xAxis": {"type": "value", "min": -1.1, "max": 1.1, "show": False},
        "yAxis": {"type": "value", "min": -0.7, "max": 1.1, "show": False},
        "series": [
            {
                "type": "graph",
                "coordinateSystem": "cartesian2d",
                "data": nodes,
                "links": links,
                "edgeSymbol": arrow,
                "edgeSymbolSize": 12,
                "name": unit,
                "edgeLabel": {
                    "show": True,
                    "fontSize": FONT + 7,
                    "fontWeight": "bold",
                    "color": "#111",
                    "backgroundColor": "rgba(255,255,255,0.9)",
                    "padding": [2, 5],
                    "borderRadius": 4,
                },
            }
        ],
    }


def all_charts(
    blocs, start: int, end: int, rows, ref=None, markers=(), network="papers", view=None, below=None
) -> dict[str, dict]:
    """Every chart of the page, keyed by a stable id; `below`: the charts below bloc level (below.py)."""
    axis = [periods.label(q) for q in range(start, end + 1)]
    bc = [(code, bloc_color(code, k), "solid") for k, code in enumerate(blocs)]
    pc = [(p, PAIR_COLORS[k % len(PAIR_COLORS)], "solid") for k, p in enumerate(pairs(blocs))]
    # a direction: the investing bloc's colour, the target bloc's line style
    dc = [
        (a, b, bloc_color(a, blocs.index(a)), TARGET_STYLES[blocs.index(b) % len(TARGET_STYLES)])
        for a, b in directions(blocs)
    ]
    kw = {"markers": markers, "ref": ref, "view": view}
    last = rows[-1] if rows else None
    return {
        "papers": line_chart(
            "Joint papers by bloc pair",
            axis,
            rows,
            [(f"papers_{p}", p.replace("_", "–"), c, st) for p, c, st in pc],
            key="papers",
            **kw,
        ),
        "capability": line_chart(
            "AI capability",
            axis,
            rows,
            [(f"capability_{b}", b, c, st) for b, c, st in bc],
            key="capability",
            y_min=None,
            **kw,
        ),
        "compute": line_chart(
            "Compute access",
            axis,
            rows,
            [(f"compute_access_{b}", b, c, st) for b, c, st in bc],
            key="compute",
            y_max=1.05,
            **kw,
        ),
        "chips": line_chart(
            "Domestic chip capacity",
            axis,
            rows,
            [(f"chip_capacity_{b}", b, c, st) for b, c, st in bc],
            key="chips",
            **kw,
        ),
        "deals": line_chart(
            "Deals by direction",
            axis,
            rows,
            [(f"deals_{a}_to_{b}", f"{a}→{b}", c, st) for a, b, c, st in dc],
            key="deals",
            **kw,
        ),
        "capital": line_chart(
            "Capital by direction",
            axis,
            rows,
            [(f"capital_{a}_to_{b}", f"{a}→{b}", c, st) for a, b, c, st in dc],
            factor=1e-9,
            key="capital",
            **kw,
        ),
        "alignment": line_chart(
            "Standards alignment by pair",
            axis,
            rows,
            [(f"alignment_{p}", p.replace("_", "–"), c, st) for p, c, st in pc],
            key="alignment",
            y_max=1,
            **kw,
        ),
        "compliance": line_chart(
            "Firms complying with each regime",
            axis,
            rows,
            [(f"compliance_share_{b}", b, c, st) for b, c, st in bc],
            key="compliance",
            y_max=1,
            **kw,
        ),
        "network": network_chart(
            blocs, last, network, {b: last.get(f"capability_{b}", 1.0) for b in blocs} if last else None
        ),
        **(below or {}),
    }
