"""The FACTS.md targets: each computed from one run's output tables, judged by configs/validation_targets.yaml.

A run's tables: `ts` (timeseries), `countries`, `deals`, `inst` (institutions as of
2022Q4, the end of the MERICS window) and `scale` (agents per real-world actor).
Counts in `ts` and `countries` are already real-world-scaled by the Recorder; a row
of `deals` is one model deal, so it counts 1/scale real-world deals.

Each target's function here returns named values per seed; the targets file says, per
part, which value (or comparison of two) is scored, its band, fit or test group, kind
(emergent, input, initial) and the scales it is scored at. The report takes medians over
seeds and judges each part on them.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HISTORY = (2017, 2022)  # MERICS window
TARGETS_FILE = Path(__file__).resolve().parent.parent.parent / "configs" / "validation_targets.yaml"
GROUPS, KINDS, SCALES = ("fit", "test"), ("emergent", "input", "initial", "outside"), ("all", "realistic")
COUNTED = ("emergent", "initial")  # kinds counted towards "in band" (FACTS.md: initial conditions by their row)
# Outside checks (ids X1, ...): published facts that are not in FACTS.md, found by the team; judged and reported,
# never counted, never tuned on: they say where the model's emergent path disagrees with the wider record.
OUTSIDE_PREFIX = "X"
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass
class Part:
    """One scored quantity of a target."""

    name: str
    group: str
    kind: str
    scale: str
    years: tuple[int, int]
    value: str | None = None  # the named value whose median must lie in `band`
    band: tuple[float | None, float | None] | None = None
    compare: tuple[str, str, str] | None = None  # (value, op, value) on medians
    note: str = ""
    on_series: bool = False  # draw the band on the target's fan plot at years[0]
    not_computed: str = ""  # why today's outputs cannot give it
    seen: str = ""  # a choice (not a declared parameter) made while looking at this part (sim/validation/seen.py)

    def band_text(self) -> str:
        if self.compare:
            return " ".join(self.compare)
        lo, hi = self.band
        if lo is not None and hi is not None:
            return f"[{lo:g}, {hi:g}]" if lo != hi else f"= {lo:g}"
        return f">= {lo:g}" if lo is not None else f"<= {hi:g}"

    def holds(self, medians: dict) -> bool:
        """In band on these values (False when a value is missing or undefined)."""
        try:
            if self.compare:
                a, op, b = self.compare
                return bool(_OPS[op](medians[a], medians[b]))
            v, (lo, hi) = medians[self.value], self.band
            return bool(v == v and (lo is None or v >= lo) and (hi is None or v <= hi))
        except (KeyError, TypeError):
            return False

    def scored_at(self, factor: float) -> bool:
        return self.scale == "all" or factor >= 1.0


@dataclass
class Target:
    id: str
    fact: str
    source: str
    band: str
    metric: Callable[[dict], dict]  # tables -> {name: value}
    parts: list[Part] = field(default_factory=list)
    series: str | None = None  # a timeseries to fan-plot (annual), if any

    def check(self, values: dict) -> bool:
        """Every computable part in band on these values (whatever its kind and scale)."""
        return all(p.holds(values) for p in self.parts if not p.not_computed)


def annual(ts: pd.DataFrame, col: str, how: str = "sum") -> pd.Series:
    """Yearly totals (flows) or means (shares, stocks) of a quarterly column."""
    g = ts.groupby("year")[col]
    return g.sum() if how == "sum" else g.mean()


def window(df: pd.DataFrame, years=HISTORY) -> pd.DataFrame:
    return df[(df["year"] >= years[0]) & (df["year"] <= years[1])]


def weighted(ts, share_col, weight_col, years=HISTORY) -> float:
    w = window(ts, years)
    n = w[weight_col].sum()
    return float((w[share_col] * w[weight_col]).sum() / n) if n else 0.0


def annual_share(ts, num, den, year) -> float:
    a, b = annual(ts, num), annual(ts, den)
    return float(a.get(year, 0.0) / b.get(year, np.nan)) if b.get(year, 0) else 0.0


# --- research collaboration ---------------------------------------------------------------------


def c1(t):
    return {"papers_2017_2022": float(window(t["ts"])["papers_CN_EU"].sum())}


def c2(t):
    a = annual(t["ts"], "papers_CN_EU")
    return {"ratio_2021_2017": float(a[2021] / a[2017]) if a.get(2017) else np.nan}


def c3(t):
    a = annual(t["ts"], "papers_CN_EU")
    return {f"growth_{y - 1}_{y}": float(a[y] / a[y - 1] - 1) for y in (2019, 2020, 2021)}


def c4(t):
    ts = t["ts"]
    return {y: annual_share(ts, "papers_CN_EU", "papers_total_EU", int(y[-4:])) for y in ("share_2017", "share_2021")}


def c5(t):
    ts = t["ts"]
    out = {y: annual_share(ts, "papers_CN_EU", "papers_total_CN", int(y[-4:])) for y in ("share_2017", "share_2021")}
    eu = c4(t)
    out["growth_cn_share"] = out["share_2021"] / out["share_2017"] if out["share_2017"] else np.nan
    out["growth_eu_share"] = eu["share_2021"] / eu["share_2017"] if eu["share_2017"] else np.nan
    return out


def _eu_country_shares(t, col="papers_with_CN"):
    c = window(t["countries"])
    c = c[c["bloc"] == "EU"].groupby("country")[col].sum()
    return c / c.sum() if c.sum() else c


def c6(t):
    s = _eu_country_shares(t)
    named = s.drop("other", errors="ignore").sort_values(ascending=False)
    return {
        "share_UK": float(s.get("UK", 0.0)),
        "share_DE": float(s.get("DE", 0.0)),
        "DE_rank": float(list(named.index).index("DE") + 1) if "DE" in named.index else np.nan,
    }


def c7(t):
    return {"share_military": weighted(t["ts"], "share_CN_EU_military_linked", "papers_CN_EU")}


def c8(t):
    return {"share_corporate": weighted(t["ts"], "share_CN_EU_corporate", "papers_CN_EU")}


def c9(t):
    i = t["inst"]
    de = i[(i["country"] == "DE") & (i["papers_with_CN"] > 0)]["papers_with_CN"].sort_values(ascending=False)
    if len(de) < 2:
        return {"share_below_10": np.nan, "top_over_second": np.nan, "institutions": float(len(de))}
    return {
        "share_below_10": float((de < 10).mean()),
        "top_over_second": float(de.iloc[0] / de.iloc[1]),
        "institutions": float(len(de) / t["scale"]),
    }


FIELDS = ("vision", "nlp", "robotics", "data_mining", "networking", "other")


def c10(t):
    w = window(t["ts"])
    by = {f: float(w[f"papers_CN_EU_{f}"].sum()) for f in FIELDS}
    total = sum(by.values())
    return {
        "vision_largest": float(max(by, key=by.get) == "vision"),
        "share_vision_networking": (by["vision"] + by["networking"]) / total if total else np.nan,
    }


def c11(t):
    ts = t["ts"]
    return {
        "citation_EU_CN": weighted(ts, "citation_CN_EU", "papers_CN_EU"),
        "citation_EU_only": float(window(ts)["citation_EU_domestic"].mean()),
    }


def c12(t):
    ts, c = t["ts"], t["countries"]
    uk = c[(c["country"] == "UK") & (c["year"] == 2017)]["papers_with_US"].sum()
    us_cn = ts[ts["year"] == 2017]["papers_CN_US"].sum()
    return {"ratio_UScn_to_UKus": float(us_cn / uk) if uk else np.nan}


def c13(t):
    out = {}
    for b in ("CN", "US", "EU"):
        a = annual(t["ts"], f"papers_total_{b}")
        out[f"growth_{b}"] = float(a[2022] / a[2017])
        out[f"growth_{b}_2020"] = float(a[2020] / a[2017])  # the fit half: the years up to 2020
    return out


def _yearly(ts, col):
    return annual(ts, col).reindex(range(HISTORY[0], HISTORY[1] + 1), fill_value=0.0)


def _ratio(a, b) -> float:
    return float(a / b) if b else np.nan


def c14(t):
    us, eu = _yearly(t["ts"], "papers_CN_US"), _yearly(t["ts"], "papers_CN_EU")
    early = range(2017, 2021)
    return {
        "min_US_over_EU_2017_2020": min(_ratio(us[y], eu[y]) for y in early),
        "EU_over_US_2022": _ratio(eu[2022], us[2022]),
    }


def c15(t):
    a = annual(t["ts"], "papers_EU_US")
    return {"ratio_2022_2020": _ratio(a.get(2022, np.nan), a.get(2020, 0.0))}


def c16(t):
    """China's partners by year: the US (the US-CN pair), the UK, then the next European country."""
    us = _yearly(t["ts"], "papers_CN_US")
    c = window(t["countries"])
    eu = c[c["bloc"].isin(["EU", "UK"]) & (c["country"] != "other")]
    by = eu.groupby(["year", "country"])["papers_with_CN"].sum().unstack("country")
    uk = by["UK"] if "UK" in by else pd.Series(0.0, index=by.index)
    nxt = by.drop(columns="UK", errors="ignore").max(axis=1)
    out = {}
    for y0, y1 in ((2017, 2020), (2021, 2022)):
        years = [y for y in range(y0, y1 + 1) if y in by.index]
        out[f"min_US_over_UK_{y0}_{y1}"] = min((_ratio(us[y], uk[y]) for y in years), default=np.nan)
        out[f"min_UK_over_next_{y0}_{y1}"] = min((_ratio(uk[y], nxt[y]) for y in years), default=np.nan)
    return out


