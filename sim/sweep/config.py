"""The `sweep` config section: what the aggregate at the end of a multirun contains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..schema import spec

# The tables a run can write (output.tables, sweep.run_tables), in the order a run builds them.
TABLES = ("timeseries", "countries", "deals", "institutions", "policy_events")


@dataclass
class EventConfig:
    label: str = spec("", source="how plots and tables name the event")
    left: str = spec("", source="an outcome column")
    op: str = spec(
        ">",
        choices=(">", ">=", "<", "<=", "gt", "ge", "lt", "le"),
        source="comparison (gt ge lt le are easier to type on a command line)",
    )
    right: Any = spec(0.0, source="an outcome column or a number")
    when: str = spec("in", choices=("in", "by", "throughout"), source="which years must satisfy it")
    year: int = spec(2035, lo=1900, hi=2200, source="the year the event is judged at")


@dataclass
class SweepConfig:
    key_outcomes: list[str] = spec(
        factory=lambda: [
            "papers_CN_EU",
            "papers_CN_US",
            "capability_CN",
            "capability_US",
            "compute_access_CN",
            "alignment_CN_EU",
            "capital_CN_to_EU",
            "share_EU_output_with_CN",
        ],
        source="outcomes drawn as fan charts and distributions",
    )
    quantiles: list[float] = spec(
        factory=lambda: [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95],
        lo=0.0,
        hi=1.0,
        source="quantiles in summary.parquet",
    )
    # name -> EventConfig fields; a plain mapping so `+sweep.events.NAME={...}` can add one,
    # checked in __post_init__ (one-line errors like every other key)
    events: dict[str, Any] = field(default_factory=dict)
    aggregate: bool = spec(True, source="build sweep.parquet and the rest when a multirun ends")
    summary: bool = spec(
        True,
        source="summary.parquet, quantiles per setting; sim.robust sweep leaves it out (every setting one run)",
    )
    plots: bool = spec(True, source="draw fan charts and distributions when a multirun ends")
    run_plots: bool = spec(False, source="per-run PNGs in a sweep (off: tables only, faster)")
    run_tables: list[str] | None = spec(
        None,
        choices=TABLES,
        source="tables each run of a sweep writes (unset: output.tables); sim.robust sweep keeps only "
        "timeseries, all the aggregate and its metrics read",
    )
    progress: bool = spec(True, source="a progress bar over runs in the terminal")
    sample: str | None = spec(None, source="a sample file (sim.analyze sample): each job runs one row")
    row: int | None = spec(None, lo=0, source="the sample row this job runs")
    batch: int = spec(
        1,
        lo=1,
        source="runs per Hydra job (sim/sweep/batch.py: the same run folders, less of Hydra's work a run); "
        "needs hydra.output_subdir=null; sim.robust sweep sets 8",
    )
    batch_start: int | None = spec(
        None, lo=0, source="set by the sweeper: the job runs the runs listed in .batches/<batch_start>.json"
    )
    fork: bool = spec(
        True,
        source="runs of one job that differ only in policies.* levers share the quarters before policies.start: "
        "run once, the model forked there (sim/fork.py; the same tables as runs made one by one)",
    )

    def __post_init__(self):
        from ..schema import build

        for name, event in (self.events or {}).items():
            if isinstance(event, EventConfig):
                check_event(event, f"sweep.events.{name}")
                continue
            seen = (name, repr(event))  # plain data: equal text, equal verdict
            if seen in _EVENTS_CHECKED:
                continue
            event = build(EventConfig, dict(event) if hasattr(event, "items") else event, f"sweep.events.{name}.")
            check_event(event, f"sweep.events.{name}")
            _EVENTS_CHECKED.add(seen)


# Events already found valid in this process: every run of a sweep carries the same events, and
# building each through OmegaConf (~5 ms a run, a third of turning a run's config into objects) would
# only repeat the verdict. A failing event is never added, so it fails again the next time.
_EVENTS_CHECKED: set[tuple[str, str]] = set()


def check_event(event: EventConfig, key: str) -> None:
    from ..errors import ConfigError

    if not event.left:
        raise ConfigError(f"{key}.left", "missing", "an outcome column")
    if isinstance(event.right, bool) or not isinstance(event.right, (str, int, float)):
        raise ConfigError(f"{key}.right", f"{event.right!r} is not allowed", "an outcome column or a number")
