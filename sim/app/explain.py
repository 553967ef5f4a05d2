"""Plain-language explanations for the page, from the metadata the docs are generated from.

A lever's help text comes from its family's docstring and `Measure` field specs (the rows of
docs/PARAMETERS.md) and its recorded `Column` (docs/OUTPUTS.md); a chart's from the recorder's
data dictionary (`described_columns`, docs/OUTPUTS.md). Nothing here restates a unit or a
source, so the page cannot drift from the docs.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from ..policies import FAMILIES
from ..policies.family import Slider
from ..recorder import described_columns
from ..schema import _allowed

SCALED = "scaled: model counts divided by the scale factor, i.e. at real-world size, so every scale compares"

# chart id -> (data-dictionary pattern the chart draws, short y-axis unit)
CHART_COLUMNS = {
    "papers": ("papers_<pair>", "papers / quarter"),
    "capability": ("capability_<bloc>", "index, US 2017 = 1"),
    "compute": ("compute_access_<bloc>", "share 0–1"),
    "chips": ("chip_capacity_<bloc>", "share 0–1"),
    "deals": ("deals_<A>_to_<B>", "deals / quarter"),
    "capital": ("capital_<A>_to_<B>", "EUR bn / quarter"),
    "alignment": ("alignment_<pair>", "0–1"),
    "compliance": ("compliance_share_<bloc>", "share 0–1"),
}


@cache
def _dictionary() -> dict[str, tuple[str, str]]:
    return {pattern: (unit, meaning) for pattern, unit, meaning in described_columns()["timeseries"]}


def chart_unit(key: str) -> str:
    return CHART_COLUMNS[key][1]


def chart_line(key: str) -> str:
    """The chart's one-line explanation under its title (the full text is behind its (i) button)."""
    unit, meaning = _dictionary()[CHART_COLUMNS[key][0]]
    return f"{meaning[0].upper()}{meaning[1:]} ({unit})"


def chart_help(key: str) -> str:
    """What a chart shows, its unit as recorded, and where that is documented."""
    d = _dictionary()
    if key == "network":
        cap, pap, cash = d["capability_<bloc>"], d["papers_<pair>"], d["capital_<A>_to_<B>"]
        return (
            f"Node size: {cap[1]} ({cap[0]}). Edge width and label: this quarter's {pap[1]} ({pap[0]}), "
            f"or with 'capital', {cash[1]} (EUR bn per quarter). {SCALED}. "
            "Columns capability_<bloc>, papers_<pair>, capital_<A>_to_<B> in docs/OUTPUTS.md."
        )
    if key == "flows":
        cash = d["capital_<A>_to_<B>"]
        return (
            f"Where each bloc's money went: {cash[1]}, summed over the quarters run so far, in EUR bn "
            f"({SCALED}); left the investing bloc, right the target. Researchers who moved between blocs are "
            "drawn beside it when the run records them (mobility_<A>_to_<B>). Columns capital_<A>_to_<B> in "
            "docs/OUTPUTS.md."
        )
    if key == "institutions":
        return (
            "The research institutions with the most live research ties to other blocs this quarter (model "
            "agents, named by country and row; like the MERICS/ReConnect 'top institutions' figures). Node "
            "size: its live ties abroad; an edge to a bloc: its ties with that bloc; dashed: ties between two "
            "of them. Taken from the live research network; the institutions table (bloc, country, risk, "
            "papers_with_<bloc>) in docs/OUTPUTS.md describes the same agents."
        )
    pattern, _ = CHART_COLUMNS[key]
    unit, meaning = d[pattern]
    text = f"{meaning[0].upper()}{meaning[1:]}. Unit: {unit}"
    if "scaled" in unit:
        text += f" ({SCALED})"
    if key == "capital":
        text += "; drawn in EUR bn"
    if "<A>" in pattern:
        text += ". Colour: the investing bloc; line style: the target bloc"
    return f"{text}. Column {pattern} in docs/OUTPUTS.md."


