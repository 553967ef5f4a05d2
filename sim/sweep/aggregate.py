"""The aggregate of a sweep folder, built from the runs' Parquet files one run at a time.

- sweep.parquet: one row per run x period: run_id, every swept parameter, seed, then the
  run's timeseries columns (streamed: one run in memory at a time).
- runs.parquet: one row per run: parameters, end-of-run outcomes (last year's mean) and
  whether each configured event happened.
- summary.parquet: per setting (every parameter but the seed), period and outcome: n, mean
  and the configured quantiles (DuckDB over sweep.parquet, out of core).
- events.parquet: per setting and event: runs, probability and a 95% Wilson interval.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hydra.core.override_parser.overrides_parser import OverridesParser

from ..atomic import Batch, write_csv, write_parquet
from ..run import end_means
from .config import EventConfig
from .job import is_complete, run_overrides

IDENTITY = ("period", "year", "quarter")

# The aggregate's tables, column family by column family, for docs/OUTPUTS.md: (pattern, unit, meaning).
# <parameter> is a run's override (swept or not: policies.export_controls.stringency, end, ...) or its
# scenario, <outcome> a
# timeseries column, <event> a configured event's name, q<NN> a configured quantile (q05 = 5%).
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "sweep": [
        ("run_id", "text", "the run's folder name (its overrides); one row per run and quarter"),
        ("<parameter>", "as set", "each override of the run (swept or fixed on the command line), and the scenario"),
        ("seed", "integer", "the run's seed"),
        ("sample_row", "integer", "the row of sweep.sample the run took its levers from (sampled sweeps only)"),
        ("<timeseries column>", "as in timeseries", "every column of the run's timeseries table"),
    ],
    "runs": [
        ("run_id", "text", "one row per run"),
        ("<parameter>", "as set", "as in sweep.parquet"),
        ("seed", "integer", "the run's seed"),
        ("sample_row", "integer", "as in sweep.parquet"),
        ("<outcome>", "as in timeseries", "the outcome's mean over the run's last year (as in summary.json)"),
        ("event:<event>", "true/false/empty", "whether the event happened (empty: the run ends before its year)"),
    ],
    "summary": [
        (
            "<parameter>",
            "as set",
            "the setting: every parameter but the seed; one row per setting, quarter and outcome",
        ),
        ("period", "text", "the quarter"),
        ("year", "year", "calendar year"),
        ("outcome", "text", "the timeseries column summarised"),
        ("n", "runs", "runs with a value"),
        ("mean", "as the outcome", "mean over the setting's runs"),
        ("q<NN>", "as the outcome", "quantile over the setting's runs (sweep.quantiles)"),
    ],
    "events": [
        ("<parameter>", "as set", "the setting; one row per setting and event"),
        ("event", "text", "the event's name (sweep.events)"),
        ("label", "text", "its label"),
        ("runs", "runs", "runs that reach the event's year"),
        ("probability", "share 0-1", "share of those runs in which the event happened"),
        ("ci_low", "share 0-1", "95% Wilson interval, lower end"),
        ("ci_high", "share 0-1", "95% Wilson interval, upper end"),
    ],
}


def complete_runs(sweep_dir: Path) -> list[Path]:
    """Every finished run folder under the sweep folder, in a stable order."""
    return sorted(p.parent for p in Path(sweep_dir).glob("*/done.json") if is_complete(p.parent))


@functools.lru_cache(maxsize=4)
def _sample(path: str, sweep_dir: str) -> pd.DataFrame:
    """A sweep's sample file (where it was written, or beside the runs if the folder moved)."""
    return pd.read_parquet(path if Path(path).is_file() else Path(sweep_dir) / "sample.parquet")


@functools.lru_cache(maxsize=4096)
def _parsed(override: str) -> tuple:
    """One override's key and value, as Hydra parses it. Runs of a sweep share most of their overrides
    (only the swept values differ), and Hydra's parser took about a third of the aggregate's time."""
    (o,) = OverridesParser.create().parse_overrides([override])
    return o.key_or_group, o.value()


