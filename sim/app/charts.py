"""ECharts options for the page, built straight from the recorder's rows (one dict per quarter).

Charts are drawn in the browser, so a redraw only sends these small dicts: the x axis holds every
quarter of the scenario (the lines grow across it), the class's run is drawn solid, the unchanged
scenario (Compare) dashed, and every event is a labelled vertical marker.
"""

from __future__ import annotations

from itertools import combinations

from .. import periods

BLOC_COLORS = {"EU": "#1f5fbf", "CN": "#d0312d", "US": "#2e8b57", "UK": "#8e44ad", "JP": "#e67e22"}
PALETTE = [
    "#1f5fbf",
    "#d0312d",
    "#2e8b57",
    "#8e44ad",
    "#e67e22",
    "#16a085",
    "#7f8c8d",
    "#c71585",
    "#b8860b",
    "#2c3e50",
    "#ff69b4",
    "#4682b4",
]
FONT = 15
TOP = 116  # plot top: title, legend, then two rows of event badges
EVENT_RED, SCENARIO_GREY = "#c0392b", "#5d6d7e"
BADGE = {
    "position": "end",
    "fontSize": FONT + 3,
    "lineHeight": FONT + 5,
    "fontWeight": "bold",
    "color": "#fff",
    "backgroundColor": EVENT_RED,
    "borderRadius": 11,
    "padding": [3, 8],
}
BADGE_GAP = 4  # quarters: events closer than this share a badge


def bloc_color(code: str, k: int) -> str:
    return BLOC_COLORS.get(code, PALETTE[k % len(PALETTE)])


def pairs(blocs) -> list[str]:
    return ["_".join(p) for p in combinations(sorted(blocs), 2)]


def directions(blocs) -> list[tuple[str, str]]:
    return [(a, b) for a in blocs for b in blocs if a != b]


def _values(rows, col, factor):
    return [round(r.get(col, 0.0) * factor, 4) for r in rows]


def _badge_text(badges: list[str]) -> str:
    if len(badges) > 2 and all(b.isdigit() for b in badges):
        return f"{badges[0]}-{badges[-1]}"
    return ",".join(badges)


def _marker_lines(axis, markers) -> list[dict]:
    """A vertical line per marker; the class's events (1, 2, ...) and the scenario's own
    measures (A, B, ...) get a badge on top, lever moves none.

    The page spells the badges out, so a badge stays short enough to read on a projector.
    Badges a few quarters apart merge into one ("1-3") on the first of their lines, and a
    badge close to the previous one goes on a second row, so badges never overlap.
    """
    lines, groups = [], []  # groups: [first x, badges, line dict]
    for period, label, badge in markers:
        color = EVENT_RED if badge.isdigit() else SCENARIO_GREY if badge else "#999"
        line = {
            "xAxis": period,
            "name": f"{badge}: {label}" if badge else label,
            "label": {"show": False},
            "lineStyle": {"color": color, "type": "dashed" if badge else "dotted", "width": 2 if badge else 1},
        }
        lines.append(line)
        if badge:
            x = axis.index(period) if period in axis else 0
            if groups and x - groups[-1][0] < BADGE_GAP:
                groups[-1][1].append(badge)
            else:
                groups.append([x, [badge], line])
    last_on_row = [-10 * BADGE_GAP] * 2
    for x, badges, line in groups:
        row = 0 if x - last_on_row[0] >= 2 * BADGE_GAP or x - last_on_row[1] < 2 * BADGE_GAP else 1
        last_on_row[row] = x
        red = any(b.isdigit() for b in badges)
        line["label"] = {
            "show": True,
            "formatter": _badge_text(badges),
            "distance": 4 + 30 * row,
            "backgroundColor": EVENT_RED if red else SCENARIO_GREY,
        }
    return lines


