"""`python -m sim.analyze COMMAND key=value ...` (each command's options: a Hydra-composed dataclass below)

aggregate    sweep=DIR                         rebuild sweep/summary/runs/events tables and plots
sample       method=sobol|morris|latin n=N levers=KEY:LO:HI,... sweep=DIR
                                               write a sample (run it: python -m sim --multirun
                                               hydra.sweep.dir=DIR sweep.sample=DIR/sample.parquet
                                               'sweep.row=range(0,ROWS)')
sensitivity  method=sobol|morris n=N levers=KEY:LO:HI,... outcomes=COL,... [sweep=DIR]
             [year=YYYY | window=[FIRST,LAST]] [over_time=true]
             [any `python -m sim` override, e.g. hydra/launcher=joblib scale=classroom seed=0,1]
                                               sample, run through the launcher, write indices;
             sweep=DIR alone                   (re)compute indices of a sampled sweep
discover     sweep=DIR outcome=COL threshold=X [direction=above|below] [levers=KEY,...]
             [density=0.8] [peel_alpha=0.05] [mass_min=0.05] [year=YYYY | window=[FIRST,LAST]]
                                               PRIM boxes: which lever ranges lead to the outcome
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compose import run_verb
from ..errors import ConfigError
from ..schema import spec

COMMANDS = ("aggregate", "sample", "sensitivity", "discover")


@dataclass
class AggregateOptions:
    sweep: str | None = spec(None, source="a multirun folder (hydra.sweep.dir)")


@dataclass
class SampleOptions:
    method: str = spec("sobol", choices=("sobol", "morris", "latin"), source="SALib sampler")
    n: int | None = spec(None, lo=1, source="base sample size (default: 64 for sobol, 10 otherwise)")
    levers: str = spec("", source="KEY:LO:HI,... e.g. policies.export_controls.stringency:0:1")
    sweep: str | None = spec(None, source="the sweep folder (default: results/sensitivity/<time>_<method>)")
    sample_seed: int = spec(0, lo=0, source="seed of the sampler")
    levels: int = spec(4, lo=1, source="Morris grid levels")
    second_order: bool = spec(False, source="Sobol second-order indices")


@dataclass
class SensitivityOptions(SampleOptions):
    outcomes: str = spec("", source="outcome columns, comma-separated, e.g. compute_access_CN")
    year: int | None = spec(None, lo=1900, hi=2200, source="indices of the outcome in this year (default: end of run)")
    window: list[int] | None = spec(None, source="indices of the outcome's mean over [FIRST,LAST] years")
    over_time: bool = spec(False, source="also the indices of every full year, and their plot")


@dataclass
class DiscoverOptions:
    sweep: str | None = spec(None, source="a multirun folder")
    outcome: str | None = spec(None, source="an outcome column of timeseries")
    threshold: float | None = spec(None, source="the outcome's threshold")
    direction: str = spec("above", choices=("above", "below"), source="cases of interest: above or below it")
    levers: str = spec("", source="inputs, comma-separated (default: every parameter the sweep varied)")
    density: float = spec(0.8, lo=0.0, hi=1.0, source="PRIM: minimum density of the chosen box")
    peel_alpha: float = spec(0.05, lo=0.01, hi=0.5, source="PRIM: share peeled per step")
    mass_min: float = spec(0.05, lo=0.0, hi=1.0, source="PRIM: minimum mass of a box")
    year: int | None = spec(None, lo=1900, hi=2200, source="the outcome in this year (default: end of run)")
    window: list[int] | None = spec(None, source="the outcome's mean over [FIRST,LAST] years")


OPTIONS = {
    "aggregate": AggregateOptions,
    "sample": SampleOptions,
    "sensitivity": SensitivityOptions,
    "discover": DiscoverOptions,
}


def parse(command: str, args: list[str]) -> tuple[dict, list[str]]:
    """A verb's options (Hydra-composed from its dataclass, typed and checked) and, for `sample` and
    `sensitivity`, the other arguments: `python -m sim` overrides for the runs (checked when they run)."""
    from ..compose import command_options, split_options

    cls = OPTIONS[command]
    runs_models = command in ("sample", "sensitivity")
    own, rest = split_options(cls, args, lambda key, sep: runs_models and sep and not key.startswith("-"))
    options = command_options(f"analyze_{command}", cls, own)
    return {k: v for k, v in vars(options).items() if v is not None and not (isinstance(v, str) and v == "")}, rest


def main(argv: list[str] | None = None) -> None:
    run_verb(argv, __doc__, COMMANDS, _act)


def _act(command: str, args: list[str]) -> None:
    opts, rest = parse(command, args)
    if command == "aggregate":
        from ..sweep.report import report_dir

        result = report_dir(_required(opts, "sweep"))
        print(f"aggregated {result['runs']} runs in {opts['sweep']}")
    elif command == "discover":
        from .discover import main as discover

        discover(opts)
    else:
        from .sensitivity import main as sensitivity

        sensitivity(command, opts, rest)


def _required(opts: dict, key: str) -> str:
    if not opts.get(key):
        raise ConfigError(key, "missing", "a value")
    return opts[key]


if __name__ == "__main__":
    main()