def run_params(run_dir: Path) -> dict:
    """The run's swept parameters (its task overrides) plus the scenario and seed it ran with."""
    summary = json.loads((run_dir / "summary.json").read_text())
    overrides = run_overrides(run_dir, summary)
    given = dict(_parsed(o) for o in overrides)
    # sweep.* are settings of the aggregate, not of the model
    params = {k: v for k, v in given.items() if not k.startswith(("sweep.", "hydra"))}
    if given.get("sweep.sample") is not None and given.get("sweep.row") is not None:
        # a sampled sweep: the row's lever values are the run's parameters
        params["sample_row"] = int(given["sweep.row"])
        params.update(_sample(str(given["sweep.sample"]), str(run_dir.parent)).iloc[int(given["sweep.row"])].to_dict())
    params.setdefault("scenario", summary["scenario"])
    params["seed"] = summary["seed"]
    return params


def _params_frame(runs: list[Path]) -> pd.DataFrame:
    rows = [{"run_id": r.name, **run_params(r)} for r in runs]
    frame = pd.DataFrame(rows)
    for col in frame.columns[1:]:
        values = frame[col]
        if values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) or v is None).all():
            frame[col] = pd.to_numeric(values)
        elif not values.map(lambda v: isinstance(v, bool) or v is None).all():
            frame[col] = values.map(lambda v: None if v is None else str(v))
    return frame


def setting_columns(params: pd.DataFrame) -> list[str]:
    return [c for c in params.columns if c not in ("run_id", "seed")]


