"""The `sweep` config section: what the aggregate at the end of a multirun contains."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from ..schema import spec


@dataclass
class EventConfig:
    label: str = spec("", source="how plots and tables name the event")
    left: str = spec("", source="an outcome column")
    op: str = spec(">", choices=(">", ">=", "<", "<="), source="comparison")
    right: Any = spec(0.0, source="an outcome column or a number")
    when: str = spec("in", choices=("in", "by", "throughout"), source="which years must satisfy it")
    year: int = spec(2035, lo=1900, hi=2200, source="the year the event is judged at")


@dataclass
class SweepConfig:
    key_outcomes: list[str] = spec(
        factory=lambda: ["papers_CN_EU", "papers_CN_US", "capability_CN", "capability_US", "compute_access_CN",
                         "alignment_CN_EU", "capital_CN_to_EU", "share_EU_output_with_CN"],
        source="outcomes drawn as fan charts and distributions")
    quantiles: list[float] = spec(factory=lambda: [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95], lo=0.0, hi=1.0,
                                  source="quantiles in summary.parquet")
    events: Dict[str, EventConfig] = field(default_factory=dict)
    aggregate: bool = spec(True, source="build sweep.parquet and the rest when a multirun ends")
    plots: bool = spec(True, source="draw fan charts and distributions when a multirun ends")
    run_plots: bool = spec(False, source="per-run PNGs in a sweep (off: tables only, faster)")
    progress: bool = spec(True, source="a progress bar over runs in the terminal")
    sample: Optional[str] = spec(None, source="a sample file (sim.analyze sample): each job runs one row")
    row: Optional[int] = spec(None, lo=0, source="the sample row this job runs")
