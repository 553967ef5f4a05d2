"""The research-collaboration targets of ../shared/FACTS.md split into parts, each marked fit or test.

Parts dated up to 2020 are `fit` (calibration may tune on them); parts of 2021-2022 are `test`
(reported, never tuned on). C14-C17 are computed here from the run's tables; the others reuse
sim/validation/targets.py. A part holds when its check passes on the median over seeds of its
values (`summarize`). C11 and C13 are left out: their values are read back from inputs (a fixed
citation bonus, fixed capacity growth rates), so they do not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import targets as T

FIT_YEARS = range(2017, 2021)
TEST_YEARS = range(2021, 2023)


@dataclass
class Part:
    id: str
    group: str  # fit | test
    band: str
    values: object  # fn(tables) -> {name: float}
    check: object  # fn(medians) -> bool


def _annual(t, col):
    return T.annual(t["ts"], col)


def _country_cn(t):
    """[year] -> {country: papers with China} for the Europe bloc's named countries."""
    c = t["countries"]
    c = c[(c["bloc"] == "EU") & (c["country"] != "other")]
    return c.groupby(["year", "country"])["papers_with_CN"].sum()


def c14(t):
    us, eu = _annual(t, "papers_CN_US"), _annual(t, "papers_CN_EU")
    return {f"UScn_minus_EUcn_{y}": float(us[y] - eu[y]) for y in range(2017, 2023)}


def c16(t, years):
    us, by = _annual(t, "papers_CN_US"), _country_cn(t)
    out = {}
    for y in years:
        row = by.loc[y]
        uk = float(row.get("UK", 0.0))
        out[f"UScn_minus_UKcn_{y}"] = float(us[y]) - uk
        out[f"UKcn_minus_next_{y}"] = uk - float(row.drop("UK", errors="ignore").max())
    return out


def c17(t):
    ts, c = t["ts"], t["countries"]
    years = range(2017, 2022)
    us_cn = float(ts.loc[ts["year"].isin(years), "papers_CN_US"].sum())
    uk_us = float(c.loc[(c["country"] == "UK") & c["year"].isin(years), "papers_with_US"].sum())
    return {"UScn_2017_2021": us_cn, "UScn_over_UKus": us_cn / uk_us if uk_us else np.nan}


def _positive(m):
    return all(v > 0 for v in m.values())


PARTS = [
    Part("C3", "fit", "growth 2019-20 below 2018-19 and 2020-21", T.c3, T.c3_check),
    Part(
        "C4 2017", "fit", "[4%, 6%]", lambda t: {"share_2017": T.c4(t)["share_2017"]}, T._in("share_2017", 0.04, 0.06)
    ),
    Part(
        "C5 2017", "fit", "[5%, 7%]", lambda t: {"share_2017": T.c5(t)["share_2017"]}, T._in("share_2017", 0.05, 0.07)
    ),
    Part("C6", "fit", "UK [40%, 52%]; DE [9%, 15%] and second", T.c6, T.c6_check),
    Part("C7", "fit", "[38%, 50%]", T.c7, T._in("share_military", 0.38, 0.50)),
    Part("C8", "fit", "[17%, 28%]", T.c8, T._in("share_corporate", 0.17, 0.28)),
    Part("C9", "fit", "share < 10 in [60%, 80%]; top/second >= 1.5", T.c9, T.c9_check),
    Part("C10", "fit", "vision largest; vision + networking [25%, 45%]", T.c10, T.c10_check),
    Part("C12", "fit", "US-CN 2017 >= 2x UK-US", T.c12, lambda m: m["ratio_UScn_to_UKus"] >= 2.0),
    Part(
        "C14 2017-20",
        "fit",
        "US-CN > EU-CN every year",
        lambda t: {k: v for k, v in c14(t).items() if int(k[-4:]) in FIT_YEARS},
        _positive,
    ),
    Part("C16 2017-20", "fit", "US-CN > UK-CN > other countries-CN", lambda t: c16(t, FIT_YEARS), _positive),
    Part("C1", "test", "[29,561, 44,341] (+-20%)", T.c1, T._in("papers_2017_2022", 36951 * 0.8, 36951 * 1.2)),
    Part("C2", "test", "[1.8, 2.6]", T.c2, T._in("ratio_2021_2017", 1.8, 2.6)),
    Part(
        "C4 2021", "test", "[8%, 12%]", lambda t: {"share_2021": T.c4(t)["share_2021"]}, T._in("share_2021", 0.08, 0.12)
    ),
    Part(
        "C5 2021",
        "test",
        "[7%, 9.5%]; CN share grows less than EU's",
        lambda t: {k: v for k, v in T.c5(t).items() if k != "share_2017"},
        lambda m: T.between(m["share_2021"], 0.07, 0.095) and m["growth_cn_share"] < m["growth_eu_share"],
    ),
    Part(
        "C14 2022",
        "test",
        "EU-CN >= US-CN in 2022",
        lambda t: {"UScn_minus_EUcn_2022": c14(t)["UScn_minus_EUcn_2022"]},
        lambda m: m["UScn_minus_EUcn_2022"] <= 0,
    ),
    Part(
        "C15",
        "test",
        "US-EU 2022 < 2020",
        lambda t: {"USeu_2022_over_2020": float(_annual(t, "papers_EU_US")[2022] / _annual(t, "papers_EU_US")[2020])},
        lambda m: m["USeu_2022_over_2020"] < 1,
    ),
    Part("C16 2021-22", "test", "US-CN > UK-CN > other countries-CN", lambda t: c16(t, TEST_YEARS), _positive),
    Part(
        "C17",
        "test",
        "US-CN 2017-21 in [30,000, 45,000]; US-CN / UK-US in [2, 4]",
        c17,
        lambda m: T.between(m["UScn_2017_2021"], 30000, 45000) and T.between(m["UScn_over_UKus"], 2, 4),
    ),
]


def evaluate(t) -> dict:
    return {p.id: p.values(t) for p in PARTS}


def summarize(per_seed: list[dict]) -> list[dict]:
    """One row per part: medians over seeds of its values and whether the check holds on them."""
    rows = []
    for p in PARTS:
        names = per_seed[0][p.id].keys()
        med = {k: float(np.nanmedian([s[p.id][k] for s in per_seed])) for k in names}
        rows.append({"id": p.id, "group": p.group, "band": p.band, "median": med, "in_band": bool(p.check(med))})
    return rows
