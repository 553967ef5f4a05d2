"""Robustness of each policy across the states of the world, and which inputs matter (feature scoring).

A policy is one setting of the levers; a state of the world one row of the uncertainty sample
(averaged over the seeds the sweep ran, so seed noise is not mistaken for uncertainty). Per
policy and outcome, with the outcome's desired direction (max or min):

- `q10`, `q50`, `q90` over states of the world, and `worst_decile` (q10 of an outcome to
  maximise, q90 of one to minimise: what the policy guarantees in 9 worlds out of 10);
- regret: in each state of the world, how far the policy falls behind the best policy in that
  world (`regret_mean`, `regret_max`);
- satisficing: the share of worlds where every stated condition holds (`satisfice=`).

Feature scoring (EMA Workbench, extra-trees) ranks levers and uncertainties by how much of each
outcome's variation across runs they explain.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError

DIRECTIONS = ("max", "min")
_CONDITION = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=|>|<)\s*(-?[0-9.eE+-]+)\s*$")


def parse_objectives(text: str) -> dict[str, str]:
    """`capability_EU:max,papers_CN_EU:min` -> {outcome: direction} (direction default max)."""
    out = {}
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, _, direction = item.partition(":")
        direction = direction or "max"
        if direction not in DIRECTIONS:
            raise ConfigError("outcomes", f"'{item}' is not allowed", "COLUMN:max or COLUMN:min, comma-separated")
        out[name] = direction
    if not out:
        raise ConfigError("outcomes", "missing", "COLUMN:max or COLUMN:min, comma-separated")
    return out


def parse_conditions(text: str) -> list[tuple[str, str, float]]:
    """`capability_EU>=0.5,papers_CN_EU<300` -> [(outcome, op, value), ...]."""
    out = []
    for item in filter(None, (t.strip() for t in (text or "").split(","))):
        m = _CONDITION.match(item)
        if not m:
            raise ConfigError("satisfice", f"'{item}' is not allowed", "COLUMN>=X, COLUMN<X, ... comma-separated")
        try:
            out.append((m.group(1), m.group(2), float(m.group(3))))
        except ValueError:
            raise ConfigError("satisfice", f"'{item}' is not allowed", "a number on the right") from None
    return out


def _holds(values: pd.Series, op: str, x: float) -> pd.Series:
    return {">=": values >= x, "<=": values <= x, ">": values > x, "<": values < x}[op]


def policy_world_table(values: pd.DataFrame, levers: list[str], outcomes: list[str]) -> pd.DataFrame:
    """One row per policy (lever setting) and state of the world (sample_row): outcomes averaged over seeds."""
    keys = levers + ["sample_row"]
    return values.groupby(keys, sort=True, dropna=False)[outcomes].mean().reset_index()


def robustness(table: pd.DataFrame, levers: list[str], objectives: dict[str, str]) -> pd.DataFrame:
    """Per policy and outcome: quantiles over worlds, worst decile, regret against each world's best policy."""
    frames = []
    by_policy = levers or None
    for outcome, direction in objectives.items():
        sign = 1.0 if direction == "max" else -1.0
        best = table.groupby("sample_row")[outcome].transform("max" if direction == "max" else "min")
        regret = sign * (best - table[outcome]) + 0.0  # >= 0: how far behind the world's best policy (no -0)
        t = table.assign(_regret=regret)
        g = t.groupby(by_policy, sort=True, dropna=False) if by_policy else t.groupby(lambda _: 0)
        stats = pd.DataFrame(
            {
                "worlds": g[outcome].count(),
                "mean": g[outcome].mean(),
                "q10": g[outcome].quantile(0.10),
                "q50": g[outcome].quantile(0.50),
                "q90": g[outcome].quantile(0.90),
                "regret_mean": g["_regret"].mean(),
                "regret_max": g["_regret"].max(),
            }
        )
        stats["worst_decile"] = stats["q10"] if direction == "max" else stats["q90"]
        stats.insert(0, "direction", direction)
        stats.insert(0, "outcome", outcome)
        frames.append(stats.reset_index(drop=not by_policy))
    return pd.concat(frames, ignore_index=True)


def satisficing(table: pd.DataFrame, levers: list[str], conditions: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Per policy: the share of worlds where each condition holds, and where all hold."""
    holds = pd.DataFrame(index=table.index)
    for outcome, op, x in conditions:
        holds[f"{outcome}{op}{x:g}"] = _holds(table[outcome], op, x)
    holds["all"] = holds.all(axis=1)
    holds = pd.concat([table[levers], holds.astype(float)], axis=1)
    shares = holds.groupby(levers, sort=True, dropna=False).mean() if levers else holds.mean().to_frame().T
    return shares.reset_index(drop=not levers)


def feature_scores(x: pd.DataFrame, y: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """EMA Workbench's extra-trees feature scores: rows inputs, columns outcomes (each column sums to 1)."""
    import logging
    import warnings

    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring

        state = np.random.get_state()
        np.random.seed(seed)  # the extra-trees draw from numpy's global generator: reproducible from the seed
        try:
            numeric = x.apply(
                lambda c: c.astype(float) if pd.api.types.is_numeric_dtype(c) else c.astype("category").cat.codes
            )
            scores = feature_scoring.get_feature_scores_all(numeric, {c: y[c].to_numpy() for c in y})
        finally:
            np.random.set_state(state)
    return scores


def experiments(values: pd.DataFrame, levers: list[str], uncertainties: list[str], outcomes: list[str]) -> pd.DataFrame:
    """One row per run, columns named by role: `lever:<key>`, `uncertainty:<key>`, `outcome:<column>`
    (EMA's experiments and outcomes side by side)."""
    parts = {"run_id": values["run_id"], "seed": values["seed"], "sample_row": values["sample_row"]}
    parts.update({f"lever:{k}": values[k] for k in levers})
    parts.update({f"uncertainty:{k}": values[k] for k in uncertainties})
    parts.update({f"outcome:{o}": values[o] for o in outcomes})
    return pd.DataFrame(parts)


def scores_plot(scores: pd.DataFrame, roles: dict[str, str], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic import save_figure

    labels = [f"{'L' if roles.get(k) == 'lever' else 'U'}  {k.removeprefix('policies.').removeprefix('params.')}"
              for k in scores.index]  # fmt: skip
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * scores.shape[1], 1.2 + 0.4 * len(scores)))
    im = ax.imshow(scores.to_numpy(), cmap="viridis", aspect="auto", vmin=0)
    ax.set_xticks(range(scores.shape[1]), scores.columns, rotation=30, ha="right")
    ax.set_yticks(range(len(scores)), labels)
    for (i, j), v in np.ndenumerate(scores.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="white" if v < 0.5 * scores.to_numpy().max() else "k")
    ax.set_title("Feature scores (extra trees); L = lever, U = uncertainty")
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    path = save_figure(fig, out / "feature_scores.png", dpi=110)
    plt.close(fig)
    return path
