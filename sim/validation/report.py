"""Aggregate target values over seeds and write report.md, targets.csv and the plots."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..atomic import save_figure, write_text
from .targets import BY_ID, TARGETS


def _fmt(v: float) -> str:
    if v != v:
        return "nan"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def summarize_targets(values: list[dict]) -> list[dict]:
    """One row per target: per value name the median and 10-90% over seeds; in band judged on medians."""
    rows = []
    for t in TARGETS:
        names = list(values[0][t.id])
        arr = {k: np.array([v[t.id][k] for v in values], float) for k in names}
        with warnings.catch_warnings():  # a value undefined in every seed (tiny scales) stays NaN: out of band
            warnings.simplefilter("ignore", RuntimeWarning)
            med = {k: float(np.nanmedian(a)) for k, a in arr.items()}
            lo = {k: float(np.nanpercentile(a, 10)) for k, a in arr.items()}
            hi = {k: float(np.nanpercentile(a, 90)) for k, a in arr.items()}
        try:
            ok = bool(t.check(med))
        except (KeyError, ZeroDivisionError, TypeError):
            ok = False
        rows.append(
            {
                "id": t.id,
                "fact": t.fact,
                "band": t.band,
                "in_band": ok,
                "median": "; ".join(f"{k} {_fmt(v)}" for k, v in med.items()),
                "spread_10_90": "; ".join(f"{k} {_fmt(lo[k])}-{_fmt(hi[k])}" for k in names),
                "_med": med,
                "_lo": lo,
                "_hi": hi,
            }
        )
    return rows


def targets_frame(rows) -> pd.DataFrame:
    out = []
    for r in rows:
        for k in r["_med"]:
            out.append(
                {
                    "id": r["id"],
                    "value": k,
                    "median": r["_med"][k],
                    "p10": r["_lo"][k],
                    "p90": r["_hi"][k],
                    "band": r["band"],
                    "in_band": r["in_band"],
                    "fact": r["fact"],
                }
            )
    return pd.DataFrame(out)


def markdown(rows, directions, meta) -> str:
    n_in = sum(r["in_band"] for r in rows)
    lines = [
        f"# Validation report: scenario `{meta['scenario']}`",
        "",
        f"**{n_in} of {len(rows)} targets in band** ({meta['seeds']} seeds, scale {meta['scale']} "
        f"(factor {meta['factor']}), {meta['seconds']:.0f} s).",
        "",
        "Targets: ../shared/FACTS.md. Values are medians over seeds; 10-90% is the spread over seeds. "
        "Counts are real-world-scaled (model count / scale factor).",
        "",
        "| id | fact | model median | 10-90% | band | in band |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['id']} | {r['fact']} | {r['median']} | {r['spread_10_90']} | {r['band']} | "
            f"{'in' if r['in_band'] else '**out**'} |"
        )
    lines += [""]
    if directions:
        n_ok = sum(d["holds"] for d in directions)
        lines += [
            "## Directions (paired runs: same seed, one lever changed at policies.start)",
            "",
            f"**{n_ok} of {len(directions)} direction checks hold** (holds: right sign in >= 80% of seeds).",
            "",
            "| lever | check | seeds with right sign | holds |",
            "|---|---|---|---|",
        ]
        for d in directions:
            lines.append(
                f"| {d['direction']} | {d['check']} | {d['seeds_holding']} | {'holds' if d['holds'] else '**fails**'} |"
            )
    else:
        lines += ["## Directions", "", "Not checked (scenario ends before 2030 or `directions=false`)."]
    lines += ["", "Plots: `fans.png` (one panel per time-series target), `overview.png`.", ""]
    return "\n".join(lines)


def plot_fans(series_by_seed: list[pd.DataFrame], rows, path, dpi=100):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = [t for t in TARGETS if t.series]
    ncol = 4
    nrow = -(-len(targets) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 2.8 * nrow), squeeze=False)
    status = {r["id"]: r["in_band"] for r in rows}
    for ax, t in zip(axes.ravel(), targets):
        how = "mean" if "share" in t.series else "sum"
        yearly = pd.concat([ts.groupby("year")[t.series].agg(how) for ts in series_by_seed], axis=1)
        yearly = yearly[yearly.index <= 2024]
        q = yearly.quantile([0.1, 0.5, 0.9], axis=1).T
        ax.fill_between(q.index, q[0.1], q[0.9], alpha=0.3, label="model 10-90%")
        ax.plot(q.index, q[0.5], lw=2, label="model median")
        for year, (lo, hi) in t.bands.items():
            ax.errorbar(
                [year],
                [(lo + hi) / 2],
                yerr=[[(hi - lo) / 2]],
                fmt="s",
                color="k",
                capsize=4,
                label="band" if year == min(t.bands) else None,
            )
        ax.set_title(f"{t.id} {t.series} ({'in' if status[t.id] else 'OUT'})", fontsize=9)
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
    n_in = sum(r["in_band"] for r in rows)
    ax.set_title(f"Historical validation: {n_in} of {len(rows)} targets in band", fontsize=14)
    for k, r in enumerate(rows):
        y = 1 - (k + 1) * 0.042
        ax.text(0.0, y, r["id"], fontsize=9, weight="bold", transform=ax.transAxes)
        ax.text(
            0.06,
            y,
            "in" if r["in_band"] else "OUT",
            color="green" if r["in_band"] else "red",
            fontsize=9,
            transform=ax.transAxes,
        )
        ax.text(0.11, y, f"{r['median'][:70]}  |  band {r['band'][:45]}", fontsize=7.5, transform=ax.transAxes)
    if directions:
        n_ok = sum(d["holds"] for d in directions)
        ax.text(0.0, 0.0, f"Directions: {n_ok} of {len(directions)} checks hold", fontsize=11, transform=ax.transAxes)
    save_figure(fig, path, dpi=dpi)
    plt.close(fig)


def print_summary(result: dict) -> None:
    """The command's terminal output: the headline, what is out of band, what fails, where the report is."""
    rows, dirs, meta = result["rows"], result["directions"], result["meta"]
    n_in = sum(r["in_band"] for r in rows)
    print(
        f"{n_in} of {len(rows)} targets in band ({meta['seeds']} seeds, scale {meta['scale']}, "
        f"{meta['seconds']:.0f} s of runs)"
    )
    for r in rows:
        if not r["in_band"]:
            print(f"  out: {r['id']} {r['median']}  (band: {r['band']})")
    if dirs:
        print(f"{sum(d['holds'] for d in dirs)} of {len(dirs)} direction checks hold")
        for d in dirs:
            if not d["holds"]:
                print(f"  fails: {d['direction']}: {d['check']} ({d['seeds_holding']} seeds)")
    print(f"report: {result['folder'] / 'report.md'}")


__all__ = ["summarize_targets", "targets_frame", "markdown", "plot_fans", "plot_overview", "BY_ID", "write_text"]
