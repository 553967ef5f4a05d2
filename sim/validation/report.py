"""Aggregate target values over seeds and write report.md, targets.csv and the plots."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..atomic import save_figure, write_text
from .seen import default_seen
from .targets import COUNTED, GROUPS, TARGETS


def _fmt(v: float) -> str:
    if v != v:
        return "nan"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _status(part, med: dict, factor: float) -> tuple[str, bool]:
    """(status, in band) of one part on the seeds' medians."""
    if part.not_computed:
        return f"not computed: {part.not_computed}", False
    if not part.scored_at(factor):
        return "not scored at this scale (realistic only)", False
    if part.kind == "outside" and part.value and not np.isfinite(med.get(part.value, np.nan)):
        return "not computed: the runs end before its years", False  # e.g. calibrate.py's runs end in 2023
    ok = part.holds(med)
    return ("in" if ok else "out") + (f" ({part.kind})" if part.kind in ("input", "outside") else ""), ok


def summarize_targets(
    values: list[dict], factor: float = 1.0, pooled: dict | None = None, seen: dict | None = None
) -> list[dict]:
    """One row per target part: medians and 10-90% over seeds of the target's values, judged on the medians.

    `pooled` ({target id: values} from targets.evaluate_pooled, given at small scales): a part scored at every
    scale whose target pools is judged on the value of the seeds' pooled counts instead of the median of
    per-seed ratios (`basis` says which). `counted`: the part counts towards "in band" (an emergent or
    initial part, computed, scored at this scale); input parts are judged and shown but not counted.
    `seen` ({(id, part): what has seen it}, default: the shipped uncertainty group's, sim/validation/seen.py):
    a test part nothing has seen is `out_of_sample`.
    """
    seen = default_seen() if seen is None else seen
    rows = []
    for t in TARGETS:
        names = list(values[0][t.id])
        arr = {k: np.array([v[t.id][k] for v in values], float) for k in names}
        with warnings.catch_warnings():  # a value undefined in every seed (tiny scales) stays NaN: out of band
            warnings.simplefilter("ignore", RuntimeWarning)
            med = {k: float(np.nanmedian(a)) for k, a in arr.items()}
            lo = {k: float(np.nanpercentile(a, 10)) for k, a in arr.items()}
            hi = {k: float(np.nanpercentile(a, 90)) for k, a in arr.items()}
        for part in t.parts:
            shown = [part.compare[0], part.compare[2]] if part.compare else [part.value] if part.value else []
            shown = [k for k in shown if k in med]
            basis = "pooled" if pooled is not None and t.id in pooled and part.scale == "all" else "median"
            judged = {k: float(v) for k, v in pooled[t.id].items()} if basis == "pooled" else med
            status, ok = _status(part, judged, factor)
            rows.append(
                {
                    "id": t.id,
                    "part": part.name,
                    "fact": t.fact,
                    "source": t.source,
                    "group": part.group,
                    "kind": part.kind,
                    "scale": part.scale,
                    "years": "-".join(map(str, sorted(set(part.years)))),
                    "band": part.band_text(),
                    "status": status,
                    "in_band": ok,
                    "counted": part.kind in COUNTED and status in ("in", "out"),
                    "note": part.note,
                    "seen_by": seen.get((t.id, part.name), []),
                    "out_of_sample": part.group == "test" and not seen.get((t.id, part.name)),
                    "basis": basis,
                    "median": "; ".join(f"{k} {_fmt(judged[k])}" for k in shown),
                    "spread_10_90": "; ".join(f"{k} {_fmt(lo[k])}-{_fmt(hi[k])}" for k in shown),
                    "_value": part.value if part.value in med else None,
                    "_med": judged,
                    "_lo": lo,
                    "_hi": hi,
                }
            )
    return rows


def headline(rows) -> dict:
    """Counts for the report's first line: counted parts in band, by group; input and not-computed parts."""
    counted = [r for r in rows if r["counted"]]
    out = {"in": sum(r["in_band"] for r in counted), "of": len(counted)}
    for g in GROUPS:
        out[g] = (sum(r["in_band"] for r in counted if r["group"] == g), sum(r["group"] == g for r in counted))
    fresh = [r for r in counted if r["out_of_sample"]]
    out["out_of_sample"] = (sum(r["in_band"] for r in fresh), len(fresh))
    for kind in ("input", "outside"):
        judged = [r for r in rows if r["kind"] == kind and r["status"].startswith(("in", "out"))]
        out[kind] = (sum(r["in_band"] for r in judged), len(judged))
    out["not_computed"] = sum(r["status"].startswith("not computed") for r in rows)
    out["not_scored"] = sum(r["status"].startswith("not scored") for r in rows)
    return out


def headline_text(rows) -> str:
    h = headline(rows)
    return (
        f"{h['in']} of {h['of']} counted target parts in band (fit {h['fit'][0]}/{h['fit'][1]}, "
        f"test {h['test'][0]}/{h['test'][1]}); out of sample (test parts nothing was tuned on): "
        f"{h['out_of_sample'][0]}/{h['out_of_sample'][1]}; "
        f"input parts, not counted: {h['input'][0]}/{h['input'][1]} in band; "
        f"outside checks (not in FACTS.md), not counted: {h['outside'][0]}/{h['outside'][1]} in band; "
        f"not computed: {h['not_computed']}; realistic-only, not scored at this scale: {h['not_scored']}"
    )