def _year_means(ts: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return ts.groupby("year")[columns].mean()


_OPS = {
    ">": np.greater,
    ">=": np.greater_equal,
    "<": np.less,
    "<=": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "lt": np.less,
    "le": np.less_equal,
}


def _holds(yearly: pd.DataFrame, event) -> bool | None:
    """Did the event happen in this run (compared on yearly means)? None if the run ends before its year.

    On the columns' arrays, not pandas Series: a run's few years, three events, a thousand runs.
    """
    years = yearly.index.to_numpy()
    year = int(event["year"])
    if year > years.max():
        return None
    left = yearly[event["left"]].to_numpy()
    right = yearly[event["right"]].to_numpy() if isinstance(event["right"], str) else float(event["right"])
    ok = _OPS[event["op"]](left, right)  # NaN compares false, as in pandas
    if event["when"] == "in":
        return bool(ok[years == year].any())
    upto = ok[years <= year]
    return bool(upto.any()) if event["when"] == "by" else bool(len(upto) and upto.all())


def _read_ahead(paths: list[Path], ahead: int = 4):
    """The Parquet tables at `paths`, in order, each read on a helper thread a few runs ahead.

    Reading and decoding happen in Arrow's C++ code (without the GIL), so they overlap the main
    thread's per-run work; at most `ahead` tables wait in memory (the sweep is still streamed).
    """
    with ThreadPoolExecutor(1) as pool:
        pending = deque(pool.submit(pq.read_table, p) for p in paths[:ahead])
        for path in paths[ahead:]:
            table = pending.popleft().result()
            pending.append(pool.submit(pq.read_table, path))
            yield table
        while pending:
            yield pending.popleft().result()


def _end_means(run_dir: Path, table: pa.Table) -> dict[str, float]:
    """The run's end-of-run outcomes: its summary.json has them already (the run computed them with
    `end_means` from the same table), so the aggregate reads them instead of loading the table into
    pandas again. Recomputed if the summary does not hold every outcome column."""
    outcomes = json.loads((run_dir / "summary.json").read_text()).get("outcomes_last_year") or {}
    columns = [c for c in table.column_names if c not in IDENTITY]
    if set(outcomes) == set(columns):
        return {c: outcomes[c] for c in columns}  # the table's column order (the JSON's keys are sorted)
    return end_means(table.to_pandas())


def _event_columns(event) -> list[str]:
    return [event["left"]] + ([event["right"]] if isinstance(event["right"], str) else [])


def aggregate(
    sweep_dir,
    events: dict | None = None,
    quantiles=(0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95),
    csv: bool = False,
    summary: bool = True,
) -> dict:
    """Write sweep.parquet, runs.parquet, summary.parquet and events.parquet into `sweep_dir`.

    With `csv`, also CSV copies of runs, summary and events (sweep.parquet, one row per run and
    quarter, is left to tools that read Parquet). Without `summary`, no summary.parquet: in a
    sampled sweep every setting is one run, and its quantiles over one run are the largest table
    and most of the aggregate's time (1,000 runs: 0.7 GB, minutes, a DuckDB sort of ~20 GB).
    """
    sweep_dir = Path(sweep_dir)
    for orphan in sweep_dir.glob(".*.tmp"):  # left by an aggregate that was killed
        orphan.unlink(missing_ok=True)
    runs = complete_runs(sweep_dir)
    if not runs:
        return {"runs": 0}
    params = _params_frame(runs)
    defaults = dataclasses.asdict(EventConfig())
    events = {name: {**defaults, **ev} for name, ev in (events or {}).items()}
    schema = pa.unify_schemas([pq.read_schema(r / "timeseries.parquet").remove_metadata() for r in runs])
    missing = {name: ev for name, ev in events.items() if not set(_event_columns(ev)) <= set(schema.names)}
    for name, ev in missing.items():
        print(
            f"warning: event {name}: no column {', '.join(set(_event_columns(ev)) - set(schema.names))} "
            "in this sweep; skipped"
        )
        events.pop(name)
    param_schema = pa.Schema.from_pandas(params, preserve_index=False).remove_metadata()
    out_schema = pa.schema(list(param_schema) + list(schema))
    end_rows = []
    event_cols = list(dict.fromkeys(c for ev in events.values() for c in _event_columns(ev)))

    def write(tmp):
        pending, rows = [], 0
        with pq.ParquetWriter(tmp, out_schema) as writer:
            tables = _read_ahead([r / "timeseries.parquet" for r in runs])
            for i, (run_dir, table) in enumerate(zip(runs, tables)):
                end = _end_means(run_dir, table)
                if events:  # one groupby for all events, over only the columns they read
                    yearly = _year_means(table.select(["year"] + event_cols).to_pandas(), event_cols)
                    for name, ev in events.items():
                        end[f"event:{name}"] = _holds(yearly[_event_columns(ev)], ev)
                end_rows.append(end)
                present = set(table.column_names)  # (one list of names, not one per column)
                for f in schema:  # a column this run lacks (another scenario's blocs) is empty
                    if f.name not in present:
                        table = table.append_column(f, pa.nulls(table.num_rows, f.type))
                table = table.select(schema.names).cast(schema)  # one cast for the whole table
                fixed = [
                    pa.chunked_array([pa.array([params.iat[i, j]] * table.num_rows, f.type)])
                    for j, f in enumerate(param_schema)
                ]
                pending.append(pa.Table.from_arrays(fixed + table.columns, schema=out_schema))
                rows += table.num_rows
                if rows >= ROW_GROUP_ROWS:
                    rows = _flush(writer, pending)
            _flush(writer, pending)

    # The tables appear together or not at all: a killed or failed aggregate leaves the previous
    # one (or none) and temporary files the next aggregate removes, never a mix of two.
    with Batch() as batch:
        staged_sweep = batch.add(sweep_dir / "sweep.parquet", write)
        runs_table = pd.concat([params, pd.DataFrame(end_rows)], axis=1)
        settings = setting_columns(params)
        tables = [("runs", runs_table)]
        if summary:
            outcomes = [f.name for f in schema if f.name not in IDENTITY and pa.types.is_floating(f.type)]
            tables.append(("summary", _summary(staged_sweep, settings, outcomes, quantiles)))
        else:
            for stale in ("summary.parquet", "summary.csv"):  # an earlier aggregate's, of other runs
                (sweep_dir / stale).unlink(missing_ok=True)
        tables.append(("events", event_probabilities(runs_table, settings, events)))
        for name, table in tables:
            write_parquet(table, sweep_dir / f"{name}.parquet", batch)
            if csv:
                write_csv(table, sweep_dir / f"{name}.csv", batch)
    return {"runs": len(runs), "settings": settings, "events": list(events)}


# Rows of sweep.parquet written at once (one row group): ~100 realistic runs. A row group per run
# cost each of a thousand runs the encoding of ~270 separate column chunks (~6 ms a run).
ROW_GROUP_ROWS = 8192


def _flush(writer: pq.ParquetWriter, pending: list[pa.Table]) -> int:
    """Write the runs waiting in `pending` as one row group, in their order; empty it."""
    if pending:
        writer.write_table(pa.concat_tables(pending))
        pending.clear()
    return 0


def _q(q: float) -> str:
    return f"q{round(q * 100):02d}"


def _summary(path: Path, settings: list[str], outcomes: list[str], quantiles) -> pd.DataFrame:
    """Quantiles per setting, period and outcome, computed by DuckDB without loading the sweep.

    Byte-identical for identical runs: the quantiles come from each group's sorted values, and the
    mean too (a sum in sorted order), not from `avg`, whose parallel partial sums round differently
    from one aggregate to the next. The file's path is a query parameter, never part of the SQL.
    """
    import duckdb

    quote = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
    keys = ", ".join(quote(c) for c in settings + ["period", "year"])
    # One quantile_cont over the list of quantiles sorts each group once, not once per quantile
    # (about half the query's time); the same values, picked out into one column per quantile.
    qs = f"quantile_cont(value, [{', '.join(repr(float(q)) for q in quantiles)}]) AS _qs"
    picked = ", ".join(f"_qs[{i}] AS {_q(q)}" for i, q in enumerate(quantiles, start=1))
    casts = ", ".join(f"CAST({quote(c)} AS DOUBLE) AS {quote(c)}" for c in outcomes)
    con = duckdb.connect()
    con.execute("SET threads TO 2; SET preserve_insertion_order = false")
    sql = f"""
        WITH wide AS (SELECT {keys}, {casts} FROM read_parquet($path)),
             long AS (UNPIVOT wide ON {", ".join(quote(c) for c in outcomes)} INTO NAME outcome VALUE value),
             grouped AS (SELECT {keys}, outcome, count(value) AS n,
                                list_avg(list_sort(list(value))) AS mean, {qs}
                         FROM long GROUP BY ALL)
        SELECT * EXCLUDE (_qs), {picked} FROM grouped ORDER BY ALL"""
    return con.execute(sql, {"path": str(path)}).df()


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def event_probabilities(runs: pd.DataFrame, settings: list[str], events: dict) -> pd.DataFrame:
    rows = []
    groups = runs.groupby(settings, dropna=False, sort=True) if settings else [((), runs)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        for name, ev in events.items():
            hits = group[f"event:{name}"].dropna().astype(bool)  # runs that end before the year don't count
            lo, hi = _wilson(int(hits.sum()), len(hits))
            rows.append(
                {
                    **dict(zip(settings, key)),
                    "event": name,
                    "label": ev.get("label") or name,
                    "runs": len(hits),
                    "probability": float(hits.mean()) if len(hits) else float("nan"),
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    columns = settings + ["event", "label", "runs", "probability", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def setting_label(row: pd.Series | dict, settings: list[str]) -> str:
    """A short name for a setting in plot legends: the values of the parameters that vary."""
    parts = [f"{c.rsplit('.', 1)[-1]}={row[c]}" for c in settings]
    return ", ".join(parts) or "all runs"
