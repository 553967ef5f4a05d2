"""Paired effects: per seed, the treated run minus the counterfactual run, per outcome and year.

Runs are paired on their seed and on every other setting the two sides share (a swept
`scale.factor`, say), so a grid of shared settings is compared setting by setting. Outcomes
are yearly means of the quarterly timeseries.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError

IDENTITY = ("period", "year", "quarter")
# effects.parquet, column by column, for docs and readers: (column, unit, meaning)
COLUMNS = [
    ("<setting>", "as set", "a setting both sides shared and the sweep varied (only if one did)"),
    ("outcome", "text", "the timeseries column"),
    ("year", "year", "calendar year (outcomes are yearly means)"),
    ("seeds", "runs", "seeds with both sides finished"),
    ("counterfactual", "as the outcome", "median over seeds of the counterfactual's value"),
    ("treated", "as the outcome", "median over seeds of the treated side's value"),
    ("effect", "as the outcome", "median over seeds of the paired effect (treated - counterfactual)"),
    ("q05", "as the outcome", "5th percentile of the paired effect over seeds"),
    ("q95", "as the outcome", "95th percentile of the paired effect over seeds"),
    ("mean", "as the outcome", "mean paired effect"),
    ("sign_share", "share 0-1", "share of seeds whose effect has the median's sign (zero: exactly zero)"),
]


def yearly(sweep_parquet: Path, seeds: list[int] | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Each run's yearly means (one row per run and year), the settings that pair runs, the outcomes."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(sweep_parquet)
    names = schema.names
    first_outcome = next(i for i, n in enumerate(names) if n in IDENTITY)
    params = [n for n in names[:first_outcome] if n not in ("run_id",)]
    outcomes = [
        n for n in names[first_outcome:] if n not in IDENTITY and str(schema.field(n).type) in ("double", "float")
    ]
    table = pd.read_parquet(sweep_parquet, columns=params + ["year"] + outcomes)
    if seeds is not None:
        table = table[table["seed"].isin(seeds)]
    keys = [p for p in params if p not in ("scenario",)]  # side and seed identify a run with the settings
    means = table.groupby(keys + ["year"], dropna=False, sort=True)[outcomes].mean().reset_index()
    pairing = [k for k in keys if k not in ("side", "seed") and means[k].nunique(dropna=False) > 1]
    return means, pairing, outcomes


def paired(means: pd.DataFrame, pairing: list[str], outcomes: list[str]) -> pd.DataFrame:
    """One row per setting, seed, year and outcome: counterfactual, treated and their difference."""
    index = pairing + ["seed", "year"]
    treated = means[means["side"] == "treated"].set_index(index)[outcomes]
    counter = means[means["side"] == "counterfactual"].set_index(index)[outcomes]
    both = treated.index.intersection(counter.index)
    treated, counter = treated.loc[both], counter.loc[both]
    long = pd.DataFrame(
        {
            "counterfactual": counter.stack(future_stack=True),
            "treated": treated.stack(future_stack=True),
        }
    )
    long.index = long.index.set_names(index + ["outcome"])
    long["effect"] = long["treated"] - long["counterfactual"]
    return long.reset_index()


def summarise(pairs: pd.DataFrame, pairing: list[str]) -> pd.DataFrame:
    """Per setting, outcome and year: medians, the 90% interval of the effect and the sign's share.

    Vectorised over groups (a realistic run has hundreds of outcomes × years): no Python per group.
    """
    keys = pairing + ["outcome", "year"]
    groups = pairs.groupby(keys, sort=True, dropna=False)
    effect = groups["effect"]
    median = effect.transform("median")
    # NaN where the effect is: those seeds do not count towards the share
    same_sign = (np.sign(pairs["effect"]) == np.sign(median)).astype(float).where(pairs["effect"].notna())
    table = pd.DataFrame(
        {
            "seeds": effect.count(),
            "counterfactual": groups["counterfactual"].median(),
            "treated": groups["treated"].median(),
            "effect": effect.median(),
            "q05": effect.quantile(0.05),
            "q95": effect.quantile(0.95),
            "mean": effect.mean(),
            "sign_share": same_sign.groupby([pairs[k] for k in keys], sort=True, dropna=False).mean(),
        }
    )
    table = table.reset_index()
    table["year"] = table["year"].astype(int)
    return table


def over_window(pairs: pd.DataFrame, pairing: list[str], window: tuple[int, int]) -> pd.DataFrame:
    """As `summarise`, of each seed's paired values averaged over the years of `window`; `year` is
    the window's last year and `window` says which years."""
    first, last = window
    inside = pairs[pairs["year"].between(first, last)]
    keys = pairing + ["seed", "outcome"]
    means = inside.groupby(keys, sort=True, dropna=False)[["counterfactual", "treated", "effect"]].mean().reset_index()
    means["year"] = last
    table = summarise(means, pairing)
    table.insert(table.columns.get_loc("year") + 1, "window", f"{first}-{last}")
    return table


def headline(effects: pd.DataFrame, outcomes: list[str], year: int) -> pd.DataFrame:
    """The key outcomes in one year, in the order given."""
    rows = effects[(effects["year"] == year) & effects["outcome"].isin(outcomes)].copy()
    rows["outcome"] = pd.Categorical(rows["outcome"], outcomes, ordered=True)
    return rows.sort_values([*(c for c in rows.columns if c not in COLUMN_NAMES), "outcome"]).reset_index(drop=True)


COLUMN_NAMES = {c for c, _, _ in COLUMNS} | {"window"}


def check_outcomes(outcomes: list[str], available: list[str]) -> None:
    missing = [o for o in outcomes if o not in available]
    if missing:
        raise ConfigError("outcomes", f"no column '{missing[0]}' in these runs", "outcome columns of timeseries")