def c17(t):
    years = (2017, 2021)
    us_cn = float(window(t["ts"], years)["papers_CN_US"].sum())
    c = window(t["countries"], years)
    uk_us = float(c.loc[c["country"] == "UK", "papers_with_US"].sum())
    return {"papers_US_CN_2017_2021": us_cn, "ratio_UScn_to_UKus_2017_2021": _ratio(us_cn, uk_us)}


# --- investment ---------------------------------------------------------------------------------


def _deals(t, investor, target, years=HISTORY):
    d = window(t["deals"], years)
    return d[(d["investor_bloc"] == investor) & (d["target_bloc"] == target) & ~d["blocked"]]


def _rounds(t, target, years=HISTORY):
    return float(window(t["ts"], years)[f"deals_total_{target}"].sum())


def _foreign_share(t, investor, target):
    n = len(_deals(t, investor, target)) / t["scale"]
    total = _rounds(t, target)
    return {"share": n / total if total else np.nan, "deals": n, "transactions": total}


def i1(t):
    return _foreign_share(t, "CN", "EU")


def i2(t):
    return _foreign_share(t, "EU", "CN")


def i3(t):
    return {"share": _foreign_share(t, "US", "CN")["share"]}


def i4(t):
    d = _deals(t, "CN", "EU")
    n = d.groupby("year").size()
    return {
        "ratio_2022_2017": float(n.get(2022, 0) / n[2017]) if n.get(2017) else np.nan,
        "deals_2017": float(n.get(2017, 0) / t["scale"]),
        "deals_2022": float(n.get(2022, 0) / t["scale"]),
    }


