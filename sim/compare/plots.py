"""Fan charts of a paired effect over time, and one seed's run plots with its counterfactual dashed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..atomic import save_figure


def effect_fans(effects: pd.DataFrame, pairing: list[str], outcomes: list[str], out: Path, title: str) -> list[Path]:
    """plots/effect_<outcome>.png: the median effect with its 5-95% band over seeds, per setting."""
    paths = []
    for outcome in outcomes:
        data = effects[effects["outcome"] == outcome]
        if data.empty:
            continue
        fig = Figure(figsize=(8, 4.5))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        groups = data.groupby(pairing, sort=True) if pairing else [((), data)]
        for key, group in groups:
            key = key if isinstance(key, tuple) else (key,)
            name = ", ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in zip(pairing, key)) or "median effect"
            group = group.sort_values("year")
            (line,) = ax.plot(group["year"], group["effect"], lw=1.8, label=name)
            ax.fill_between(group["year"], group["q05"], group["q95"], color=line.get_color(), alpha=0.2, lw=0)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        seeds = int(data["seeds"].max())
        ax.set_title(f"{outcome}: {title}\nmedian paired effect and 5–95% over {seeds} seeds", fontsize=10, loc="left")
        ax.set_xlabel("year")
        ax.set_ylabel("treated − counterfactual")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        paths.append(save_figure(fig, out / f"effect_{outcome}.png", dpi=110))
    return paths


def seed_story(treated_dir: Path, counterfactual_dir: Path, scenario, out: Path, title: str) -> list[Path]:
    """One seed's run plots: the treated run solid with its measures marked, the counterfactual dashed."""
    from ..plots import Story, dated_measures, write_all

    treated = pd.read_parquet(treated_dir / "timeseries.parquet")
    counter = pd.read_parquet(counterfactual_dir / "timeseries.parquet")
    story = Story(dated_measures(scenario), counter, "counterfactual (dashed)")
    return write_all(treated, scenario.blocs, out, title, story=story)
