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
from .catalogue import FIELDS, INVESTOR_TYPES, RISKS, STAGES, Stage
from .mechanisms.collaboration import effort_by_pair
from .mechanisms.market import world_shares
from .policies import lever_columns
from .population import group_blocks


def _pairs(blocs):
    return [(blocs.index(a), blocs.index(b), f"{a}_{b}") for a, b in combinations(sorted(blocs), 2)]


def _ordered(blocs):
    return [(i, j, a, b) for i, a in enumerate(blocs) for j, b in enumerate(blocs) if i != j]


def _count_by_country(has: np.ndarray, blocks, cells: np.ndarray, nc: int, nb: int) -> np.ndarray:
    """[country, bloc] how many rows of `has` ([row, bloc] true/false) are true in each country: whole numbers, so a
    sum over each country's block of rows is the count `np.bincount(cells[has])` gives."""
    if not blocks:
        return np.bincount(cells[has], minlength=nc * nb).reshape(nc, nb)
    out = np.zeros((nc, nb), np.int64)
    present, first = [g for g, _, _ in blocks], [lo for _, lo, _ in blocks]
    # a block runs to the next present country's first row: the absent ones have no rows
    out[present] = np.add.reduceat(has, first, axis=0, dtype=np.int64)
    return out


class Recorder:
    """Collects one row per quarter; turns them into tables once, at the end.

    A row is built from a few whole-array blocks (per bloc pair, per bloc, per ordered pair),
    each computed with numpy and zipped with column names fixed at the start, so collecting
    costs a handful of array operations, not one Python expression per column.
    """

    def __init__(self, model):
        self.rows: list[dict] = []
        self.country_parts: list[tuple] = []  # per quarter: (papers_total, papers_with, institutions_with) arrays
        self.deal_parts: list[dict] = []
        self.up = 1.0 / model.scale  # model counts -> real-world counts
        blocs = model.blocs
        # The lever families' recorded values: each bloc's own levers, then its levers towards each partner.
        recorded = lever_columns(recorded=True)
        self.bloc_levers = [c for c in recorded if not c.towards]
        self.pair_levers = [c for c in recorded if c.towards]
        self.pairs = _pairs(blocs)
        self.ordered = _ordered(blocs)
        self.pi = np.array([i for i, _, _ in self.pairs], dtype=np.int64)
        self.pj = np.array([j for _, j, _ in self.pairs], dtype=np.int64)
        self.oi = np.array([i for i, _, _, _ in self.ordered], dtype=np.int64)
        self.oj = np.array([j for _, j, _, _ in self.ordered], dtype=np.int64)
        # Column names of each block, in the order the columns appear in a row.
        self.pair_names = [
            n
            for _, _, name in self.pairs
            for n in (
                f"papers_{name}",
                f"ties_{name}",
                f"share_{name}_military_linked",
                f"share_{name}_security_linked",
                f"share_{name}_corporate",
                f"citation_{name}",
                *(f"papers_{name}_{field}" for field in FIELDS),
                f"alignment_{name}",
                f"gap_{name}",
            )
        ]
        self.bloc_names = [
            n
            for code in blocs
            for n in (
                f"papers_total_{code}",
                f"citation_{code}_domestic",
                f"deals_total_{code}",
                f"capital_total_{code}",
                f"deals_foreign_share_{code}",
                f"firms_private_{code}",
                f"firms_founded_{code}",
                f"firms_acquired_{code}",
                f"capability_{code}",
                f"compute_access_{code}",
                f"compute_stock_{code}",
                f"compute_stockpile_{code}",
                f"chip_capacity_{code}",
                f"chip_investment_eur_bn_{code}",
                f"chip_supply_share_{code}",
                f"compliance_share_{code}",
                f"exposure_{code}",
                f"spillover_{code}",
                f"open_labs_{code}",
                f"open_spillover_{code}",
                f"innovation_{code}",
                f"frontier_models_{code}",
                f"patents_{code}",
                *(c.column(code) for c in self.bloc_levers),
            )
        ]
        self.ordered_names = [
            n
            for _, _, a, b in self.ordered
            for n in (
                f"share_{a}_output_with_{b}",
                f"deals_{a}_to_{b}",
                f"deals_blocked_{a}_to_{b}",
                f"capital_{a}_to_{b}",
                f"cross_compliance_{a}_with_{b}",
                f"effort_{a}_with_{b}",
                f"mobility_{a}_to_{b}",
                f"researchers_{a}_in_{b}",
                *(c.column(a, b) for c in self.pair_levers),
            )
        ]
        self.convergence_names = [f"convergence_{name}" for _, _, name in self.pairs]
        suppliers = list(blocs) + ["RoW"]
        self.supply_names = [f"supply_share_{b}_from_{s}" for b in blocs for s in suppliers]
        # Per country: the other blocs it reports papers and institutions with. The columns come in the
        # order a row per country would first name them (a country's own bloc has none: 0 in the table).
        self.countries_names, self.country_bloc = list(model.countries), model.country_bloc
        self.country_blocs = [blocs[b] for b in model.country_bloc]
        self.country_columns: list[tuple[str, int]] = []
        for c in range(len(model.countries)):
            for j in range(model.n_blocs):
                if j != model.country_bloc[c] and (f"papers_with_{blocs[j]}", j) not in self.country_columns:
                    self.country_columns += [(f"papers_with_{blocs[j]}", j), (f"institutions_with_{blocs[j]}", j)]
        au = model.network.authors
        self.inst_cells = au.country[: au.n_inst, None] * model.n_blocs + np.arange(model.n_blocs)
        self.occasional_cells = model.network.occasional_country[:, None] * model.n_blocs + np.arange(model.n_blocs)
        # Rows come country by country (institutions, and occasional publishers): then a country's count is a sum
        # over its block of rows (group_blocks; []: rows not in that order).
        self.inst_blocks = group_blocks(au.country[: au.n_inst], len(model.countries))
        self.occasional_blocks = group_blocks(model.network.occasional_country, len(model.countries))

    def collect(self, model) -> None:
        fl, s, lv, blocs, up = model.flows, model.bloc_state, model.levers, model.blocs, self.up
        f = model.firms
        q = model.quarter
        row = {"period": periods.label(q), "year": float(periods.year(q)), "quarter": float(q % 4 + 1)}
        total = fl.home + fl.papers.sum(axis=1)
        n_firms, complying = np.bincount(f.bloc[f.alive], minlength=len(blocs)), fl.complying  # [bloc, regime]

        def ratio(num, den):  # num / den, 0 where den is 0
            return np.divide(num, den, out=np.zeros(np.shape(num)), where=den != 0)

        i, j = self.pi, self.pj
        n = fl.papers[i, j]
        pair_block = np.column_stack(
            [
                n * up,
                fl.ties[i, j] * up,
                ratio(fl.papers_military[i, j], n),
                ratio(fl.papers_security[i, j], n),
                ratio(fl.papers_corporate[i, j], n),
                ratio(fl.citations[i, j], n),
                fl.papers_field[i, j] * up,
                s.alignment[i, j],
                s.capability[i] - s.capability[j],
            ]
        )
        row.update(zip(self.pair_names, pair_block.ravel().tolist()))

        bloc_block = np.column_stack(
            [
                total * up,
                fl.home_impact,
                fl.rounds * up,
                fl.rounds_capital * 1e6 * up,
                ratio(fl.rounds_foreign, fl.rounds),
                # The start-up pipeline: firms not yet listed, the firms founded this quarter, and the sold ones
                # a listed firm absorbed (investment/turnover.py, founding.py).
                np.bincount(f.bloc[(f.stage < Stage.LISTED) & f.alive], minlength=len(blocs)) * up,
                np.bincount(f.bloc[fl.founded_firms], minlength=len(blocs)) * up,
                np.bincount(f.bloc[fl.acquisitions[:, 0]], minlength=len(blocs)) * up,
                s.capability,
                s.compute_access,
                s.compute_stock,
                s.stockpile,
                s.chip_capacity,
                s.chip_investment,
                # Share of the world's compute bought from this bloc's vendors (G1 at the start; then the market).
                world_shares(model)[: len(blocs)],
                complying.sum(axis=0) / max(int(f.alive.sum()), 1),
                fl.exposure,
                fl.spillover,
                fl.open_labs,
                fl.open_spillover,
                fl.new_knowledge / s.knowledge0_us * 100,
                fl.frontier_models * up,
                fl.patents * up,
                *(c.read(lv) for c in self.bloc_levers),
            ]
        )
        row.update(zip(self.bloc_names, bloc_block.ravel().tolist()))

        deals = fl.deals
        ok = ~deals["blocked"]
        nb = len(blocs)
        key = deals["investor_bloc"] * nb + deals["target_bloc"]  # flat [investor bloc, target bloc]
        done = np.bincount(key[ok], minlength=nb * nb)
        blocked = np.bincount(key[~ok], minlength=nb * nb)
        # Amounts are summed per pair with np.sum over the pair's deals (its summation order, as always).
        capital = np.array([deals["amount_eur"][ok & (key == a * nb + b)].sum() for a, b in zip(self.oi, self.oj)])
        i, j = self.oi, self.oj
        cross = complying / n_firms[:, None]
        # Researchers of each origin (rows) working in each bloc (columns).
        people = model.people.at.T  # mobility's sums of its cohorts by bloc (the same numbers)
        ordered_block = np.column_stack(
            [
                ratio(fl.papers[i, j], total[i]),
                done[i * nb + j] * up,
                blocked[i * nb + j] * up,
                capital * up,
                cross[i, j],
                effort_by_pair(model)[i, j] * up,
                fl.moves[i, j] * up,
                people[i, j] * up,
                *(c.read(lv)[i, j] for c in self.pair_levers),
            ]
        )
        row.update(zip(self.ordered_names, ordered_block.ravel().tolist()))
        i, j = self.pi, self.pj
        row.update(zip(self.convergence_names, ((s.alignment[i, j] + cross[i, j] + cross[j, i]) / 3).tolist()))
        row.update(zip(self.supply_names, model.market.shares.ravel().tolist()))
        self.rows.append(row)
        if "countries" in model.tables:
            self._collect_countries(model, row)
        self.deal_parts.append({**deals, "quarter": np.full(len(deals["stage"]), q)})

    def _collect_countries(self, model, row) -> None:
        fl, up = model.flows, self.up
        nc, nb = len(model.countries), model.n_blocs
        # Institutions of each country that have co-authored with each bloc: one count per country and bloc.
        inst_with = _count_by_country(
            model.network.papers_with[: model.network.authors.n_inst] > 0, self.inst_blocks, self.inst_cells, nc, nb
        )
        # ... and its occasional publishers that have (as a home co-author).
        inst_with += _count_by_country(
            model.network.occasional_with > 0, self.occasional_blocks, self.occasional_cells, nc, nb
        )
        papers_total = (fl.home_country + fl.country_with.sum(axis=1)) * up
        self.country_parts.append((row["period"], int(row["year"]), papers_total, fl.country_with * up, inst_with * up))

    # --- tables ---------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def countries(self) -> pd.DataFrame:
        """One row per quarter and country: its papers in all, and with each other bloc, and how many of
        its institutions have co-authored with that bloc (0 for the country's own bloc)."""
        nc, quarters = len(self.countries_names), len(self.country_parts)
        if not self.country_parts and self.rows:
            raise RuntimeError("the countries table was not recorded: the model was built without it (tables=)")
        table = {
            "period": np.repeat([p[0] for p in self.country_parts], nc).astype(object),
            "year": np.repeat(np.array([p[1] for p in self.country_parts], np.int64), nc),
            "country": np.tile(np.array(self.countries_names, object), quarters),
            "bloc": np.tile(np.array(self.country_blocs, object), quarters),
            "papers_total": np.concatenate([p[2] for p in self.country_parts]) if quarters else np.zeros(0),
        }
        for name, j in self.country_columns:
            part = 3 if name.startswith("papers_") else 4
            values = (
                np.stack([p[part][:, j] for p in self.country_parts]).astype(float) if quarters else np.zeros((0, nc))
            )
            if part == 4:
                values = np.trunc(values)  # whole institutions at real-world scale
            values[:, self.country_bloc == j] = 0.0
            table[name] = values.ravel()
        return pd.DataFrame(table)

    def deals(self, model) -> pd.DataFrame:
        cols = (
            "quarter",
            "investor_bloc",
            "investor_country",
            "target_bloc",
            "target_country",
            "stage",
            "amount_eur",
            "reviewed",
            "blocked",
            "round_id",
            "company_id",
            "round_total_eur",
            "investor_type",
            "investor_id",
        )
        parts = {k: np.concatenate([p[k] for p in self.deal_parts]) if self.deal_parts else np.zeros(0) for k in cols}
        blocs, countries = np.array(model.blocs), np.array(model.countries)
        q = parts["quarter"].astype(int)
        return pd.DataFrame(
            {
                "period": [periods.label(x) for x in q],
                "year": q // 4,
                "investor_bloc": blocs[parts["investor_bloc"].astype(int)],
                "investor_country": countries[parts["investor_country"].astype(int)],
                "target_bloc": blocs[parts["target_bloc"].astype(int)],
                "target_country": countries[parts["target_country"].astype(int)],
                "stage": np.array(STAGES)[parts["stage"].astype(int)],
                "amount_eur": parts["amount_eur"].astype(float),
                "reviewed": parts["reviewed"].astype(bool),
                "blocked": parts["blocked"].astype(bool),
                "round_id": parts["round_id"].astype(np.int64),
                "company_id": parts["company_id"].astype(np.int64),
                "round_total_eur": parts["round_total_eur"].astype(float),
                "investor_type": np.array(INVESTOR_TYPES)[parts["investor_type"].astype(int)],
                "investor_id": parts["investor_id"].astype(np.int64),
            }
        )

    @staticmethod
    def institutions(model) -> pd.DataFrame:
        if not model.counts_institutions:
            raise RuntimeError("institution counts were not kept: the model was built without their tables (tables=)")
        inst, au = model.inst, model.network.authors
        df = pd.DataFrame(
            {
                "institution": np.arange(len(inst)),
                "label": inst.label,
                "bloc": np.array(model.blocs)[inst.bloc],
                "country": np.array(model.countries)[inst.country],
                "risk": np.array(RISKS)[inst.risk],
                "capacity": inst.capacity,
                "stands_for": np.full(len(inst), 1.0 / model.scale),
            }
        )
        for j, code in enumerate(model.blocs):
            df[f"papers_with_{code}"] = model.network.papers_with[: au.n_inst, j]
        pe = model.people
        by_origin = pe.researchers.sum(axis=0)  # [institution, origin]
        df["researchers"] = by_origin.sum(axis=1)
        for j, code in enumerate(model.blocs):
            df[f"researchers_from_{code}"] = by_origin[:, j]
        for j, code in enumerate(model.blocs):
            df[f"alumni_of_{code}"] = pe.alumni[:, j]
        df["occasional"] = False
        return pd.concat([df, Recorder._occasional(model, len(inst))], ignore_index=True)

    @staticmethod
    def _occasional(model, first: int) -> pd.DataFrame:
        """Rows for the occasional publishers: no agents, only their country, size and co-authored papers."""
        net, inst = model.network, model.inst
        country = net.occasional_country
        n, names = len(country), np.array(model.countries)
        mean = np.bincount(inst.country, weights=inst.capacity, minlength=len(names)) / np.maximum(
            np.bincount(inst.country, minlength=len(names)), 1
        )
        within = np.arange(n) - np.searchsorted(country, country)  # rows come country by country
        named = np.where(names == "other", "other European", names)[country]
        label = np.char.add(np.char.add(named, " occasional publisher "), (within + 1).astype(str))
        df = pd.DataFrame(
            {
                "institution": first + np.arange(n),
                "label": label,
                "bloc": np.array(model.blocs)[model.country_bloc[country]],
                "country": names[country],
                "risk": RISKS[0],
                "capacity": net.occasional_size * mean[country],
                "stands_for": np.full(n, 1.0 / model.scale),
            }
        )
        for j, code in enumerate(model.blocs):
            df[f"papers_with_{code}"] = net.occasional_with[:, j]
        zero = np.zeros(n)
        df["researchers"] = zero
        for code in model.blocs:
            df[f"researchers_from_{code}"] = zero
        for code in model.blocs:
            df[f"alumni_of_{code}"] = zero
        df["occasional"] = True
        return df


