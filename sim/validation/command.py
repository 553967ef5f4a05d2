"""`python -m sim.validation`: hold a scenario's 2017-2023 history against configs/validation_targets.yaml.

    python -m sim.validation                          # baseline, 20 seeds, realistic scale
    python -m sim.validation seeds=50 scale=classroom
    python -m sim.validation scenario=uk_own_bloc directions=false workers=2 scale.factor=0.1

Options are a Hydra config (configs/validate.yaml, typed and range-checked by `ValidateConfig`),
composed like `python -m sim`'s with the same `scale` group. Runs the scenario over seeds (and,
for the directions checks, each seed again with one lever changed at policies.start) in
parallel, then writes report.md, targets.csv, directions.csv, fans.png and overview.png into
results/validation/<timestamp>/ (the folder appears only when complete). Prints the headline
and the failing targets; exits 0 whatever the score (a report, not a gate), 2 on bad
arguments (one line, nothing written), 1 if runs fail.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import periods
from ..config import ParamsConfig, ScaleConfig
from ..errors import ConfigError
from ..schema import spec

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class ValidateConfig:
    seeds: int = spec(20, lo=1, source="FACTS.md: medians over at least 20 seeds")
    seed0: int = spec(0, lo=0, source="first seed")
    scenario: str = spec("baseline", source="a name in scenarios/ or a path to a scenario YAML")
    directions: bool = spec(True, source="also run the paired direction checks (runs end in 2030)")
    robustness: bool = spec(
        False, source="also run each parameter of configs/uncertainties/default.yaml at 0.8 and 1.2 x its default"
    )
    robustness_only: list[str] | None = spec(
        None, source="names in configs/uncertainties/default.yaml: the robustness table's rows (default: every one)"
    )
    workers: int | None = spec(None, lo=1, source="worker processes (default: all cores)")
    out: str = spec(str(ROOT / "results" / "validation"), source="folder the report folder is written into")
    scale: ScaleConfig = field(default_factory=ScaleConfig)
    # `python -m sim`'s params group: e.g. `params.collaboration.freed_time=true` runs every seed (history, direction
    # pairs, robustness rows) with it; the defaults otherwise.
    params: ParamsConfig = field(default_factory=ParamsConfig)


def options(argv: list[str]) -> ValidateConfig:
    """The options of a command line, composed from configs/validate.yaml and checked (ConfigError if bad)."""
    from ..compose import command_options

    return command_options("validate", ValidateConfig, argv)


def changed_params(params, default=None, prefix: str = "params") -> dict:
    """{dotted key: value} of every field of `params` that differs from the defaults (empty: the defaults)."""
    default = ParamsConfig() if default is None else default
    out = {}
    for f in fields(params):
        value, base = getattr(params, f.name), getattr(default, f.name)
        if is_dataclass(value) and is_dataclass(base):
            out.update(changed_params(value, base, f"{prefix}.{f.name}"))
        elif value != base:
            out[f"{prefix}.{f.name}"] = value
    return out


def _run_end(scenario_name: str, directions: bool) -> tuple[str | None, bool]:
    """Runs stop after the last year anything reads: 2030 with directions, else the targets' last year (or the
    scenario's end)."""
    from ..scenario import load
    from .runs import DIRECTION_YEAR
    from .targets import LAST_YEAR

    scenario = load(scenario_name, None)
    want = periods.parse(f"{max(DIRECTION_YEAR, LAST_YEAR) if directions else LAST_YEAR}Q4", "end")
    if scenario.end <= want:
        return None, directions and scenario.end >= want
    return periods.label(want), directions


