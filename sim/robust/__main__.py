"""`python -m sim.robust COMMAND key=value ...`: policies across what we do not know (EMA-style).

sweep    [n=10] [sampler=latin|sobol] [sample_seed=0] [uncertainties=default] [sweep=DIR]
         [outcomes=COL:max,COL:min ...] [satisfice=COL>=X,...] [year=YYYY | window=[FIRST,LAST]]
         policies.KEY=a,b,... [any `python -m sim` override: seed=, scale=, end=, hydra/launcher=]
                         every lever setting (the policies.* grid) in each of the sampled states of
                         the world (configs/uncertainties/), through the usual launchers and resume;
                         then, with outcomes=, the robustness tables below
metrics  sweep=DIR outcomes=COL:max,COL:min [satisfice=COL>=X,...] [year=YYYY | window=[FIRST,LAST]]
                         robustness.parquet (quantiles, worst decile, regret per policy and outcome),
                         satisficing.parquet, feature_scores.parquet, experiments.parquet (columns
                         named lever:/uncertainty:/outcome:), plots/feature_scores.png; for a
                         sampler=sobol sweep also sobol.parquet (S1, ST and their intervals per
                         policy, outcome and uncertainty) and plots/sobol_<outcome>.png
search   levers=KEY:LO:HI,... objectives=COL:max:STAT,... [nfe=200] [sows=10] [search_seed=0]
         [workers=N] [year=YYYY | window=[FIRST,LAST]] [uncertainties=default] [sweep=DIR]
         [scenario=, scale=, end=, params.*, other fixed policies.*]
                         many-objective search (EMA Workbench + platypus NSGA-II) over the levers,
                         each candidate evaluated in `sows` states of the world on sim.parallel's
                         pool: pareto.parquet, plots/pareto_parcoords.png, one scenario file per
                         Pareto policy (policies/) that reruns to its evaluated outcomes
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..compose import run_verb
from ..errors import ConfigError
from ..schema import spec
from .uncertainties import SAMPLERS, Uncertainty

COMMANDS = ("sweep", "metrics", "search")


@dataclass
class MetricsOptions:
    sweep: str | None = spec(None, source="a folder made by `python -m sim.robust sweep`")
    outcomes: str = spec("", source="COL:max or COL:min, comma-separated: outcomes and their desired direction")
    satisfice: str = spec("", source="conditions every world should meet: COL>=X,COL<X,...")
    year: int | None = spec(None, lo=1900, hi=2200, source="outcomes in this year (default: end of run)")
    window: list[int] | None = spec(None, source="outcomes averaged over [FIRST,LAST] years")
    score_seed: int = spec(0, lo=0, source="seed of the feature scoring's extra trees")


@dataclass
class SweepOptions(MetricsOptions):
    uncertainties: dict[str, Uncertainty] = field(default_factory=dict)
    n: int = spec(10, lo=1, hi=1_000_000, source="states of the world (sobol: base sample, n × (k + 2) rows)")
    sampler: str = spec("latin", choices=SAMPLERS, source="SALib's Latin hypercube or Sobol (Saltelli) design")
    sample_seed: int = spec(0, lo=0, source="seed of the sampler: the same seed, the same worlds")


@dataclass
class SearchOptions:
    uncertainties: dict[str, Uncertainty] = field(default_factory=dict)
    levers: str = spec("", source="KEY:LO:HI,... the policies.* levers searched and their bounds")
    objectives: str = spec(
        "", source="COL:max|min[:mean|q10|q90|min|max],... each outcome's direction and its statistic over the worlds"
    )
    nfe: int = spec(200, lo=1, hi=10_000_000, source="candidate policies evaluated (each in `sows` worlds)")
    sows: int = spec(10, lo=1, hi=100_000, source="states of the world each candidate is evaluated in (Latin)")
    population: int = spec(20, lo=2, hi=10_000, source="NSGA-II population size")
    search_seed: int = spec(0, lo=0, source="seed of the worlds' sample and of the search")
    workers: int | None = spec(None, lo=1, source="processes (default: all cores)")
    year: int | None = spec(None, lo=1900, hi=2200, source="outcomes in this year (default: the last full year)")
    window: list[int] | None = spec(None, source="outcomes averaged over [FIRST,LAST] years")
    start: str | None = spec(
        None, source="quarter the searched levers take effect (default: the scenario's rules_from)"
    )
    sweep: str | None = spec(None, source="the folder (default: results/robust/<time>_search)")


OPTIONS = {"sweep": SweepOptions, "metrics": MetricsOptions, "search": SearchOptions}


def parse(command: str, args: list[str]):
    """The verb's options (Hydra-composed, with the uncertainty group for sweep and search) and the
    rest: `python -m sim` overrides for the runs (sweep, search)."""
    import dataclasses

    from ..compose import command_options, split_options

    cls = OPTIONS[command]
    runs_models = command != "metrics"
    group = [a for a in args if a.lstrip("+~").split("=")[0].split(".")[0] == "uncertainties"]
    args = [a for a in args if a not in group]
    if group and command == "metrics":
        raise ConfigError("uncertainties", "not an option of metrics", "the sweep folder holds its uncertainties")
    own, rest = split_options(cls, args, lambda key, sep: runs_models and sep and not key.startswith("-"))
    # `sweep=` would name configs/sweep/ (a group of the primary config) where a file composes the options
    folder = [a.partition("=")[2].strip("'\"") for a in own if a.startswith("sweep=")]
    own = [a for a in own if not a.startswith("sweep=")]
    # `~uncertainties.NAME` drops one entry; Hydra's bare `~key` is not a key=value option, so drop it here
    dropped = [a.lstrip("~").partition(".")[2] for a in group if a.startswith("~") and "=" not in a]
    group = [a for a in group if not (a.startswith("~") and "=" not in a)]
    options = command_options(f"robust_{command}", cls, own + group)
    if folder:
        options.sweep = folder[-1] or None
    if any(f.name == "uncertainties" for f in dataclasses.fields(cls)):
        from .uncertainties import check

        for name in dropped:
            if name not in options.uncertainties:
                known = ", ".join(options.uncertainties) or "none"
                raise ConfigError(f"~uncertainties.{name}", "no such uncertainty", known)
            del options.uncertainties[name]
        options.uncertainties = check(options.uncertainties)
    return options, rest


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    run_verb(argv, __doc__, COMMANDS, lambda command, args: _act(command, args, argv))


def _act(command: str, args: list[str], argv: list[str]) -> None:
    options, rest = parse(command, args)
    if command == "metrics":
        if rest:
            raise ConfigError(rest[0].partition("=")[0], "unknown option", "sweep, outcomes, satisfice, year, window")
        from .sweep import metrics

        metrics(options)
    elif command == "sweep":
        from .sweep import sweep

        sweep(options, rest)
    else:
        from .search import search

        t0 = time.perf_counter()
        search(options, rest, "python -m sim.robust " + " ".join(argv))
        print(f"({time.perf_counter() - t0:.1f} s)")


def default_folder(kind: str) -> Path:
    return Path(f"results/robust/{time.strftime('%Y-%m-%d_%H-%M-%S')}_{kind}")


if __name__ == "__main__":
    main()