def targets_frame(rows) -> pd.DataFrame:
    """targets.csv: one row per target part (the value it scores, or the two values it compares)."""
    out = []
    for r in rows:
        v = r["_value"]
        out.append(
            {
                "id": r["id"],
                "part": r["part"],
                "group": r["group"],
                "kind": r["kind"],
                "scale": r["scale"],
                "years": r["years"],
                "basis": r["basis"],
                "value": v if v else r["median"],
                "median": r["_med"][v] if v else np.nan,
                "p10": r["_lo"][v] if v else np.nan,
                "p90": r["_hi"][v] if v else np.nan,
                "band": r["band"],
                "status": r["status"],
                "in_band": r["in_band"],
                "counted": r["counted"],
                "fact": r["fact"],
                "note": r["note"],
                "seen_by": "; ".join(r["seen_by"]),
                "out_of_sample": r["out_of_sample"],
            }
        )
    return pd.DataFrame(out)


def _table(rows) -> list[str]:
    lines = [
        "| id | part | years | fact | model value | basis | 10-90% over seeds | band | kind | status | seen by |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        status = r["status"] if r["in_band"] or not r["counted"] else f"**{r['status']}**"
        kind = r["kind"] + (f" ({r['note']})" if r["note"] and r["kind"] != "emergent" else "")
        lines.append(
            f"| {r['id']} | {r['part']} | {r['years']} | {r['fact']} | {r['median']} | {r['basis']} | "
            f"{r['spread_10_90']} | {r['band']} | {kind} | {status} | {_seen_text(r)} |"
        )
    return lines


def _seen_text(r) -> str:
    if r["seen_by"]:
        return ", ".join(f"`{s}`" if " " not in s else s for s in r["seen_by"])
    return "nothing: **out of sample**" if r["group"] == "test" else "-"


def markdown(rows, directions, meta) -> str:
    lines = [
        f"# Validation report: scenario `{meta['scenario']}`",
        "",
        f"**{headline_text(rows)}** ({meta['seeds']} seeds, scale {meta['scale']} "
        f"(factor {meta['factor']}), {meta['seconds']:.0f} s).",
        "",
        *(
            ["Params overrides (not the defaults): " + ", ".join(f"`{k}={v}`" for k, v in meta["params"].items()), ""]
            if meta.get("params")
            else []
        ),
        "Targets: configs/validation_targets.yaml (from ../shared/FACTS.md). Values are medians over seeds "
        "(basis `median`) or, below realistic scale, for shares, ratios and orderings, the value of the counts "
        "pooled over seeds (basis `pooled`: a ratio of summed counts, not a median of per-seed ratios); "
        "10-90% is the spread of per-seed values. Counts are real-world-scaled (model count / scale factor). "
        "Only emergent parts (and the initial conditions C12, G1) count towards in band; input parts "
        "(fixed by configuration, no agent decision in between) are judged but not counted, and so are "
        "outside checks (ids X1, ...: published facts not in FACTS.md, never tuned on). "
        "Fit parts are dated up to 2020, test parts 2021-2023. A test part is **out of sample** only if nothing "
        "has seen it: `seen by` names the uncertainty entries tuned on it (configs/uncertainties/default.yaml, "
        "`tuned_on`) and any other choice made while looking at it (the targets file's `seen`); "
        "docs/CALIBRATION.md tells each story.",
        "",
    ]
    for group, title in (("fit", "Fit parts (up to 2020)"), ("test", "Test parts (2021-2023)")):
        lines += [f"## {title}", "", *_table([r for r in rows if r["group"] == group]), ""]
    if directions:
        lines += [
            "## Directions (paired runs: same seed, one lever changed at policies.start, or the direction's own pair)",
            "",
            f"**{directions_text(directions)}** (holds: right sign in >= 80% of seeds). A check marked reported "
            "only waits for the named issue's mechanisms: shown, not counted, not a test.",
            "",
            "| lever | check | source | seeds with right sign | holds |",
            "|---|---|---|---|---|",
        ]
        for d in directions:
            holds = "holds" if d["holds"] else "**fails**"
            if d.get("reported_only"):
                holds = ("holds" if d["holds"] else "fails") + f" (reported only until {d['expected_to_fail_until']})"
            source = d.get("source", "")
            lines.append(f"| {d['direction']} | {d['check']} | {source} | {d['seeds_holding']} | {holds} |")
    else:
        lines += ["## Directions", "", "Not checked (scenario ends before 2030 or `directions=false`)."]
    lines += ["", "Plots: `fans.png` (one panel per time-series target), `overview.png`.", ""]
    return "\n".join(lines)


def directions_text(directions) -> str:
    """'N of M direction checks hold', reported-only checks named apart."""
    checked = [d for d in directions if not d.get("reported_only")]
    text = f"{sum(d['holds'] for d in checked)} of {len(checked)} direction checks hold"
    extra = [d for d in directions if d.get("reported_only")]
    if extra:
        text += f"; reported only, not counted: {len(extra)} ({sum(d['holds'] for d in extra)} holding)"
    return text


def _target_status(rows) -> dict:
    """Per target id: 'in' if every counted part is in band, 'OUT' if one is not, else 'input' / 'n/a'."""
    out = {}
    for r in rows:
        prev = out.get(r["id"])
        if r["counted"]:
            now = "in" if r["in_band"] else "OUT"
            out[r["id"]] = "OUT" if "OUT" in (prev, now) else "in"
        elif prev is None:
            out[r["id"]] = r["kind"] if r["kind"] in ("input", "outside") else "n/a"
    return out


def plot_fans(series_by_seed: list[pd.DataFrame], rows, path, dpi=100):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = [t for t in TARGETS if t.series]
    ncol = 4
    nrow = -(-len(targets) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 2.8 * nrow), squeeze=False)
    status = _target_status(rows)
    for ax, t in zip(axes.ravel(), targets):
        how = "mean" if "share" in t.series else "sum"
        yearly = pd.concat([ts.groupby("year")[t.series].agg(how) for ts in series_by_seed], axis=1)
        yearly = yearly[yearly.index <= 2024]
        q = yearly.quantile([0.1, 0.5, 0.9], axis=1).T
        ax.fill_between(q.index, q[0.1], q[0.9], alpha=0.3, label="model 10-90%")
        ax.plot(q.index, q[0.5], lw=2, label="model median")
        drawn = [p for p in t.parts if p.on_series and p.band and None not in p.band]
        for k, p in enumerate(drawn):
            lo, hi = p.band
            ax.errorbar(
                [p.years[0]],
                [(lo + hi) / 2],
                yerr=[[(hi - lo) / 2]],
                fmt="s",
                color="k",
                capsize=4,
                label="band" if k == 0 else None,
            )
        ax.set_title(f"{t.id} {t.series} ({status[t.id]})", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(targets) :]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, dpi=dpi)
    plt.close(fig)