def i5(t):
    d = _deals(t, "CN", "EU")
    n = d["target_country"].value_counts(normalize=True) if len(d) else pd.Series(dtype=float)
    return {"share_UK": float(n.get("UK", 0.0)), "share_DE": float(n.get("DE", 0.0))}


def i6(t):
    ts = t["ts"]
    a, b = annual(ts, "capital_total_CN"), annual(ts, "capital_total_EU")
    return {
        "ratio_CN_EU_2023": float(a[2023] / b[2023]) if b.get(2023) else np.nan,
        "EU_eur_bn_2023": float(b.get(2023, np.nan) / 1e9),
        "CN_eur_bn_2023": float(a.get(2023, np.nan) / 1e9),
    }


def i7(t):
    out = {}
    for a, b in (("CN", "EU"), ("EU", "CN")):
        d = _deals(t, a, b)
        out[f"deals_{a}_to_{b}"] = len(d) / t["scale"]
        out[f"companies_{a}_to_{b}"] = d["company_id"].nunique() / t["scale"]
    return out


# --- outside checks (not in FACTS.md) ------------------------------------------------------------


def x1(t):
    a = annual(t["ts"], "papers_CN_US")
    return {
        "ratio_2020_2017": float(a[2020] / a[2017]) if a.get(2017) else np.nan,
        "ratio_2021_2020": float(a[2021] / a[2020]) if a.get(2020) else np.nan,
    }