# What every column of the run tables means, for docs/OUTPUTS.md (`python -m sim.docs`): per table,
# (pattern, unit, meaning). A pattern names a column family: <bloc> is one bloc code, <pair> two in
# alphabetical order (CN_EU), <A> and <B> two different blocs in that direction, <field> a research
# field (FIELDS). tests/test_docs.py checks that every column a run writes matches exactly one pattern.
# "Scaled": a model count divided by scale.factor, i.e. at real-world scale.
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "timeseries": [
        ("period", "text", "the quarter, e.g. 2017Q1; one row per quarter"),
        ("year", "year", "calendar year of the quarter"),
        ("quarter", "1-4", "quarter of the year"),
        ("papers_<pair>", "papers per quarter, scaled", "papers co-authored by authors of the two blocs"),
        ("papers_<pair>_<field>", "papers per quarter, scaled", "the pair's joint papers in one research field"),
        ("ties_<pair>", "ties, scaled", "collaboration ties between authors of the two blocs in force this quarter"),
        (
            "share_<pair>_military_linked",
            "share 0-1",
            "share of the pair's joint papers with a military-linked institution",
        ),
        (
            "share_<pair>_security_linked",
            "share 0-1",
            "share of the pair's joint papers with a public-security-linked institution",
        ),
        ("share_<pair>_corporate", "share 0-1", "share of the pair's joint papers with a firm among the authors"),
        ("citation_<pair>", "impact index, institutions' mean = 1", "mean citation impact of the pair's joint papers"),
        ("alignment_<pair>", "0-1", "standards alignment of the two blocs' AI regimes"),
        (
            "convergence_<pair>",
            "0-1",
            "mean of the pair's alignment and each bloc's firms' compliance with the other's regime",
        ),
        ("gap_<pair>", "capability index difference", "capability of the first bloc minus the second's"),
        (
            "papers_total_<bloc>",
            "papers per quarter, scaled",
            "all papers of the bloc's authors: domestic plus co-authored abroad",
        ),
        (
            "citation_<bloc>_domestic",
            "impact index",
            "citation impact of the bloc's domestic papers (capacity-weighted author quality)",
        ),
        ("deals_total_<bloc>", "funding rounds per quarter, scaled", "funding rounds raised by the bloc's firms"),
        ("capital_total_<bloc>", "EUR per quarter, scaled", "capital raised in those rounds"),
        ("deals_foreign_share_<bloc>", "share 0-1", "share of the bloc's rounds with at least one foreign investor"),
        (
            "firms_private_<bloc>",
            "firms, scaled",
            "the bloc's firms not (yet) listed: its start-up pipeline at the quarter's end",
        ),
        (
            "firms_founded_<bloc>",
            "firms per quarter, scaled",
            "seed-stage firms founded this quarter: one for each firm that failed or was sold (founding 'exits', the"
            " default), or as founders decide (founding 'money', sim/mechanisms/investment/founding.py)",
        ),
        (
            "firms_acquired_<bloc>",
            "firms per quarter, scaled",
            "start-ups sold to a listed firm of the bloc (trade and distress sales; their research ties go along)",
        ),
        ("capability_<bloc>", "index, US 2017 = 1", "AI capability: geometric mean of the top-decile firms' knowledge"),
        (
            "compute_access_<bloc>",
            "share 0-1",
            "access to advanced compute: own chip supply or capacity plus what controls let in",
        ),
        ("compute_stock_<bloc>", "index, US 2017 = 1", "volume of installed compute"),
        (
            "compute_stockpile_<bloc>",
            "quarters of demand",
            "chips bought ahead of announced controls and not yet in service",
        ),
        ("chip_capacity_<bloc>", "share 0-1", "domestic advanced-chip self-sufficiency"),
        ("chip_investment_eur_bn_<bloc>", "EUR bn per quarter", "investment in domestic chip capacity"),
        (
            "chip_supply_share_<bloc>",
            "share 0-1",
            "share of the world's compute bought from the bloc's vendors (G1 at the start, then the market)",
        ),
        (
            "supply_share_<A>_from_<B>",
            "share 0-1",
            "share of A's compute demand its buyers place with B's vendors (A = B: at home)",
        ),
        (
            "supply_share_<bloc>_from_RoW",
            "share 0-1",
            "share of the bloc's compute demand placed with the rest of the world",
        ),
        ("compliance_share_<bloc>", "share 0-1", "share of all firms (every bloc) complying with the bloc's AI regime"),
        ("exposure_<bloc>", "share 0-1", "share of the bloc's papers in dual-use fields with a risk-linked partner"),
        ("spillover_<bloc>", "knowledge gain rate", "knowledge the bloc gains from co-authoring abroad, per paper"),
        (
            "open_labs_<bloc>",
            "labs (not scaled)",
            "of the bloc's frontier labs (its few best-funded firms), those releasing open weights",
        ),
        (
            "open_spillover_<bloc>",
            "knowledge gain rate per year",
            "knowledge growth the bloc's firms take from the best open-weight model released abroad",
        ),
        ("innovation_<bloc>", "index, % of US 2017 knowledge", "knowledge the bloc's firms added this quarter"),
        ("frontier_models_<bloc>", "models per quarter, scaled", "frontier models released by the bloc's firms"),
        ("patents_<bloc>", "patents per quarter, scaled", "AI patents of the bloc's firms"),
        ("share_<A>_output_with_<B>", "share 0-1", "share of A's papers co-authored with B"),
        (
            "deals_<A>_to_<B>",
            "deals per quarter, scaled",
            "completed deals: rounds in B's firms with an investor from A",
        ),
        ("deals_blocked_<A>_to_<B>", "deals per quarter, scaled", "deals from A into B blocked by screening"),
        ("capital_<A>_to_<B>", "EUR per quarter, scaled", "capital A's investors put into B's firms"),
        ("cross_compliance_<A>_with_<B>", "share 0-1", "share of A's firms complying with B's AI regime"),
        (
            "effort_<A>_with_<B>",
            "new ties sought per quarter, scaled",
            "collaboration effort A's authors send to partners in B (their split of finite effort by expected value)",
        ),
        (
            "mobility_<A>_to_<B>",
            "researchers per quarter, scaled",
            "researchers who moved from A to B this quarter (students going to study abroad included)",
        ),
        ("researchers_<A>_in_<B>", "researchers, scaled", "researchers born in A working in B (the diaspora)"),
        # lever_* rows come from the lever families' Column declarations: see described_columns()
    ],
    "countries": [
        ("period", "text", "the quarter; one row per quarter and country"),
        ("year", "year", "calendar year"),
        ("country", "text", "country name (sim/catalogue.py)"),
        ("bloc", "bloc code", "the country's bloc"),
        ("papers_total", "papers per quarter, scaled", "all papers of the country's authors"),
        (
            "papers_with_<bloc>",
            "papers per quarter, scaled",
            "the country's papers co-authored with another bloc (0 for its own)",
        ),
        (
            "institutions_with_<bloc>",
            "institutions, scaled, whole",
            "the country's institutions that have co-authored with that bloc so far",
        ),
    ],
    "deals": [
        ("period", "text", "the quarter; one row per cross-border deal (a round with an investor from a foreign bloc)"),
        ("year", "year", "calendar year"),
        ("investor_bloc", "bloc code", "the foreign investors' bloc"),
        ("investor_country", "text", "the first such investor's country"),
        ("target_bloc", "bloc code", "the firm's bloc"),
        ("target_country", "text", "the firm's country"),
        ("stage", "text", "funding stage: " + ", ".join(STAGES)),
        ("amount_eur", "EUR (one model deal, not scaled)", "what that bloc's investors put in (0 if blocked)"),
        ("reviewed", "true/false", "the deal was screened (inbound or outbound, at or above the threshold)"),
        ("blocked", "true/false", "screening stopped it"),
        ("round_id", "id", "the funding round (one round may be a deal for several foreign blocs)"),
        ("company_id", "id", "the firm that raised it (a new entrant in a reused firm row gets a new id)"),
        ("round_total_eur", "EUR (one model round, not scaled)", "what the round raised from all its investors"),
        ("investor_type", "text", "the first such investor's type: " + ", ".join(INVESTOR_TYPES)),
        ("investor_id", "id", "the first such investor (the same id across quarters and in a paired run)"),
    ],
    "policy_events": [
        ("period", "text", "the quarter; one row per government rule that fired or was switched off"),
        ("bloc", "bloc code", "the government acting"),
        ("target", "bloc code", "the bloc its lever points at"),
        ("rule", "text", "tighten_on_gap, tier_allies, retaliation, derisk or join_agreements"),
        ("kind", "text", "fired, or switched_off (an explicit setting locked the lever)"),
        ("lever", "text", "the lever moved: export_chips, export_tools, evasion, minerals, inbound, screening"),
        ("old_value", "0-1", "the lever before the rule moved it (empty when switched off)"),
        ("new_value", "0-1", "the lever after"),
        ("indicator", "text", "what the government watched"),
        ("indicator_value", "as the indicator", "its value when the rule fired"),
        ("threshold", "as the indicator", "the rule's threshold (params.behaviour)"),
        (
            "set_by",
            "text",
            "for switched_off: the key of the explicit setting (policies.*, scenario.timeline.*, app.*)",
        ),
    ],
    "institutions": [
        (
            "institution",
            "index",
            "one row per research institution, at the end of the run; the occasional publishers come last",
        ),
        (
            "label",
            "text",
            "readable name: country and rank by size within it at the start, e.g. DE institution 1"
            " (an occasional publisher: DE occasional publisher 1, in drawing order)",
        ),
        ("bloc", "bloc code", "the institution's bloc"),
        ("country", "text", "its country"),
        ("risk", "text", "risk category: " + ", ".join(RISKS)),
        ("capacity", "papers per quarter (model count)", "papers a quarter the institution can author"),
        (
            "stands_for",
            "institutions",
            "real institutions the row stands for (1 / scale factor): sum it over rows to count real institutions",
        ),
        ("papers_with_<bloc>", "papers, model count", "cumulative papers its authors co-authored with that bloc"),
        ("researchers", "researchers", "its AI researchers (students, postdocs, seniors) at the end of the run"),
        ("researchers_from_<bloc>", "researchers", "of those, born in that bloc (its own bloc: home-born)"),
        (
            "alumni_of_<bloc>",
            "researchers",
            "its researchers who studied or worked in that foreign bloc (ties they carry; 0 for its own bloc)",
        ),
        (
            "occasional",
            "true/false",
            "an occasional AI publisher: starts no ties and is no agent, appears on cross-bloc papers only as a"
            " writer's home co-author (params.collaboration.occasional_*); researchers 0",
        ),
    ],
}


def described_columns() -> dict[str, list[tuple[str, str, str]]]:
    """`COLUMNS`, with the timeseries' lever_* rows from every registered lever family's declarations."""
    from .policies import lever_columns

    out = {table: list(rows) for table, rows in COLUMNS.items()}
    out["timeseries"] += [c.described() for c in lever_columns(recorded=True)]
    return out
