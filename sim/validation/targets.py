"""The FACTS.md targets, each computed from one run's output tables.

A run's tables: `ts` (timeseries), `countries`, `deals`, `inst` (institutions as of
2022Q4, the end of the MERICS window) and `scale` (agents per real-world actor).
Counts in `ts` and `countries` are already real-world-scaled by the Recorder; a row
of `deals` is one model deal, so it counts 1/scale real-world deals.

Each target returns named values per seed; the report takes medians over seeds and
the target's `check` decides in or out of band on the medians. Bands are FACTS.md's;
where FACTS.md gives only an absolute figure (C1, the I1/I2 counts) the band is
+-35% of it (stated in `band`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HISTORY = (2017, 2022)  # MERICS window
COUNT_TOL = 0.35  # band for absolute counts: +-35% of the published figure


@dataclass
class Target:
    id: str
    fact: str
    band: str
    metric: Callable[[dict], dict]  # tables -> {name: value}
    check: Callable[[dict], bool]  # medians -> in band
    series: str | None = None  # a timeseries to fan-plot (annual), if any
    bands: dict = field(default_factory=dict)  # name -> (lo, hi) drawn on the fan plot / used by check


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


def between(v, lo, hi) -> bool:
    return bool(lo <= v <= hi)


def _in(name, lo, hi):
    return lambda m: between(m[name], lo, hi)


def _count_band(x):
    return (x * (1 - COUNT_TOL), x * (1 + COUNT_TOL))


# --- research collaboration ---------------------------------------------------------------------


def c1(t):
    return {"papers_2017_2022": float(window(t["ts"])["papers_CN_EU"].sum())}


def c2(t):
    a = annual(t["ts"], "papers_CN_EU")
    return {"ratio_2021_2017": float(a[2021] / a[2017]) if a.get(2017) else np.nan}


def c3(t):
    a = annual(t["ts"], "papers_CN_EU")
    return {f"growth_{y - 1}_{y}": float(a[y] / a[y - 1] - 1) for y in (2019, 2020, 2021)}


def c3_check(m):
    return m["growth_2019_2020"] < m["growth_2018_2019"] and m["growth_2019_2020"] < m["growth_2020_2021"]


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


def c5_check(m):
    return (
        between(m["share_2017"], 0.05, 0.07)
        and between(m["share_2021"], 0.07, 0.095)
        and m["growth_cn_share"] < m["growth_eu_share"]
    )


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


def c6_check(m):
    return between(m["share_UK"], 0.40, 0.52) and between(m["share_DE"], 0.09, 0.15) and m["DE_rank"] == 2


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


def c9_check(m):
    return between(m["share_below_10"], 0.60, 0.80) and m["top_over_second"] >= 1.5


FIELDS = ("vision", "nlp", "robotics", "data_mining", "networking", "other")


def c10(t):
    w = window(t["ts"])
    by = {f: float(w[f"papers_CN_EU_{f}"].sum()) for f in FIELDS}
    total = sum(by.values())
    return {
        "vision_largest": float(max(by, key=by.get) == "vision"),
        "share_vision_networking": (by["vision"] + by["networking"]) / total if total else np.nan,
    }


def c10_check(m):
    return m["vision_largest"] >= 0.5 and between(m["share_vision_networking"], 0.25, 0.45)


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
    return out


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
    """Real-world-scaled deal counts and distinct funded companies, both directions, 2017-2022."""
    out = {}
    for a, b in (("CN", "EU"), ("EU", "CN")):
        d = _deals(t, a, b)
        out[f"deals_{a}_to_{b}"] = len(d) / t["scale"]
        out[f"companies_{a}_to_{b}"] = d["company_id"].nunique() / t["scale"] if "company_id" in d else np.nan
    return out


I7_BANDS = {"deals_CN_to_EU": 98, "companies_CN_to_EU": 76, "deals_EU_to_CN": 81, "companies_EU_to_CN": 64}


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


C1_BAND = _count_band(36951)
I1_COUNT, I2_COUNT = _count_band(98), _count_band(81)

TARGETS: list[Target] = [
    Target(
        "C1",
        "36,951 Europe-China AI papers 2017-2022",
        f"[{C1_BAND[0]:,.0f}, {C1_BAND[1]:,.0f}] (+-35%)",
        c1,
        lambda m: between(m["papers_2017_2022"], *C1_BAND),
        "papers_CN_EU",
    ),
    Target(
        "C2",
        "2021 papers more than twice 2017",
        "ratio 2021/2017 in [1.8, 2.6]",
        c2,
        _in("ratio_2021_2017", 1.8, 2.6),
        "papers_CN_EU",
    ),
    Target(
        "C3",
        "slower growth in 2020, steep rise in 2021",
        "growth 2019-20 below 2018-19 and 2020-21",
        c3,
        c3_check,
        "papers_CN_EU",
    ),
    Target(
        "C4",
        "EU-CN papers ~5% of Europe's output 2017, ~10% 2021",
        "2017 in [4%, 6%]; 2021 in [8%, 12%]",
        c4,
        lambda m: between(m["share_2017"], 0.04, 0.06) and between(m["share_2021"], 0.08, 0.12),
        "share_EU_output_with_CN",
        {2017: (0.04, 0.06), 2021: (0.08, 0.12)},
    ),
    Target(
        "C5",
        "~6% to ~8% of China's output",
        "2017 [5%, 7%]; 2021 [7%, 9.5%]; grows less than Europe's",
        c5,
        c5_check,
        "share_CN_output_with_EU",
        {2017: (0.05, 0.07), 2021: (0.07, 0.095)},
    ),
    Target(
        "C6", "UK ~47%, Germany ~12% (second) of EU-CN papers", "UK [40%, 52%]; DE [9%, 15%] and second", c6, c6_check
    ),
    Target("C7", "~44% involve military-linked Chinese entities", "[38%, 50%]", c7, _in("share_military", 0.38, 0.50)),
    Target("C8", "~20-23% have a corporate co-author", "[17%, 28%]", c8, _in("share_corporate", 0.17, 0.28)),
    Target(
        "C9",
        "DE: 70% of institutions < 10 papers; top > 2x second",
        "share < 10 in [60%, 80%]; top/second >= 1.5",
        c9,
        c9_check,
    ),
    Target(
        "C10", "vision largest field; vision + networking ~1/3", "vision largest; share in [25%, 45%]", c10, c10_check
    ),
    Target(
        "C11",
        "EU-CN papers cited more than EU-only",
        "impact EU-CN > EU-only",
        c11,
        lambda m: m["citation_EU_CN"] > m["citation_EU_only"],
    ),
    Target(
        "C12", "US-CN top partners, ~3x UK-US", "US-CN 2017 >= 2x UK-US", c12, lambda m: m["ratio_UScn_to_UKus"] >= 2.0
    ),
    Target(
        "C13",
        "China's output grows fastest",
        "growth CN 2017-22 > US and EU",
        c13,
        lambda m: m["growth_CN"] > m["growth_US"] and m["growth_CN"] > m["growth_EU"],
        "papers_total_CN",
    ),
    Target(
        "I1",
        "98 of 8,037 European AI deals (1.2%) with Chinese investors",
        f"share [0.8%, 1.6%]; deals [{I1_COUNT[0]:.0f}, {I1_COUNT[1]:.0f}] (+-35%)",
        i1,
        lambda m: between(m["share"], 0.008, 0.016) and between(m["deals"], *I1_COUNT),
        "deals_CN_to_EU",
    ),
    Target(
        "I2",
        "81 of 2,165 Chinese AI deals (3.7%) with European investors",
        f"share [2.8%, 4.6%]; deals [{I2_COUNT[0]:.0f}, {I2_COUNT[1]:.0f}] (+-35%)",
        i2,
        lambda m: between(m["share"], 0.028, 0.046) and between(m["deals"], *I2_COUNT),
        "deals_EU_to_CN",
    ),
    Target(
        "I3", "US investors in ~17% of Chinese AI deals", "[13%, 21%]", i3, _in("share", 0.13, 0.21), "deals_US_to_CN"
    ),
    Target(
        "I4",
        "CN deals in Europe 9 (2017) -> 22 (2022)",
        "ratio 2022/2017 in [1.5, 3.5]",
        i4,
        _in("ratio_2022_2017", 1.5, 3.5),
        "deals_CN_to_EU",
    ),
    Target(
        "I5",
        "of the 98: 43 UK, 20 DE",
        "UK [35%, 53%]; DE [13%, 27%]",
        i5,
        lambda m: between(m["share_UK"], 0.35, 0.53) and between(m["share_DE"], 0.13, 0.27),
    ),
    Target(
        "I6",
        "private AI investment 2023: EU 12 bn, CN 30 bn",
        "CN/EU in [2.0, 3.0]",
        i6,
        _in("ratio_CN_EU_2023", 2.0, 3.0),
    ),
    Target(
        "I7",
        "CN investors in Europe: 98 deals, 76 companies; EU investors in China: 81 deals, 64 companies",
        "each count within +-25%",
        i7,
        lambda m: all(between(m[k], 0.75 * v, 1.25 * v) for k, v in I7_BANDS.items()),
    ),
    Target(
        "G1",
        "NVIDIA ~70% of AI chips; AMD, Intel follow",
        "US supply share 2017 >= 0.8",
        g1,
        lambda m: m["us_supply_share"] >= 0.8,
    ),
    Target(
        "G2",
        "2023 notable models: US 61, CN 15",
        "US/CN in [3, 5]",
        g2,
        _in("ratio_US_CN_2023", 3.0, 5.0),
        "frontier_models_US",
    ),
]

BY_ID = {t.id: t for t in TARGETS}


def evaluate(tables: dict) -> dict:
    """{target id: {value name: value}} for one run."""
    return {t.id: t.metric(tables) for t in TARGETS}
