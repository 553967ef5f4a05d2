"""Pictures of a sweep: fan charts over time, end-of-run distributions, event probabilities."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..atomic import save_figure  # noqa: E402


def _tight(fig) -> None:
    """Fit the labels once, then drop the layout engine: with one set, savefig would draw the figure twice."""
    fig.tight_layout()
    fig.set_layout_engine(None)


def varying(frame: pd.DataFrame, settings: list[str]) -> list[str]:
    """The setting columns that take more than one value (the ones worth naming in a legend)."""
    return [c for c in settings if frame[c].nunique(dropna=False) > 1]


def _label(key, names) -> str:
    key = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{n.rsplit('.', 1)[-1]}={v}" for n, v in zip(names, key)) or "all runs"


def _groups(frame, names):
    return frame.groupby(names, dropna=False, sort=True) if names else [((), frame)]


def fan_charts(summary: pd.DataFrame, settings: list[str], outcomes: list[str], out: Path, dpi=110) -> list[Path]:
    """One figure per outcome: median line, 25-75 and 5-95 bands of every setting over time."""
    names, paths = varying(summary, settings), []
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for outcome in outcomes:
        data = summary[summary["outcome"] == outcome]
        if data.empty:
            continue
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for i, (key, group) in enumerate(_groups(data, names)):
            group = group.sort_values("period")
            x = group["year"] + (group["period"].str[-1].astype(int) - 1) / 4
            c = colors[i % len(colors)]
            if "q05" in group and "q95" in group:
                ax.fill_between(x, group["q05"], group["q95"], color=c, alpha=0.15, lw=0)
            if "q25" in group and "q75" in group:
                ax.fill_between(x, group["q25"], group["q75"], color=c, alpha=0.3, lw=0)
            ax.plot(x, group["q50"] if "q50" in group else group["mean"], color=c, lw=1.6, label=_label(key, names))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"{outcome}: median, 25–75% and 5–95% of runs")
        ax.set_xlabel("year")
        ax.legend(fontsize=8, loc="best")
        _tight(fig)
        paths.append(save_figure(fig, out / f"fan_{outcome}.png", dpi=dpi))
        plt.close(fig)
    return paths


def distributions(runs: pd.DataFrame, settings: list[str], outcomes: list[str], out: Path, dpi=110) -> list[Path]:
    """One figure per outcome: the end-of-run values (last year's mean) of every run, per setting."""
    names, paths = varying(runs, settings), []
    for outcome in outcomes:
        if outcome not in runs:
            continue
        groups = [(_label(k, names), g[outcome].dropna().to_numpy()) for k, g in _groups(runs, names)]
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(groups) + 2), 4.5))
        ax.boxplot([v for _, v in groups], showfliers=False)
        for i, (_, v) in enumerate(groups, start=1):
            jitter = (pd.Series(range(len(v))) % 7 - 3) * 0.03
            ax.scatter(i + jitter, v, s=8, alpha=0.5, color="C0")
        ax.set_xticks(range(1, len(groups) + 1), [lbl for lbl, _ in groups], rotation=30, ha="right", fontsize=8)
        ax.set_title(f"{outcome} at the end of the run (last year's mean), one dot per run")
        _tight(fig)
        paths.append(save_figure(fig, out / f"dist_{outcome}.png", dpi=dpi))
        plt.close(fig)
    return paths


def event_chart(events: pd.DataFrame, settings: list[str], out: Path, dpi=110) -> Path | None:
    """Probability of each event per setting, with 95% intervals."""
    if events.empty:
        return None
    names = varying(events, settings)
    labels = list(dict.fromkeys(events["label"]))
    groups = list(_groups(events, names))
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.5 * len(labels) * max(1, len(groups)) ** 0.5 + 1))
    height = 0.8 / max(1, len(groups))
    for i, (key, group) in enumerate(groups):
        group = group.set_index("label").reindex(labels)
        y = [j + i * height for j in range(len(labels))]
        err = [
            (group["probability"] - group["ci_low"]).clip(lower=0),  # rounding can leave -1e-17
            (group["ci_high"] - group["probability"]).clip(lower=0),
        ]
        ax.barh(y, group["probability"], height=height, xerr=err, capsize=2, label=_label(key, names))
    ax.set_yticks([j + 0.4 - height / 2 for j in range(len(labels))], labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability over seeds (95% Wilson interval)")
    ax.legend(fontsize=7, loc="lower right")
    _tight(fig)
    path = save_figure(fig, out / "events.png", dpi=dpi)
    plt.close(fig)
    return path
