"""What a brief says, read from a results folder: comparison folders and sweep folders.

Every number comes from a file the commands wrote (effects.parquet, headline.csv, summary.parquet,
sensitivity.parquet, prim_box.parquet, ...); nothing is recomputed here, so the brief and the
folder cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from .render import Code, Heading, Image, Table, Text

# Result files of `python -m sim.analyze` (and the uncertainty tools) that the brief shows when present.
FINDINGS = {
    "sensitivity.parquet": "Sensitivity indices (SALib) of the key outcomes to the swept levers",
    "prim_box.parquet": "Scenario discovery (PRIM): the lever ranges that lead to the outcome of interest",
    "robustness.parquet": "Robustness of each policy across the sampled uncertainties",
    "feature_scores.parquet": "Feature scoring (EMA Workbench): which inputs move which outcomes",
}  # sobol.parquet has its own block (sobol_blocks): the top uncertainties per policy
MAX_ROWS = 40


def kind(folder: Path) -> str:
    if (folder / "compare.json").is_file() and (folder / "effects.parquet").is_file():
        return "compare"
    if (folder / "search.json").is_file() and (folder / "pareto.parquet").is_file():
        return "search"
    if (folder / "runs.parquet").is_file() or (folder / "sweep.parquet").is_file():
        return "sweep"
    raise ConfigError(
        "folder", f"{folder} holds neither a comparison nor a sweep", "a folder of python -m sim.compare or --multirun"
    )


def meaning(column: str) -> str:
    """An outcome column's meaning and unit from the outputs' data dictionary (docs/OUTPUTS.md)."""
    import fnmatch
    import re

    from ..recorder import described_columns

    for pattern, unit, text in described_columns()["timeseries"]:
        if fnmatch.fnmatch(column, re.sub(r"<[^>]+>", "*", pattern)):
            return f"{text} ({unit})"
    return ""


def measures(name: str) -> pd.DataFrame:
    """A scenario's dated measures in plain language (the app's change-log wording)."""
    from ..app.explain import describe
    from ..scenario import read_merged

    data = read_merged(name)
    rows = []
    for period, by_family in sorted((data.get("timeline") or {}).items(), key=lambda kv: str(kv[0])):
        for family, items in (by_family or {}).items():
            for item in items if isinstance(items, list) else [items]:
                rows.append({"quarter": str(period), "measure": describe(family, item or {})})
    return pd.DataFrame(rows, columns=["quarter", "measure"])


def story(name: str) -> str:
    from ..scenario import read_merged

    return " ".join(str(read_merged(name).get("description") or "(no description)").split())


def compare_blocks(folder: Path) -> tuple[str, list]:
    q = json.loads((folder / "compare.json").read_text())
    treated, against = q["scenario"], q["against"]
    levers = ", ".join(q["treated_overrides"]) or "none"
    title = f"What does {Path(treated).stem} change compared with {Path(against).stem}?"
    blocks: list = [
        Heading("The question"),
        Text(
            f"Paired comparison of the scenario '{treated}' (extra levers: {levers}) against the counterfactual "
            f"'{against}' (extra levers: {', '.join(q['counterfactual_overrides']) or 'none'}), over {q['seeds']} "
            f"seeds; each seed runs both sides with the same random streams, so a difference is the policy's "
            f"effect, not noise. Settings on both sides: {', '.join(q['shared_overrides']) or 'defaults'}."
        ),
        Heading("Scenarios and their measures"),
    ]
    ours, theirs = measures(treated), measures(against)
    for name in (treated, against):
        blocks.append(Heading(f"{Path(name).stem}", 3))
        blocks.append(Text(story(name)))
    new = ours.merge(theirs, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    blocks.append(
        Table(new, f"Measures in {Path(treated).stem} and not in {Path(against).stem}")
        if len(new)
        else Text(f"{Path(treated).stem} dates no measure that {Path(against).stem} lacks.")
    )
    if len(theirs):
        blocks.append(Table(theirs, f"Dated measures of {Path(against).stem} (both sides have those in common)"))
    head = pd.read_csv(folder / "headline.csv")
    head.insert(1, "meaning", [meaning(o) for o in head["outcome"]])
    blocks += [
        Heading(f"Headline effects in {q['year']}"),
        Text(
            "Median over seeds of the paired effect (treated minus counterfactual, yearly means), its 90% "
            "interval over seeds (q05 to q95) and the share of seeds whose effect has the median's sign."
        ),
        Table(head.drop(columns=["year"]), f"{q['seeds']} paired seeds; source: headline.csv, effects.parquet"),
        Heading("Charts"),
    ]
    for outcome in q["outcomes"]:
        png = folder / "plots" / f"effect_{outcome}.png"
        if png.is_file():
            blocks.append(Image(png, f"Effect on {outcome} over time: median and 90% interval over seeds"))
    blocks += [Heading("Robustness and sensitivity"), *_robust_sign(head), *findings(folder)]
    return title, blocks + validation_blocks() + [Heading("Reproduce"), Code(q["command"])]


def search_blocks(folder: Path) -> tuple[str, list]:
    """A robust policy search (`python -m sim.robust search`): its Pareto set, trade-offs and policy files."""
    q = json.loads((folder / "search.json").read_text())
    aims = [f"{'raise' if sense == 'max' else 'lower'} {outcome} ({stat})" for outcome, sense, stat in q["objectives"]]
    levers = ", ".join(f"{k} in [{lo:g}, {hi:g}]" for k, (lo, hi) in q["levers"].items())
    worlds = pd.read_parquet(folder / "worlds.parquet") if (folder / "worlds.parquet").is_file() else pd.DataFrame()
    uncertain = pd.DataFrame(
        [{"uncertainty": k, "low": lo, "high": hi, "reason": why} for k, (lo, hi, why) in q["uncertainties"].items()]
    )
    blocks: list = [
        Heading("The question"),
        Text(
            f"Which settings of {levers} {', '.join(aims)} over {q['years'][0]}-{q['years'][1]}, robustly across "
            f"{len(worlds) or 'several'} sampled states of the world? Levers take effect from {q['start']} and take "
            f"precedence over the governments' adaptive rules. Search: {q['nfe']} evaluations, population "
            f"{q['population']}, seed {q['search_seed']}."
        ),
        Heading("Scenarios and their measures"),
        Text(f"Fixed settings of every evaluation: {', '.join(q['base_overrides']) or 'defaults'}."),
        Table(uncertain, "The uncertainties sampled (configs/uncertainties/), with the reason for each range"),
        Heading("Headline: the Pareto set"),
        Table(
            pd.read_parquet(folder / "pareto.parquet").head(MAX_ROWS),
            "pareto.parquet; each row is also a scenario file in policies/ that reruns to these outcomes",
        ),  # fmt: skip
        Heading("Charts"),
    ]
    blocks += [Image(p, p.stem.replace("_", " ")) for p in sorted((folder / "plots").glob("*.png"))]
    blocks += [Heading("Robustness and sensitivity"), *findings(folder)]
    return "Robust policy search", blocks + validation_blocks() + [Heading("Reproduce"), Code(q["command"])]


def _robust_sign(head: pd.DataFrame) -> list:
    firm = head[(head["sign_share"] >= 0.9) & (head["effect"] != 0)]["outcome"].tolist()
    loose = head[(head["sign_share"] < 0.9) & (head["effect"] != 0)]["outcome"].tolist()
    return [
        Text(
            f"Sign holds in at least 90% of seeds: {', '.join(firm) or 'none'}. "
            f"Sign not settled across seeds: {', '.join(loose) or 'none'}."
        )
    ]


def sweep_blocks(folder: Path) -> tuple[str, list]:
    from ..sweep.report import load_runs, sweep_settings

    runs = load_runs(folder)
    settings = sweep_settings(folder)
    varied = [c for c in runs.columns if c not in ("run_id",) and runs[c].nunique() > 1 and runs[c].dtype == object]
    varied += [c for c in _swept_numbers(folder, runs) if c not in varied]
    keys = [k for k in settings.get("key_outcomes") or [] if k in runs.columns]
    title = f"How outcomes vary across {', '.join(varied) or 'seeds'}"
    blocks: list = [
        Heading("The question"),
        Text(f"A sweep of {len(runs)} runs varying {', '.join(varied) or 'only the seed'}."),
    ]
    if "scenario" in runs.columns:
        blocks.append(Heading("Scenarios and their measures"))
        for name in sorted(runs["scenario"].dropna().unique()):
            blocks += [Heading(str(name), 3), Text(story(name)), Table(measures(name), f"Dated measures of {name}")]
    if keys:
        group = [c for c in varied if c != "seed"]
        table = runs.groupby(group)[keys] if group else runs[keys]
        stats = table.median() if group else table.median().to_frame("median").T
        blocks += [
            Heading("Headline outcomes"),
            Text("Median over runs of each key outcome at the end of the run, per setting of the swept inputs."),
            Table(stats.reset_index().head(MAX_ROWS) if group else stats, "source: runs.parquet"),
        ]
    blocks.append(Heading("Charts"))
    blocks += [Image(p, p.stem.replace("_", " ")) for p in sorted((folder / "plots").glob("*.png"))]
    blocks += [Heading("Robustness and sensitivity"), *findings(folder)]
    blocks += validation_blocks() + [Heading("Reproduce"), Code(_sweep_command(folder))]
    return title, blocks


def _swept_numbers(folder: Path, runs: pd.DataFrame) -> list[str]:
    from ..analyze.discover import _params

    try:
        return [c for c in _params(folder, runs) if runs[c].nunique() > 1]
    except (OSError, KeyError, ValueError):
        return []


def sobol_blocks(folder: Path) -> list:
    """The Sobol table of a robustness sweep: per policy and outcome, the uncertainties that matter most."""
    from ..robust.sobol import top

    path = folder / "sobol.parquet"
    if not path.is_file():
        return []
    table = pd.read_parquet(path)
    when = table["when"].iloc[0] if "when" in table and len(table) else "end of run"
    return [
        Text(
            f"Which uncertainty drives each outcome under each policy ({when}): the total-order Sobol index ST "
            "is the share of the outcome's variance across the sampled states of the world that an uncertainty "
            "explains, alone or with the others (S1: alone); 95% bootstrap interval. Near 0: that uncertainty "
            "does not matter for this policy."
        ),
        Table(
            top(table).drop(columns="when", errors="ignore").head(MAX_ROWS),
            "Top 3 uncertainties by ST per policy and outcome (sobol.parquet, SALib)",
        ),
    ]


def findings(folder: Path) -> list:
    found = sobol_blocks(folder)
    for name, caption in FINDINGS.items():
        path = folder / name
        if path.is_file():
            found.append(Table(pd.read_parquet(path).head(MAX_ROWS), f"{caption} ({name})"))
    if not found:
        found.append(
            Text(
                "No sensitivity, discovery or robustness results in this folder. Add them with "
                f"python -m sim.analyze sensitivity|discover sweep={folder} (docs/SWEEPS.md)."
            )
        )
    return found


def _sweep_command(folder: Path) -> str:
    from omegaconf import OmegaConf

    saved = folder / "multirun.yaml"
    task = list(OmegaConf.select(OmegaConf.load(saved), "hydra.overrides.task") or []) if saved.is_file() else []
    return "python -m sim --multirun " + " ".join(f"'{t}'" if " " in t else t for t in task)


def validation_blocks() -> list:
    from .. import __version__
    from .validation_status import latest

    record = latest()
    if record is None:
        return [
            Heading("Validation status of this model version"),
            Text(
                f"No validation record exists for Entangle {__version__} on this machine. "
                "Run python -m sim.validation to make one (docs/VALIDATION.md)."
            ),
        ]
    return [Heading("Validation status of this model version"), Text(record)]
