"""`python -m sim.compare scenario=NAME against=NAME seeds=N [year=YYYY] [outcomes=A,B] [sweep=DIR] [overrides]`

Runs both sides × seeds as one multirun (`python -m sim --multirun`, any launcher; runs already
in the folder are reused), pairs runs by seed and writes into the folder:

  effects.parquet          per outcome and year: median paired effect (treated - counterfactual),
                           its 5-95% interval over seeds, the share of seeds with the median's sign
  headline.csv             the key outcomes in `year` (default: the last full year), also printed
  plots/effect_<o>.png     fan chart of the effect over time, per key outcome
  plots/seed<k>/*.png      the first seed's run plots: measures marked, counterfactual dashed
  compare.json             the question: sides, their overrides, seeds, year, timings

Overrides: `policies.*` (levers) set the treated side only; `against.<key>=<value>` sets the
counterfactual only; anything else (scale=, end=, params.*, hydra/launcher=, ...) both sides.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..analyze.when import parse_window
from ..errors import ConfigError
from ..schema import spec
from . import SIDES


@dataclass
class CompareOptions:
    scenario: str = spec("baseline", source="the treated side: a name in scenarios/ or a scenario file")
    against: str = spec("baseline", source="the counterfactual: a name in scenarios/ or a scenario file")
    seeds: int = spec(30, lo=1, hi=100_000, source="seeds 0..N-1, the same on both sides (paired)")
    year: int | None = spec(None, source="the headline's year (default: the last full year of both runs)")
    window: list[int] | None = spec(None, source="the headline as the mean paired effect over [FIRST,LAST] years")
    outcomes: str = spec("", source="outcome columns, comma-separated (default: sweep.key_outcomes)")
    sweep: str | None = spec(None, source="the folder (default: results/compare/<time>_<scenario>_vs_<against>)")


def parse(argv: list[str]) -> tuple[CompareOptions, list[str]]:
    """The command's own options (Hydra-composed from CompareOptions, typed and range-checked, as
    sim.analyze's verbs are) and the rest: `python -m sim` overrides for the sides."""
    from ..compose import command_options, split_options

    own, rest = split_options(CompareOptions, argv)
    return command_options("compare", CompareOptions, own), rest


def full_years(scenario) -> range:
    """The calendar years the run covers in full (all four quarters)."""
    first = scenario.start // 4 + (scenario.start % 4 != 0)
    last = scenario.end // 4 - (scenario.end % 4 != 3)
    return range(first, last + 1)


def outcome_columns(cfg) -> list[str]:
    """The timeseries columns a run of this config records: one quarter at classroom scale (about a second)."""
    from ..run import build_model

    cfg = cfg.copy()
    cfg.scale.factor = 0.04
    cfg.end = None
    model = build_model(cfg)
    model.step()
    names = list(model.recorder.timeseries().columns)
    model.release()
    return names