def _models(t, year):
    """[bloc] notable models in `year`, read from the yearly sums (nan where the run has no such year)."""
    return {b: float(annual(t["ts"], f"frontier_models_{b}").get(year, np.nan)) for b in ("EU", "CN", "US")}


def _over(a, b):
    return float(a / b) if b and np.isfinite(b) else np.nan


def x2(t):
    m = _models(t, 2023)
    return {"EU_over_CN_2023": _over(m["EU"], m["CN"]), "US_over_EU_2023": _over(m["US"], m["EU"])}


def x3(t):
    m, before = _models(t, 2024), _models(t, 2023)
    return {
        "EU_over_CN_2024": _over(m["EU"], m["CN"]),
        "US_over_CN_2024": _over(m["US"], m["CN"]),
        "US_2024_over_2023": _over(m["US"], before["US"]),
    }


def x4(t):
    us = annual(t["ts"], "capital_total_US")
    return {
        "US_eur_bn_2023": float(us.get(2023, np.nan) / 1e9),
        "US_2024_over_2023": _over(us.get(2024, np.nan), us.get(2023, np.nan)),
    }


# --- compute, capability ------------------------------------------------------------------------


def g1(t):
    return {"us_supply_share": float(t["ts"]["chip_supply_share_US"].iloc[0])}


def g2(t):
    ts = t["ts"]
    us, cn = annual(ts, "frontier_models_US"), annual(ts, "frontier_models_CN")
    return {
        "ratio_US_CN_2023": float(us[2023] / cn[2023]) if cn.get(2023) else np.nan,
        "US_2023": float(us.get(2023, np.nan)),
        "CN_2023": float(cn.get(2023, np.nan)),
    }


METRICS: dict[str, Callable[[dict], dict]] = {
    **{f"C{i}": globals()[f"c{i}"] for i in range(1, 18)},
    **{f"I{i}": globals()[f"i{i}"] for i in range(1, 8)},
    "G1": g1,
    "G2": g2,
    "X1": x1,
    "X2": x2,
    "X3": x3,
    "X4": x4,
}


def _part(tid: str, raw: dict) -> Part:
    def bad(problem):
        return ValueError(f"{TARGETS_FILE.name}: {tid}: {problem}")

    for key, allowed in (("group", GROUPS), ("kind", KINDS), ("scale", SCALES)):
        if raw.get(key) not in allowed:
            raise bad(f"{key} {raw.get(key)!r} is not one of {', '.join(allowed)}")
    compare = tuple(str(raw["compare"]).split()) if "compare" in raw else None
    if compare and (len(compare) != 3 or compare[1] not in _OPS):
        raise bad(f"compare {raw['compare']!r} is not 'value op value' with op one of {', '.join(_OPS)}")
    band = tuple(raw["band"]) if "band" in raw else None
    if not compare and (band is None or len(band) != 2):
        raise bad(f"part {raw.get('name') or raw.get('value')} has neither a band [lo, hi] nor a compare")
    return Part(
        name=str(raw.get("name") or raw.get("value") or raw["compare"]),
        group=raw["group"],
        kind=raw["kind"],
        scale=raw["scale"],
        years=tuple(raw["years"]),
        value=raw.get("value"),
        band=band,
        compare=compare,
        note=str(raw.get("note", "")),
        on_series=bool(raw.get("on_series", False)),
        not_computed=str(raw.get("not_computed", "")),
        seen=str(raw.get("seen", "")),
    )


def load(path: Path = TARGETS_FILE) -> list[Target]:
    """The targets of the targets file, in its order, each with the function that computes its values."""
    data = yaml.safe_load(Path(path).read_text())
    targets = []
    for tid, raw in data.items():
        if tid not in METRICS:
            raise ValueError(f"{Path(path).name}: {tid}: no metric computes it (sim/validation/targets.py)")
        targets.append(
            Target(
                id=tid,
                fact=raw["fact"],
                source=raw["source"],
                band=raw["band"],
                metric=METRICS[tid],
                parts=[_part(tid, p) for p in raw["parts"]],
                series=raw.get("series"),
            )
        )
    return targets


