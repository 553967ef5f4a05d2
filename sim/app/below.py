"""Below bloc level: flows between blocs (capital from deals; researcher moves where the run records
them) and the top institutions' cross-bloc research ties, like the MERICS and ReConnect "top
institutions" figures. Built from the recorder's rows and the model's live research network
(`model.network`, sim/state.py ResearchNetwork), so both update with every step.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .charts import FONT, bloc_color, directions

TOP_INSTITUTIONS = 12  # readable on a projector: more nodes turn the ring into a blur
_MOBILITY = re.compile(r"^mobility_([A-Z]+)_to_([A-Z]+)$")


def _title(text: str, sub: str = "") -> dict:
    return {
        "text": text,
        "subtext": sub,
        "left": 8,
        "top": 3,
        "itemGap": 5,
        "textStyle": {"fontSize": FONT + 1},
        "subtextStyle": {"fontSize": FONT - 3, "color": "#444", "width": 560, "overflow": "truncate"},
    }


def flows(blocs, rows) -> dict[str, dict[tuple[str, str], float]]:
    """Cumulative flows by direction since the run began: capital (EUR bn) and, if the run records
    researcher moves (`mobility_<A>_to_<B>` columns), researchers."""
    out = {
        "capital": {(a, b): sum(r.get(f"capital_{a}_to_{b}", 0.0) for r in rows) / 1e9 for a, b in directions(blocs)}
    }
    moves = sorted({m.groups() for m in map(_MOBILITY.match, rows[-1] if rows else ()) if m})
    if moves:
        out["researchers"] = {(a, b): sum(r.get(f"mobility_{a}_to_{b}", 0.0) for r in rows) for a, b in moves}
    return out


def flows_chart(blocs, rows) -> dict:
    """Sankey diagrams: where each bloc's capital (and researchers) went, summed since the run began."""
    kinds = flows(blocs, rows)
    names = {"capital": "capital, EUR bn", "researchers": "researchers who moved, scaled"}
    width = 100 / len(kinds)
    series = []
    for k, (kind, by_dir) in enumerate(kinds.items()):
        used = sorted({x for pair, v in by_dir.items() if v > 0 for x in pair})
        series.append(
            {
                "type": "sankey",
                "name": names[kind],
                "left": f"{k * width + 2}%",
                "width": f"{width - 12}%",
                "top": 84,
                "bottom": 12,
                "nodeWidth": 14,
                "nodeGap": 10,
                "layoutIterations": 0,  # keep the blocs' order: the chart must not reshuffle between steps
                "label": {"fontSize": FONT - 1},
                "data": [
                    {"name": f"{b} ▸" if side == 0 else f"▸ {b}", "itemStyle": {"color": bloc_color(b, blocs.index(b))}}
                    for side in (0, 1)
                    for b in used
                ],
                "links": [
                    {"source": f"{a} ▸", "target": f"▸ {b}", "value": round(v, 3 if kind == "capital" else 1)}
                    for (a, b), v in by_dir.items()
                    if v > 0
                ],
                "lineStyle": {"color": "source", "opacity": 0.45},
                "emphasis": {"focus": "adjacency"},
            }
        )
    heads = [
        {
            "type": "text",
            "left": f"{k * width + 2}%",
            "top": 62,
            "style": {"text": f"{names[kind]} (from ▸ to)", "fontSize": FONT - 2, "fontWeight": "bold", "fill": "#333"},
        }
        for k, kind in enumerate(kinds)
    ]
    sub = "summed since the run began" + ("" if "researchers" in kinds else "; this run records no researcher moves")
    return {
        "animation": False,
        "title": _title("Flows between blocs", sub),
        "tooltip": {"trigger": "item"},
        "graphic": heads,
        "series": series,
    }