def _family_summary(family: str) -> str:
    return (FAMILIES[family].__doc__ or "").strip().splitlines()[0]


def _field(family: str, name: str):
    return next((f for f in dataclasses.fields(FAMILIES[family].Measure) if f.name == name), None)


def _column(sl: Slider):
    """The recorded lever column a slider moves, if the family records it."""
    scope = sl.ident("A", "B").get("scope", [])
    names = {sl.field, *(f"export_{s}" for s in scope)} if scope else {sl.field, f"screening_{sl.field}"}
    return next((c for c in getattr(FAMILIES[sl.family], "COLUMNS", ()) if c.recorded and c.name in names), None)


def source_text(source: str) -> str:
    if source in ("scenario", ""):
        return "the running scenario: its levers and dated timeline (the baseline's follow FACTS.md's timeline)"
    return source


def slider_help(sl: Slider) -> str:
    """What a slider sets in the world, its unit and range, and where its value in force comes from."""
    f = _field(sl.family, sl.field)
    col = _column(sl)
    parts = [f"{_family_summary(sl.family)}"]
    if col is not None and col.meaning:
        meaning = re.sub(r"\bB\b", "the partner", re.sub(r"\bA's\b", "the acting bloc's", col.meaning))
        parts.append(f"This slider: {meaning}")
    in_label = re.search(r"\(([^)]*)\)", sl.label)
    unit = col.unit if col is not None else in_label.group(1) if in_label else "0–1"
    if sl.scale != 1:
        unit += f" (the measure stores {sl.scale:g} × this value as `{sl.field}`)"
    parts.append(f"Unit: {unit}")
    if f is not None:
        parts.append(f"Allowed: {_allowed(f.metadata) or 'any'}")
        parts.append(f"Default from: {source_text(f.metadata.get('source', ''))}")
    parts.append(f"Scenario key: {sl.family}.{sl.field} (docs/PARAMETERS.md)")
    return ". ".join(p.rstrip(".") for p in parts) + "."


# --- plain-language measures (the change log, the markers' legend) ------------------------------

ACTORS = ("issuer", "bloc", "target", "partner", "parties", "name", "action", "scope")


def _label(family: str, key: str) -> str:
    for sl in getattr(FAMILIES.get(family), "SLIDERS", ()):
        if sl.field == key and ":" not in sl.label and sl.scale == 1:
            return sl.label
    return key.replace("_eur_bn", " (EUR bn)").replace("_eur_m", " (EUR m)").replace("_", " ")


def _num(v) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:.2f}" if isinstance(v, float) and v < 10 and round(v, 2) == v else f"{v:g}"


def describe(family: str, values: dict) -> str:
    """One measure as a sentence a class can read: 'US export controls on CN: chips, tools, stringency 0.80'."""
    v = dict(values)
    who = v.get("issuer") or v.get("bloc") or ""
    other = v.get("target") or v.get("partner") or ""
    other = "all partners" if other == "all" else other
    title = {
        "export_controls": f"{who} export controls on {other}",
        "research_security": f"{who} research security towards {other}",
        "investment_screening": f"{who} investment screening towards {other}",
        "investai": f"{who} public AI programme {v.get('name', '')}".rstrip(),
        "regulation": f"{who} AI regulation",
        "standards_agreements": f"standards agreement {v.get('name', '')} ({', '.join(v.get('parties', []))})",
        "shocks": "shock",
    }.get(family, family.replace("_", " "))
    details = list(v.get("scope", []))
    if v.get("action") and v["action"] != "join":
        details.append(str(v["action"]))
    details += [f"{_label(family, k)} {_num(x)}" for k, x in v.items() if k not in ACTORS and k != "announced"]
    said = f"{title}: {', '.join(details)}" if details else title
    return f"{said} (announced {v['announced']})" if v.get("announced") else said