TARGETS: list[Target] = load()
# The last year any part reads: validation runs (without the directions) end with it.
LAST_YEAR: int = max(p.years[1] for t in TARGETS for p in t.parts)
BY_ID = {t.id: t for t in TARGETS}

# Targets that are a statistic inside one run, not a ratio of counts, so pooling runs makes no sense: C9 ranks
# one run's institutions (top over second), G1 is the first recorded quarter. They keep the seeds' median.
NOT_POOLED = frozenset({"C9", "G1"})


def europe_whole(tables: dict, part: str = "UK", whole: str = "EU") -> dict:
    """The tables with a bloc that is part of Europe in the sources (the UK in `uk_own_bloc`) folded into
    Europe, so that the targets score Europe as EU + UK (issue 14): pair and total counts add up, the
    bloc labels of deals and countries merge, ties and deals between the two become domestic, and the
    EU-CN shares the targets read are re-weighted by the papers they describe."""
    ts = tables["ts"]
    if not any(part in c.split("_") for c in ts.columns):
        return tables
    ts = ts.copy()
    cols = [c for c in ts.columns if part in c.split("_")]
    into = {c: "_".join(whole if w == part else w for w in c.split("_")) for c in cols}
    pw, pp = ts[f"papers_CN_{whole}"].copy(), ts[f"papers_CN_{part}"]
    n = (pw + pp).where(pw + pp > 0, 1.0)
    for col in cols:  # shares first, weighted by the papers before they are added up
        if col.startswith(f"share_CN_{part}_") and into[col] in ts:
            ts[into[col]] = (ts[into[col]] * pw + ts[col] * pp) / n
    for col in cols:
        words = col.split("_")
        # Counts add up; EU-UK pairs become domestic, not foreign.
        if words[0] in ("papers", "deals", "capital") and "share" not in words and into[col] in ts:
            if into[col].split("_").count(whole) < 2:
                ts[into[col]] = ts[into[col]] + ts[col]
    out = dict(tables, ts=ts)
    for key, cols in (("deals", ("investor_bloc", "target_bloc")), ("countries", ("bloc",)), ("inst", ("bloc",))):
        df = tables.get(key)
        if df is not None and all(c in df for c in cols):
            df = df.copy()
            for c in cols:
                df[c] = df[c].replace(part, whole)
            if key == "deals":
                df = df[df["investor_bloc"] != df["target_bloc"]]
            out[key] = df
    return out


def evaluate(tables: dict) -> dict:
    """{target id: {value name: value}} for one run; Europe is the EU and UK blocs together."""
    tables = europe_whole(tables)
    return {t.id: t.metric(tables) for t in TARGETS}


POOLED_TABLES = ("ts", "countries", "deals")


def pool(runs: list[dict]) -> dict:
    """The tables of several seeds as one run: rows stacked, so every count a target sums is summed over seeds.

    At small scales a ratio of two small counts is noisy and biased per seed (a share of a handful of papers,
    a yearly ratio with a near-empty denominator); pooling the counts first is the ratio of expected counts.
    Every pooled count is the sum over runs: `scale` stays the runs' factor, because the timeseries counts are
    already real-world-scaled per run and deals rows are divided by it (both then sum over runs). Company
    ids are offset per run so distinct-company counts do not merge firms of different seeds.
    """
    deals = []
    for k, r in enumerate(runs):
        d = r["deals"]
        if "company_id" in d:
            d = d.assign(company_id=d["company_id"] + k * (1 << 40))
        deals.append(d)
    return {
        "ts": pd.concat([r["ts"] for r in runs], ignore_index=True),
        "countries": pd.concat([r["countries"] for r in runs], ignore_index=True),
        "deals": pd.concat(deals, ignore_index=True),
        "inst": None,  # per-run statistics only (NOT_POOLED)
        "scale": runs[0]["scale"],
    }


def evaluate_pooled(runs: list[dict]) -> dict:
    """{target id: {value name: value}} on the seeds' pooled tables, for the targets that pool (not NOT_POOLED)."""
    tables = europe_whole(pool(runs))  # Europe is the EU and UK blocs together here too (issue 14)
    return {t.id: t.metric(tables) for t in TARGETS if t.id not in NOT_POOLED}
