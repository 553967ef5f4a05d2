"""Runs for validation: the scenario over seeds, and the paired lever runs of the directions checks.

A run is one (seed, variant) job; jobs are independent and seeded, so results do not
depend on how many workers run them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..config import EntangleConfig
from ..run import build_model

SNAPSHOT = "2022Q4"  # institutions table taken at the end of the MERICS window (C9)
DIRECTION_YEAR = 2030  # outcomes compared in this year


@dataclass
class Direction:
    name: str
    lever: dict  # policies.<family>.<field> = value (added at policies.start)
    checks: list  # (label, fn(ts_base, ts_lever) -> bool)


def _year(ts, col, year=DIRECTION_YEAR):
    return float(ts.loc[ts["year"] == year, col].mean())


def _years(ts, col, y0, y1, how="sum"):
    s = ts.loc[(ts["year"] >= y0) & (ts["year"] <= y1), col]
    return float(s.sum() if how == "sum" else s.mean())


def _growth(ts, col, y0=2025, y1=2028):
    return _year(ts, col, y1) / _year(ts, col, y0)


DIRECTIONS = [
    Direction(
        "Tighter US export controls on China",
        {
            "export_controls": {
                "issuer": "US",
                "target": "CN",
                "scope": ["chips", "tools"],
                "stringency": 1.0,
                "evasion": 0.0,
            }
        },
        [
            (
                "CN compute access falls (2026)",
                lambda b, p: _year(p, "compute_access_CN", 2026) < _year(b, "compute_access_CN", 2026),
            ),
            (
                "CN capability growth 2025-28 slows",
                lambda b, p: _growth(p, "capability_CN") < _growth(b, "capability_CN"),
            ),
            ("CN chip capacity rises (2030)", lambda b, p: _year(p, "chip_capacity_CN") > _year(b, "chip_capacity_CN")),
        ],
    ),
    Direction(
        "Stricter EU research security on China",
        {"research_security": {"bloc": "EU", "partner": "CN", "screening": 0.8, "ban_military": 0.8}},
        [
            ("fewer EU-CN papers (2030)", lambda b, p: _year(p, "papers_CN_EU") < _year(b, "papers_CN_EU")),
            (
                "smaller military-linked share (2030)",
                lambda b, p: _year(p, "share_CN_EU_military_linked") < _year(b, "share_CN_EU_military_linked"),
            ),
        ],
    ),
    Direction(
        "Stricter EU inbound screening",
        {"investment_screening": {"bloc": "EU", "partner": "all", "inbound": 1.0, "threshold_eur_m": 0.0}},
        [
            (
                "fewer foreign deals into the EU (2025-30)",
                lambda b, p: (
                    _years(p, "deals_CN_to_EU", 2025, 2030) + _years(p, "deals_US_to_EU", 2025, 2030)
                    < _years(b, "deals_CN_to_EU", 2025, 2030) + _years(b, "deals_US_to_EU", 2025, 2030)
                ),
            )
        ],
    ),
    Direction(
        "Stricter EU inbound screening of Chinese capital",
        {"investment_screening": {"bloc": "EU", "partner": "CN", "inbound": 1.0, "threshold_eur_m": 0.0}},
        [
            (
                "fewer CN deals into the EU (2025-30)",
                lambda b, p: _years(p, "deals_CN_to_EU", 2025, 2030) < _years(b, "deals_CN_to_EU", 2025, 2030),
            ),
            (
                "diverted: more CN capital into the US (2025-30)",
                lambda b, p: _years(p, "capital_CN_to_US", 2025, 2030) > _years(b, "capital_CN_to_US", 2025, 2030),
            ),
        ],
    ),
    Direction(
        "Larger InvestAI budget",
        {"investai": {"bloc": "EU", "name": "InvestAI", "budget_eur_bn": 400.0}},
        [
            ("higher EU capability (2030)", lambda b, p: _year(p, "capability_EU") > _year(b, "capability_EU")),
            ("smaller EU-US gap (2030)", lambda b, p: abs(_year(p, "gap_EU_US")) < abs(_year(b, "gap_EU_US"))),
        ],
    ),
    Direction(
        "EU-US standards agreement",
        {"standards_agreements": {"name": "eu_us", "parties": ["EU", "US"], "depth": 0.6}},
        [
            ("EU-US alignment rises (2030)", lambda b, p: _year(p, "alignment_EU_US") > _year(b, "alignment_EU_US")),
            (
                "cross-compliance rises (2030)",
                lambda b, p: (
                    _year(p, "cross_compliance_EU_with_US") + _year(p, "cross_compliance_US_with_EU")
                    > _year(b, "cross_compliance_EU_with_US") + _year(b, "cross_compliance_US_with_EU")
                ),
            ),
        ],
    ),
]


def make_config(scenario: str, seed: int, factor: float, end: str | None, params=None, lever=None) -> EntangleConfig:
    cfg = EntangleConfig(scenario=scenario, seed=seed, end=end)
    cfg.scale.factor = factor
    if params is not None:
        cfg.params = copy.deepcopy(params)
    for family, fields in (lever or {}).items():
        for k, v in fields.items():
            setattr(getattr(cfg.policies, family), k, v)
    return cfg


def run_tables(cfg: EntangleConfig) -> dict:
    """Run one config; return its tables, the institutions table as of SNAPSHOT, and the scale."""
    m = build_model(cfg)
    inst = None
    while m.running:
        m.step()
        if m.period == SNAPSHOT or (inst is None and not m.running):
            inst = m.recorder.institutions(m)
    tables = {
        "ts": m.recorder.timeseries(),
        "countries": m.recorder.countries(),
        "deals": m.recorder.deals(m),
        "inst": inst,
        "scale": cfg.scale.factor,
    }
    m.release()
    return tables


def history_job(args) -> dict:
    """One seed of the scenario: its target values (and its timeseries for fans and paired checks)."""
    from .targets import evaluate

    scenario, seed, factor, end, params = args
    t = run_tables(make_config(scenario, seed, factor, end, params))
    return {"seed": seed, "values": evaluate(t), "ts": t["ts"]}


def lever_job(args) -> dict:
    """One seed with one lever changed: its timeseries, for the paired comparison."""
    scenario, seed, factor, end, params, index = args
    d = DIRECTIONS[index]
    cfg = make_config(scenario, seed, factor, end, params, d.lever)
    m = build_model(cfg)
    m.run()
    m.release()
    return {"seed": seed, "index": index, "ts": m.recorder.timeseries()}


def judge_directions(base: dict, levered: list[dict]) -> list[dict]:
    """Per direction and check: share of seeds where the paired difference has the right sign."""
    rows = []
    for i, d in enumerate(DIRECTIONS):
        runs = [r for r in levered if r["index"] == i]
        for label, fn in d.checks:
            ok = [bool(fn(base[r["seed"]], r["ts"])) for r in runs]
            share = float(np.mean(ok)) if ok else float("nan")
            rows.append(
                {
                    "direction": d.name,
                    "check": label,
                    "seeds_holding": f"{sum(ok)}/{len(ok)}",
                    "share": share,
                    "holds": bool(ok) and share >= 0.8,
                }
            )
    return rows


def directions_available(scenario_end: str) -> bool:
    return scenario_end >= f"{DIRECTION_YEAR}Q4"