def line_chart(title, axis, rows, series, markers=(), ref=None, factor=1.0, y_name="", y_max=None, y_min=0) -> dict:
    """series: [(column, label, color)]; ref: the comparison run's rows (dashed) or None."""
    out = []
    for col, label, color in series:
        out.append(
            {
                "name": label,
                "type": "line",
                "data": _values(rows, col, factor),
                "showSymbol": len(rows) < 3,
                "z": 3,
                "lineStyle": {"width": 3},
                "color": color,
            }
        )
        if ref is not None:
            out.append(
                {
                    "name": label,
                    "type": "line",
                    "id": f"{col}_unchanged",
                    "data": _values(ref, col, factor),
                    "showSymbol": False,
                    "lineStyle": {"width": 2, "type": "dashed", "opacity": 0.7},
                    "color": color,
                }
            )
    if out and markers:
        out[0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "animation": False,
            "label": BADGE,
            "data": _marker_lines(axis, markers),
        }
    return {
        "animation": False,
        "title": {"text": title, "left": 8, "top": 4, "textStyle": {"fontSize": FONT + 3}},
        # the unchanged run shares its colour with the class's line: one legend entry each, dashed = unchanged
        "legend": {
            "top": 34,
            "left": 8,
            "textStyle": {"fontSize": FONT - 1},
            "itemWidth": 22,
            "data": [label for _, label, _ in series],
        },
        "grid": {"left": 64, "right": 20, "top": TOP, "bottom": 32},
        "tooltip": {"trigger": "axis"},
        "xAxis": {
            "type": "category",
            "data": axis,
            "axisLabel": {"fontSize": FONT - 2, "interval": 15, "formatter": "{value}"},
            "boundaryGap": False,
        },
        "yAxis": {
            "type": "value",
            "name": y_name,
            "nameTextStyle": {"fontSize": FONT - 3},
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
    title = "Bloc ties: joint papers this quarter" if mode == "papers" else "Bloc ties: capital this quarter (EUR bn)"
    # Nodes sit on hidden value axes, so they stay round whatever the chart's width.
    return {
        "animation": False,
        "title": {"text": title, "left": 8, "top": 4, "textStyle": {"fontSize": FONT + 1}},
        "tooltip": {},
        "grid": {"top": 70, "bottom": 40, "left": 70, "right": 70},
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


def all_charts(blocs, start: int, end: int, rows, ref=None, markers=(), network="papers") -> dict[str, dict]:
    """Every chart of the page, keyed by a stable id."""
    axis = [periods.label(q) for q in range(start, end + 1)]
    bc = [(code, bloc_color(code, k)) for k, code in enumerate(blocs)]
    pc = [
        (
            p,
            PALETTE[(k + 6) % len(PALETTE)]
            if len(blocs) > 3
            else {"CN_EU": "#8e44ad", "CN_US": "#d35400", "EU_US": "#1f5fbf"}.get(p, PALETTE[k]),
        )
        for k, p in enumerate(pairs(blocs))
    ]
    dc = [(a, b, PALETTE[k % len(PALETTE)]) for k, (a, b) in enumerate(directions(blocs))]
    kw = {"markers": markers, "ref": ref}
    last = rows[-1] if rows else None
    return {
        "papers": line_chart(
            "Joint papers by bloc pair (per quarter)",
            axis,
            rows,
            [(f"papers_{p}", p.replace("_", "–"), c) for p, c in pc],
            **kw,
        ),
        "capability": line_chart(
            "AI capability", axis, rows, [(f"capability_{b}", b, c) for b, c in bc], y_min=None, **kw
        ),
        "compute": line_chart(
            "Compute access (share of demand met)",
            axis,
            rows,
            [(f"compute_access_{b}", b, c) for b, c in bc],
            y_max=1.05,
            **kw,
        ),
        "chips": line_chart(
            "Domestic chip capacity (share of demand)", axis, rows, [(f"chip_capacity_{b}", b, c) for b, c in bc], **kw
        ),
        "deals": line_chart(
            "Deals by direction (per quarter)",
            axis,
            rows,
            [(f"deals_{a}_to_{b}", f"{a}→{b}", c) for a, b, c in dc],
            **kw,
        ),
        "capital": line_chart(
            "Capital by direction (EUR bn per quarter)",
            axis,
            rows,
            [(f"capital_{a}_to_{b}", f"{a}→{b}", c) for a, b, c in dc],
            factor=1e-9,
            **kw,
        ),
        "alignment": line_chart(
            "Standards alignment by pair",
            axis,
            rows,
            [(f"alignment_{p}", p.replace("_", "–"), c) for p, c in pc],
            y_max=1,
            **kw,
        ),
        "compliance": line_chart(
            "Firms complying with each regime (share)",
            axis,
            rows,
            [(f"compliance_share_{b}", b, c) for b, c in bc],
            y_max=1,
            **kw,
        ),
        "network": network_chart(
            blocs, last, network, {b: last.get(f"capability_{b}", 1.0) for b in blocs} if last else None
        ),
    }
