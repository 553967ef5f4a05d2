"""Sobol indices per policy: which uncertainty drives each outcome under each lever setting.

A Sobol robustness sweep runs the same Saltelli design of states of the world for every policy,
so each policy's runs, in sample order and averaged over seeds, are a complete design that SALib
decomposes on its own (sim.analyze.sensitivity's `sobol_indices`). Pooling the policies would mix
the levers' effect into the uncertainties' variance; per policy, ST says how much of that
policy's outcome variance an uncertainty explains, alone or with the others.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError

COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")


def policy_label(setting: dict) -> str:
    """`stringency=0.2, screening=0.4` (the lever keys without `policies.`), or `all runs` without levers."""
    return ", ".join(f"{k.removeprefix('policies.')}={v}" for k, v in setting.items()) or "all runs"


def per_policy(values: pd.DataFrame, problem: dict, levers: list[str], outcomes: list[str]) -> pd.DataFrame:
    """One row per policy × outcome × uncertainty: S1, S1_conf, ST, ST_conf and the rank by ST.

    `values` holds one row per run (run_values: levers, sample_row, outcomes); `problem` is the
    sweep's problem.json (a Sobol design of `n × (k + 2)` rows, first-order and total indices only)."""
    from ..analyze.sensitivity import in_sample_order, sobol_indices

    if problem.get("sampler") != "sobol":
        raise ConfigError("sampler", f"a {problem.get('sampler')} sample has no Sobol indices", "sampler=sobol")
    rows = problem["n"] * (problem["num_vars"] + 2)
    groups = values.groupby(levers, sort=True, dropna=False) if levers else [((), values)]
    frames = []
    for key, runs in groups:
        setting = dict(zip(levers, key if isinstance(key, tuple) else (key,)))
        for outcome in outcomes:
            try:
                y = in_sample_order(runs, outcome, rows)
            except ConfigError as err:
                raise ConfigError(err.key, f"{policy_label(setting)}: {err.problem}", err.allowed) from None
            si = sobol_indices(problem, y, problem["sample_seed"])
            table = pd.DataFrame({"outcome": outcome, "uncertainty": problem["names"], **si})
            table["rank"] = table["ST"].rank(ascending=False, method="first").astype(int)
            for lever, value in reversed(setting.items()):
                table.insert(0, lever, value)
            table.insert(len(setting), "policy", policy_label(setting))
            frames.append(table.sort_values("rank", kind="stable"))
    return pd.concat(frames, ignore_index=True)


def over_time(values_by_year: dict[int, pd.DataFrame], problem: dict, levers: list[str], outcomes: list[str]):
    """`per_policy` for each year (one block of rows per year, a `year` column first): how the
    uncertainties' shares of each policy's outcome variance change as the run goes on (issue 18:
    an outcome that saturates by 2031 has all its variance, and its drivers, earlier)."""
    frames = []
    for year, values in sorted(values_by_year.items()):
        table = per_policy(values, problem, levers, outcomes)
        table.insert(0, "year", int(year))
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def plot_over_time(table: pd.DataFrame, out: Path, k: int = 4) -> list[Path]:
    """Per outcome, `plots/sobol_over_time_<outcome>.png`: one panel per policy, ST of the `k`
    uncertainties with the largest mean ST over the years (over all policies), year by year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic import save_figure

    paths = []
    for outcome, t in table.groupby("outcome", sort=False):
        policies = list(dict.fromkeys(t["policy"]))
        names = list(t.groupby("uncertainty")["ST"].mean().sort_values(ascending=False, kind="stable").index[:k])
        cols = min(len(policies), 2)
        rows = -(-len(policies) // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.0 * rows), squeeze=False, sharey=True)
        for ax, policy in zip(axes.flat, policies):
            p = t[t["policy"] == policy]
            for name in names:
                line = p[p["uncertainty"] == name].sort_values("year")
                ax.plot(line["year"], line["ST"], marker="o", ms=3, label=name.removeprefix("params."))
                lo = (line["ST"] - line["ST_conf"]).clip(lower=0)
                ax.fill_between(line["year"], lo, line["ST"] + line["ST_conf"], alpha=0.15)
            ax.set_title(policy, fontsize=9)
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(policies) :]:
            ax.set_visible(False)
        axes[0][0].set_ylabel("total-order index ST")
        axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.suptitle(f"{outcome}: Sobol ST by year, per policy (95% intervals)", fontsize=10)
        fig.tight_layout()
        paths.append(save_figure(fig, out / f"sobol_over_time_{outcome}.png", dpi=110))
        plt.close(fig)
    return paths


def top(table: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """The `k` uncertainties with the largest ST per policy and outcome, ST with its 95% interval."""
    best = table[table["rank"] <= k].sort_values(["outcome", "policy", "rank"], kind="stable")
    lo = (best["ST"] - best["ST_conf"]).clip(lower=0)
    return pd.DataFrame(
        {
            "outcome": best["outcome"],
            "policy": best["policy"],
            "rank": best["rank"],
            "uncertainty": best["uncertainty"].str.removeprefix("params."),
            "ST": best["ST"].round(3),
            "ST 95% interval": [f"{a:.3f} to {b:.3f}" for a, b in zip(lo, best["ST"] + best["ST_conf"])],
            "S1": best["S1"].round(3),
            **({"when": best["when"]} if "when" in best else {}),
        }
    ).reset_index(drop=True)


def plot(table: pd.DataFrame, out: Path) -> list[Path]:
    """Per outcome, `plots/sobol_<outcome>.png`: ST of each uncertainty, one bar per policy, 95% intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic import save_figure

    paths = []
    for outcome, t in table.groupby("outcome", sort=False):
        names = list(dict.fromkeys(t["uncertainty"]))
        policies = list(dict.fromkeys(t["policy"]))
        fig, ax = plt.subplots(figsize=(9.5, 1.5 + 0.35 * len(names) * max(len(policies), 2)))
        height = 0.8 / len(policies)
        for k, policy in enumerate(policies):
            p = t[t["policy"] == policy].set_index("uncertainty").reindex(names)
            y = np.arange(len(names)) + k * height
            ax.barh(y, p["ST"], height=height, xerr=p["ST_conf"], capsize=3, label=policy)
        ax.set_yticks(np.arange(len(names)) + 0.4 - height / 2, [n.removeprefix("params.") for n in names])
        ax.invert_yaxis()
        ax.set_xlabel("total-order index ST, share of variance (95% intervals)")
        when = f", {t['when'].iloc[0]}" if "when" in t else ""
        ax.set_title(f"{outcome}: Sobol ST per policy{when}", fontsize=10)
        ax.legend(fontsize=8, title="policy", title_fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.tight_layout()
        paths.append(save_figure(fig, out / f"sobol_{outcome}.png", dpi=110))
        plt.close(fig)
    return paths
