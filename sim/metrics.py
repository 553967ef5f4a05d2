"""Outcomes, collected every step into tidy tables (one column per outcome).

Counts (papers, deals) and capital are reported at real-world scale: model counts
divided by the scale factor, so classroom and realistic runs are comparable.
Pair columns use the two bloc codes in alphabetical order (papers_CN_EU);
directed columns say "_to_" (deals_CN_to_EU) or name the owner first
(share_EU_output_with_CN).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from . import periods
from .actors import FIELDS, RISKS, STAGES


def _pairs(blocs):
    return [(blocs.index(a), blocs.index(b), f"{a}_{b}") for a, b in combinations(sorted(blocs), 2)]


def _ordered(blocs):
    return [(i, j, a, b) for i, a in enumerate(blocs) for j, b in enumerate(blocs) if i != j]


class Recorder:
    """Collects one row per quarter; turns them into tables once, at the end."""

    def __init__(self, model):
        self.rows: list[dict] = []
        self.country_rows: list[dict] = []
        self.deal_parts: list[dict] = []
        self.up = 1.0 / model.scale   # model counts -> real-world counts
        self.pairs = _pairs(model.blocs)
        self.ordered = _ordered(model.blocs)

    def collect(self, model) -> None:
        fl, s, lv, blocs, up = model.flows, model.bloc_state, model.levers, model.blocs, self.up
        q = model.quarter
        row = {"period": periods.label(q), "year": periods.year(q), "quarter": q % 4 + 1}
        total = fl.home + fl.papers.sum(axis=1)
        n_firms, complying = np.bincount(model.firms.bloc, minlength=len(blocs)), fl.complying  # [bloc, regime]
        for i, j, name in self.pairs:
            n = fl.papers[i, j]
            row[f"papers_{name}"] = n * up
            row[f"ties_{name}"] = fl.ties[i, j] * up
            row[f"share_{name}_military_linked"] = fl.papers_military[i, j] / n if n else 0.0
            row[f"share_{name}_security_linked"] = fl.papers_security[i, j] / n if n else 0.0
            row[f"share_{name}_corporate"] = fl.papers_corporate[i, j] / n if n else 0.0
            row[f"citation_{name}"] = fl.citations[i, j] / n if n else 0.0
            for k, field in enumerate(FIELDS):
                row[f"papers_{name}_{field}"] = fl.papers_field[i, j, k] * up
            row[f"alignment_{name}"] = s.alignment[i, j]
            row[f"gap_{name}"] = s.capability[i] - s.capability[j]
        for b, code in enumerate(blocs):
            row[f"papers_total_{code}"] = total[b] * up
            row[f"citation_{code}_domestic"] = fl.home_impact[b]
            row[f"deals_total_{code}"] = fl.rounds[b] * up
            row[f"capital_total_{code}"] = fl.rounds_capital[b] * 1e6 * up
            row[f"deals_foreign_share_{code}"] = fl.rounds_foreign[b] / fl.rounds[b] if fl.rounds[b] else 0.0
            row[f"capability_{code}"] = s.capability[b]
            row[f"compute_access_{code}"] = s.compute_access[b]
            row[f"compute_stock_{code}"] = s.compute_stock[b]
            row[f"chip_capacity_{code}"] = s.chip_capacity[b]
            row[f"chip_investment_eur_bn_{code}"] = s.chip_investment[b]
            # Share of the world's advanced-chip supply from this bloc's firms (G1); the rest is uncontrolled.
            row[f"chip_supply_share_{code}"] = s.chip_supply[b] / (s.chip_supply.sum()
                                                                   + model.params.compute.rest_of_world_supply)
            row[f"compliance_share_{code}"] = complying[:, b].sum() / len(model.firms)
            row[f"exposure_{code}"] = fl.exposure[b]
            row[f"spillover_{code}"] = fl.spillover[b]
            row[f"innovation_{code}"] = fl.new_knowledge[b] / s.knowledge0_us * 100
            row[f"frontier_models_{code}"] = fl.frontier_models[b] * up
            row[f"patents_{code}"] = fl.patents[b] * up
            row[f"lever_compliance_cost_{code}"] = lv.compliance_cost[b]
            row[f"lever_strictness_{code}"] = lv.strictness[b]
            row[f"lever_programme_eur_bn_{code}"] = sum(p.quarterly_eur_bn for p in lv.programmes.values()
                                                        if p.bloc == b and p.quarters_left > 0)
        deals = fl.deals
        ok = ~deals["blocked"]
        for i, j, a, b in self.ordered:
            sel = (deals["investor_bloc"] == i) & (deals["target_bloc"] == j)
            row[f"share_{a}_output_with_{b}"] = fl.papers[i, j] / total[i] if total[i] else 0.0
            row[f"deals_{a}_to_{b}"] = (sel & ok).sum() * up
            row[f"deals_blocked_{a}_to_{b}"] = (sel & ~ok).sum() * up
            row[f"capital_{a}_to_{b}"] = deals["amount_eur"][sel & ok].sum() * up
            row[f"cross_compliance_{a}_with_{b}"] = complying[i, j] / n_firms[i]
            row[f"lever_export_chips_{a}_to_{b}"] = lv.export[0, i, j]
            row[f"lever_export_tools_{a}_to_{b}"] = lv.export[1, i, j]
            row[f"lever_screening_{a}_on_{b}"] = lv.screening[i, j]
            row[f"lever_ban_military_{a}_on_{b}"] = lv.ban_military[i, j]
            row[f"lever_mobility_{a}_on_{b}"] = lv.mobility[i, j]
            row[f"lever_inbound_{a}_from_{b}"] = lv.inbound[i, j]
            row[f"lever_outbound_{a}_to_{b}"] = lv.outbound[i, j]
        for i, j, name in self.pairs:
            a, b = name.split("_")
            row[f"convergence_{name}"] = (row[f"alignment_{name}"] + row[f"cross_compliance_{a}_with_{b}"]
                                          + row[f"cross_compliance_{b}_with_{a}"]) / 3
        self.rows.append({k: (float(v) if not isinstance(v, str) else v) for k, v in row.items()})
        self._collect_countries(model, row)
        self.deal_parts.append({**deals, "quarter": np.full(len(deals["stage"]), q)})

    def _collect_countries(self, model, row) -> None:
        fl, up = model.flows, self.up
        au, nc = model.authors, len(model.countries)
        # Institutions of each country that have co-authored with each bloc: one count per country and bloc.
        has_papers = model.author_papers[: au.n_inst] > 0
        cells = au.country[: au.n_inst, None] * model.n_blocs + np.arange(model.n_blocs)
        inst_with = np.bincount(cells[has_papers], minlength=nc * model.n_blocs).reshape(nc, model.n_blocs)
        for c, name in enumerate(model.countries):
            b = model.country_bloc[c]
            out = {"period": row["period"], "year": row["year"], "country": name, "bloc": model.blocs[b],
                   "papers_total": (fl.home_country[c] + fl.country_with[c].sum()) * up}
            for j, code in enumerate(model.blocs):
                if j != b:
                    out[f"papers_with_{code}"] = fl.country_with[c, j] * up
                    out[f"institutions_with_{code}"] = int(inst_with[c, j] * up)
            self.country_rows.append(out)

    # --- tables ---------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def countries(self) -> pd.DataFrame:
        return pd.DataFrame(self.country_rows).fillna(0.0)

    def deals(self, model) -> pd.DataFrame:
        cols = ("quarter", "investor_bloc", "investor_country", "target_bloc", "target_country", "stage",
                "amount_eur", "reviewed", "blocked")
        parts = {k: np.concatenate([p[k] for p in self.deal_parts]) if self.deal_parts else np.zeros(0)
                 for k in cols}
        blocs, countries = np.array(model.blocs), np.array(model.countries)
        q = parts["quarter"].astype(int)
        return pd.DataFrame({
            "period": [periods.label(x) for x in q], "year": q // 4,
            "investor_bloc": blocs[parts["investor_bloc"].astype(int)],
            "investor_country": countries[parts["investor_country"].astype(int)],
            "target_bloc": blocs[parts["target_bloc"].astype(int)],
            "target_country": countries[parts["target_country"].astype(int)],
            "stage": np.array(STAGES)[parts["stage"].astype(int)],
            "amount_eur": parts["amount_eur"].astype(float),
            "reviewed": parts["reviewed"].astype(bool), "blocked": parts["blocked"].astype(bool)})

    @staticmethod
    def institutions(model) -> pd.DataFrame:
        inst, au = model.inst, model.authors
        df = pd.DataFrame({"institution": np.arange(len(inst)), "bloc": np.array(model.blocs)[inst.bloc],
                           "country": np.array(model.countries)[inst.country],
                           "risk": np.array(RISKS)[inst.risk], "capacity": inst.capacity})
        for j, code in enumerate(model.blocs):
            df[f"papers_with_{code}"] = model.author_papers[: au.n_inst, j]
        return df
