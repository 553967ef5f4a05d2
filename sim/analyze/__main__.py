"""`python -m sim.analyze COMMAND key=value ...`

aggregate    sweep=DIR                         rebuild sweep/summary/runs/events tables and plots
sample       method=sobol|morris|latin n=N levers=KEY:LO:HI,... sweep=DIR
                                               write a sample (run it: python -m sim --multirun
                                               hydra.sweep.dir=DIR sweep.sample=DIR/sample.parquet
                                               'sweep.row=range(0,ROWS)')
sensitivity  method=sobol|morris n=N levers=KEY:LO:HI,... outcomes=COL,... [sweep=DIR]
             [any `python -m sim` override, e.g. hydra/launcher=joblib scale=classroom seed=0,1]
                                               sample, run through the launcher, write indices;
             sweep=DIR alone                   (re)compute indices of a sampled sweep
discover     sweep=DIR outcome=COL threshold=X [direction=above|below] [levers=KEY,...]
             [density=0.8] [peel_alpha=0.05] [mass_min=0.05]
                                               PRIM boxes: which lever ranges lead to the outcome
"""

from __future__ import annotations

import sys

from ..errors import ConfigError

COMMANDS = ("aggregate", "sample", "sensitivity", "discover")


def parse(args: list[str], known: tuple[str, ...]) -> tuple[dict, list[str]]:
    """Split key=value arguments into this command's options and overrides passed on to `python -m sim`."""
    options, rest = {}, []
    for arg in args:
        key, sep, value = arg.partition("=")
        if key in known and sep:
            options[key] = value
        elif key.startswith("-") or not sep:
            raise ConfigError(arg, "not understood", "key=value arguments (see python -m sim.analyze --help)")
        else:
            rest.append(arg)
    return options, rest


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return
    command, args = argv[0], argv[1:]
    try:
        if command not in COMMANDS:
            raise ConfigError("command", f"'{command}' is not allowed", ", ".join(COMMANDS))
        if command == "aggregate":
            from ..sweep.report import report_dir

            opts, _ = parse(args, ("sweep",))
            result = report_dir(_required(opts, "sweep"))
            print(f"aggregated {result['runs']} runs in {opts['sweep']}")
        elif command == "discover":
            from .discover import main as discover

            opts, rest = parse(
                args, ("sweep", "outcome", "threshold", "direction", "levers", "density", "peel_alpha", "mass_min")
            )
            if rest:
                raise ConfigError(
                    rest[0].partition("=")[0],
                    "unknown option",
                    "sweep, outcome, threshold, direction, levers, density, peel_alpha, mass_min",
                )
            discover(opts)
        else:
            from .sensitivity import main as sensitivity

            opts, rest = parse(
                args, ("sweep", "method", "n", "levers", "outcomes", "sample_seed", "levels", "second_order")
            )
            sensitivity(command, opts, rest)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


def _required(opts: dict, key: str) -> str:
    if not opts.get(key):
        raise ConfigError(key, "missing", "a value")
    return opts[key]


if __name__ == "__main__":
    main()