def validate(opts: ValidateConfig, progress: bool = True) -> dict:
    """Run everything and write the report folder; returns the summary rows and the folder."""
    import pandas as pd

    from ..parallel import parallel_map
    from ..run import prepare
    from . import record, report
    from .runs import DIRECTIONS, history_job, judge_directions, lever_job, make_config, pools, run_job
    from .targets import evaluate_pooled

    name, factor = opts.scale.name, opts.scale.factor
    seeds = list(range(opts.seed0, opts.seed0 + opts.seeds))
    end, directions = _run_end(opts.scenario, opts.directions)
    prepare(make_config(opts.scenario, seeds[0], factor, end))  # bad scenario: fail before any run
    if opts.robustness:
        from . import robustness as R

        items = R.uncertainties(only=opts.robustness_only)  # a bad entry: fail before any run too
    params = opts.params
    jobs = [(history_job, (opts.scenario, s, factor, end, params)) for s in seeds]
    if directions:
        jobs += [(lever_job, (opts.scenario, s, factor, end, params, i)) for s in seeds for i in range(len(DIRECTIONS))]
        # a direction with its own counterfactual (not the scenario as it is) runs that too, on the same seeds
        own = [i for i, d in enumerate(DIRECTIONS) if d.base is not None]
        jobs += [(lever_job, (opts.scenario, s, factor, end, params, i, "base")) for s in seeds for i in own]
    t0 = time.perf_counter()
    results = parallel_map(run_job, jobs, opts.workers, progress="validation runs" if progress else None)
    seconds = time.perf_counter() - t0
    history = {r["seed"]: r for r in results[: len(seeds)]}
    levered = results[len(seeds) :]
    ordered = [history[s] for s in seeds]
    pooled = evaluate_pooled([h["tables"] for h in ordered]) if pools(factor) else None
    rows = report.summarize_targets([h["values"] for h in ordered], factor, pooled)
    dirs = judge_directions({s: history[s]["ts"] for s in seeds}, levered) if directions else []
    robust_lines, robust_rows = [], None
    if opts.robustness:
        hist_end, _ = _run_end(opts.scenario, False)
        t1 = time.perf_counter()
        varied = parallel_map(
            run_job,
            R.jobs(opts.scenario, seeds, factor, hist_end, items, params),
            opts.workers,
            progress="robustness runs" if progress else None,
        )
        robust_seconds = time.perf_counter() - t1
        robust_rows = R.table(varied, items, factor, rows)
        robust_meta = {
            "seeds": len(seeds),
            "scale": name,
            "factor": factor,
            "robustness_seconds": robust_seconds,
            "workers": opts.workers or os.cpu_count(),
        }
        robust_lines = R.markdown(robust_rows, rows, robust_meta, [u for u in items if not u.history])
    meta = {
        "scenario": opts.scenario,
        "seeds": len(seeds),
        "seed0": opts.seed0,
        "scale": name,
        "factor": factor,
        "seconds": seconds,
        "pooled": pooled is not None,
        "robustness_seconds": robust_seconds if opts.robustness else None,
        "params": changed_params(params),  # overrides of the defaults; a record with any is not the code's status
    }

    # Write into a hidden temporary folder, then rename it: the report folder appears complete or not at all.
    base = Path(opts.out)
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H-%M-%S")
    tmp = Path(tempfile.mkdtemp(prefix=f".{stamp}.", dir=base))
    try:
        report.write_text(report.markdown(rows, dirs, meta) + "\n".join(robust_lines), tmp / "report.md")
        if robust_rows is not None:
            pd.DataFrame(robust_rows).to_csv(tmp / "robustness.csv", index=False)
        report.write_text(json.dumps(record.make(rows, dirs, meta, robust_rows), indent=1), tmp / record.NAME)
        report.targets_frame(rows).to_csv(tmp / "targets.csv", index=False)
        pd.DataFrame(dirs).to_csv(tmp / "directions.csv", index=False)
        report.plot_fans([h["ts"] for h in ordered], rows, tmp / "fans.png")
        report.plot_overview(rows, dirs, tmp / "overview.png")
        final = base / stamp
        k = 1
        while final.exists():
            final, k = base / f"{stamp}_{k}", k + 1
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {"rows": rows, "directions": dirs, "folder": final, "meta": meta, "robustness": robust_rows}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    try:
        result = validate(options(argv))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a run failed: say so in one line; the report folder was not written
        print(f"error: validation runs failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    from .report import print_summary

    print_summary(result)
    return 0