def check(options: CompareOptions, overrides: list[str]):
    """Everything that can be wrong with the command, found before anything is written."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from ..compose import _override_sets, compose_config, precheck
    from ..compose import one_line as _one_line
    from ..run import prepare
    from .sides import split

    seeds = options.seeds
    sides = split(options.scenario, options.against, overrides)
    years, key_outcomes, columns = None, None, None
    for side in SIDES:
        ov = sides.overrides(side)
        try:
            precheck(ov + [o for o in sides.shared if o.startswith("hydra/")])  # every value of a shared sweep
            first = compose_config(_override_sets(ov)[0])
            scenario, cfg = prepare(first)
        except (HydraException, OmegaConfBaseException, ConfigError) as err:
            key, _, problem = _one_line(err).partition(": ")
            if side == "counterfactual" and key == "scenario":
                key = "against"
            elif side == "counterfactual" and sides.counterfactual:
                key = f"against.{key}"
            raise ConfigError(key, problem or "not allowed") from None
        span = full_years(scenario)
        years = span if years is None else range(max(years.start, span.start), min(years.stop, span.stop))
        key_outcomes = key_outcomes or list(cfg.sweep.key_outcomes)
        side_columns = outcome_columns(first)
        columns = side_columns if columns is None else [c for c in columns if c in side_columns]
    if not len(years):
        raise ConfigError("end", "leaves no full year in both runs", "an end at a year's last quarter (YYYYQ4)")
    year = years[-1] if options.year is None else options.year
    if year not in years:
        raise ConfigError("year", f"{year} is out of range", f"a full year of both runs, {years[0]} to {years[-1]}")
    window = parse_window(options.window)
    if window is not None and options.year is not None:
        raise ConfigError("year", "given with window", "either year=YYYY or window=[FIRST,LAST]")
    if window is not None and not (window[0] in years and window[1] in years):
        raise ConfigError(
            "window", f"{list(window)} is out of range", f"full years of both runs, {years[0]} to {years[-1]}"
        )
    outcomes = [o for o in options.outcomes.split(",") if o] or key_outcomes
    missing = [o for o in outcomes if o not in columns]
    if missing:
        raise ConfigError("outcomes", f"no column '{missing[0]}' in both runs", "timeseries columns (docs/OUTPUTS.md)")
    return sides, seeds, (window if window is not None else year), outcomes


def run_sides(folder: Path, sides, seeds: int) -> None:
    """Both sides × seeds through `python -m sim --multirun` (its launchers, resume and aggregate)."""
    from .sides import write_sides

    search = write_sides(folder, sides)
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "--multirun",
        f"hydra.sweep.dir={folder}",
        f"hydra.searchpath=[file://{search}]",
        f"+side={','.join(SIDES)}",
        f"seed=range(0,{seeds})",
        *sides.shared,
    ]
    print("running:", " ".join(cmd[1:]), flush=True)
    done = subprocess.run(cmd)
    if done.returncode != 0:
        sys.exit(done.returncode)


def analyse(folder: Path, sides, seeds: int, year, outcomes: list[str]) -> dict:
    """effects.parquet, headline.csv, the effect fans and one seed's story, from a finished multirun.

    `year`: the headline's year, or a (first, last) window whose mean paired effect it shows."""
    from ..atomic import write_csv, write_parquet
    from ..compose import compose_config
    from ..run import prepare
    from . import effects as fx
    from .plots import effect_fans, seed_story

    means, pairing, available = fx.yearly(folder / "sweep.parquet", list(range(seeds)))
    fx.check_outcomes(outcomes, available)
    pairs = fx.paired(means, pairing, available)
    if pairs.empty:
        raise ConfigError("sweep", f"{folder} holds no pair of finished runs", "rerun the same command to finish it")
    table = fx.summarise(pairs, pairing)
    write_parquet(table, folder / "effects.parquet")
    if isinstance(year, tuple):
        head = fx.headline(fx.over_window(pairs, pairing, year), outcomes, year[1])
    else:
        head = fx.headline(table, outcomes, year)
    write_csv(head, folder / "headline.csv")
    title = f"{sides.scenario}{_levers(sides.treated)} vs {sides.against}{_levers(sides.counterfactual)}"
    effect_fans(table, pairing, outcomes, folder / "plots", title)
    seed = int(pairs["seed"].min())
    runs = {side: _run_dir(folder, side, seed) for side in SIDES}
    if all(runs.values()):
        scenario, _ = prepare(compose_config(sides.overrides("treated") + [f"seed={seed}"]))
        seed_story(runs["treated"], runs["counterfactual"], scenario, folder / "plots" / f"seed{seed}", title)
    return {"head": head, "pairing": pairing, "seeds": int(table["seeds"].max()), "title": title}


def _levers(overrides: list[str]) -> str:
    return f" ({', '.join(o.removeprefix('policies.') for o in overrides)})" if overrides else ""


def _run_dir(folder: Path, side: str, seed: int) -> Path | None:
    """The run folder of one side and seed (the first shared setting's, if a grid was swept)."""
    found = sorted(p.parent for p in folder.glob("*/summary.json") if _is(p.parent, side, seed))
    return found[0] if found else None


def _is(run: Path, side: str, seed: int) -> bool:
    from ..sweep.job import run_overrides

    overrides = run_overrides(run)
    return f"+side={side}" in overrides and f"seed={seed}" in overrides


def show(head, year: int, title: str, seeds: int) -> None:
    import pandas as pd

    when = f"averaged over {year[0]}-{year[1]}" if isinstance(year, tuple) else f"in {year}"
    print(f"\n{title}: effects {when}, median over {seeds} paired seeds, 90% interval, sign share")
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
        print(head.drop(columns=["year"]).to_string(index=False))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return
    try:
        options, overrides = parse(argv)
        sides, seeds, year, outcomes = check(options, overrides)
        folder = Path(
            options.sweep
            or f"results/compare/{time.strftime('%Y-%m-%d_%H-%M-%S')}_{Path(sides.scenario).stem}"
            f"_vs_{Path(sides.against).stem}"
        ).resolve()
        t0 = time.perf_counter()
        run_sides(folder, sides, seeds)
        t_runs = time.perf_counter() - t0
        result = analyse(folder, sides, seeds, year, outcomes)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    from ..atomic import write_json

    write_json(
        {
            "command": "python -m sim.compare " + " ".join(argv),
            "scenario": sides.scenario,
            "against": sides.against,
            "treated_overrides": sides.treated,
            "counterfactual_overrides": sides.counterfactual,
            "shared_overrides": sides.shared,
            "seeds": seeds,
            "year": None if isinstance(year, tuple) else year,
            "window": list(year) if isinstance(year, tuple) else None,
            "outcomes": outcomes,
            "paired_on": ["seed", *result["pairing"]],
            "seconds_runs": round(t_runs, 1),
            "seconds_total": round(time.perf_counter() - t0, 1),
        },
        folder / "compare.json",
    )
    show(result["head"], year, result["title"], result["seeds"])
    print(f"-> {folder}/effects.parquet, headline.csv, plots/effect_*.png ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