def plot_overview(rows, directions, path, dpi=100):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 8.5))
    ax.axis("off")
    h = headline(rows)
    ax.set_title(
        f"Historical validation: {h['in']} of {h['of']} counted parts in band "
        f"(fit {h['fit'][0]}/{h['fit'][1]}, test {h['test'][0]}/{h['test'][1]})",
        fontsize=13,
    )
    status = _target_status(rows)
    colour = {"in": "green", "OUT": "red", "input": "grey", "outside": "grey", "n/a": "grey"}
    for k, tid in enumerate(status):
        y = 1 - (k + 1) * 0.034
        parts = [r for r in rows if r["id"] == tid]
        text = ", ".join(f"{r['part']} {r['status'].split(':')[0]}" for r in parts)
        ax.text(0.0, y, tid, fontsize=8.5, weight="bold", transform=ax.transAxes)
        ax.text(0.06, y, status[tid], color=colour[status[tid]], fontsize=8.5, transform=ax.transAxes)
        ax.text(0.12, y, text[:130], fontsize=7, transform=ax.transAxes)
    if directions:
        ax.text(0.0, 0.0, f"Directions: {directions_text(directions)}", fontsize=11, transform=ax.transAxes)
    save_figure(fig, path, dpi=dpi)
    plt.close(fig)


def print_summary(result: dict) -> None:
    """The command's terminal output: the headline, what is out of band, what fails, where the report is."""
    rows, dirs, meta = result["rows"], result["directions"], result["meta"]
    print(f"{headline_text(rows)} ({meta['seeds']} seeds, scale {meta['scale']}, {meta['seconds']:.0f} s of runs)")
    for r in rows:
        if r["counted"] and not r["in_band"]:
            what = r["median"] if r["_value"] else f"{r['part']}: {r['median']}"
            fresh = ", out of sample" if r["out_of_sample"] else ""
            print(f"  out ({r['group']}{fresh}): {r['id']} {what}  (band: {r['band']})")
    if dirs:
        print(directions_text(dirs))
        for d in dirs:
            if not d["holds"]:
                extra = f"; reported only until {d['expected_to_fail_until']}" if d.get("reported_only") else ""
                print(f"  fails: {d['direction']}: {d['check']} ({d['seeds_holding']} seeds{extra})")
    robust = result.get("robustness")
    if robust is not None:
        from .robustness import GOAL

        ok = sum(r["meets_goal"] for r in robust)
        print(
            f"robustness: {ok} of {len(robust)} parameters keep >= {GOAL:.0%} of the emergent parts in band at +-range"
        )
        for r in robust:
            if not r["meets_goal"]:
                print(
                    f"  misses: {r['key']} low {r['low_in']}/{r['low_of']}, high {r['high_in']}/{r['high_of']}"
                    f" (pushed out: {', '.join(r['low_left'] + r['high_left']) or '-'})"
                )
    print(f"report: {result['folder'] / 'report.md'}")


__all__ = ["summarize_targets", "headline", "targets_frame", "markdown", "plot_fans", "plot_overview", "write_text"]