def top_institutions(model, n: int = TOP_INSTITUTIONS) -> dict:
    """The `n` research institutions with the most live cross-bloc ties: each one's ties per partner
    bloc and the ties among them."""
    net = model.network
    au, ties = net.authors, net.ties
    nb = model.n_blocs
    degree = ties.degree.reshape(-1, nb)[: au.n_inst]  # [institution, bloc] live ties with that bloc
    foreign = degree.sum(axis=1) - degree[np.arange(au.n_inst), au.bloc[: au.n_inst]]
    top = np.argsort(-foreign, kind="stable")[:n]
    top = top[foreign[top] > 0]
    both = np.isin(ties.a, top) & np.isin(ties.b, top)
    among: dict[tuple[int, int], int] = {}
    for a, b in zip(ties.a[both].tolist(), ties.b[both].tolist()):
        key = (min(a, b), max(a, b))
        among[key] = among.get(key, 0) + 1
    return {"top": top, "foreign": foreign[top], "degree": degree[top], "among": among}


def institutions_chart(model) -> dict:
    """Bloc hubs in the middle, the top institutions on a ring around them; edge width = live ties."""
    blocs = model.blocs
    data = top_institutions(model)
    inst = model.inst
    nodes, links = [], []
    for k, code in enumerate(blocs):  # the blocs as hubs, on a small inner circle
        angle = math.pi / 2 + 2 * math.pi * k / len(blocs)
        nodes.append(
            {
                "name": code,
                "value": [round(0.35 * math.cos(angle), 4), round(0.35 * math.sin(angle), 4)],
                "symbolSize": 34,
                "itemStyle": {"color": bloc_color(code, k)},
                "label": {"show": True, "fontSize": FONT, "color": "#fff", "fontWeight": "bold", "position": "inside"},
            }
        )
    top = data["top"]
    most = float(max(data["foreign"].max(initial=1), 1))
    for k, (row, foreign, degree) in enumerate(zip(top.tolist(), data["foreign"], data["degree"])):
        angle = math.pi / 2 + 2 * math.pi * k / max(len(top), 1)
        home = blocs[int(inst.bloc[row])]
        name = str(inst.label[row])
        nodes.append(
            {
                "name": name,
                "value": [round(math.cos(angle), 4), round(math.sin(angle), 4), int(foreign)],
                "symbolSize": 10 + 22 * float(foreign) / most,
                "itemStyle": {"color": bloc_color(home, blocs.index(home))},
                "label": {"show": True, "fontSize": FONT - 3, "position": "right" if math.cos(angle) >= 0 else "left"},
            }
        )
        for j, code in enumerate(blocs):
            if code != home and degree[j] > 0:
                links.append(
                    {
                        "source": name,
                        "target": code,
                        "value": int(degree[j]),
                        "lineStyle": {
                            "width": 0.5 + 5 * float(degree[j]) / most,
                            "color": bloc_color(code, j),
                            "opacity": 0.5,
                        },
                    }
                )
    label = {int(r): str(inst.label[r]) for r in top}
    for (a, b), count in data["among"].items():
        links.append(
            {
                "source": label[a],
                "target": label[b],
                "value": count,
                "lineStyle": {"width": 1 + count, "color": "#111", "type": "dashed"},
            }
        )
    return {
        "animation": False,
        "title": _title(
            f"Top {len(top)} institutions' cross-bloc ties",
            "node: institution (country, rank by size there; its bloc's colour), size = live ties abroad; "
            "edge to a bloc = ties with it; dashed = ties between them",
        ),
        "tooltip": {"trigger": "item"},
        # nodes on hidden value axes (as the bloc network): they stay round whatever the chart's width
        "grid": {"top": 84, "bottom": 18, "left": 110, "right": 110},
        "xAxis": {"type": "value", "min": -1.1, "max": 1.1, "show": False},
        "yAxis": {"type": "value", "min": -1.1, "max": 1.1, "show": False},
        "series": [
            {
                "type": "graph",
                "coordinateSystem": "cartesian2d",
                "data": nodes,
                "links": links,
                "roam": False,
                "edgeSymbol": ["none", "none"],
            }
        ],
    }


def below_charts(model, rows) -> dict[str, dict]:
    return {"flows": flows_chart(list(model.blocs), rows), "institutions": institutions_chart(model)}
