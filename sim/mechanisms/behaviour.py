"""Governments that respond: each bloc's policy rules, from the end of the historical record on.

Each rule is a decision: a government watches one indicator, and once it has stayed
past its threshold for `lag` quarters it moves its levers by one step (and again
`lag` quarters later while the indicator stays past it).

tighten_on_gap: a chip-supplying bloc (the US) tightens chip and tool controls, and
  cracks down on evasion, while a rival closes the capability gap.
tier_allies: the same bloc caps chip exports to third blocs that do not control the
  rival themselves while the rival still buys much of its compute abroad (the 2025
  "AI diffusion" rule); an ally that aligns its controls has the cap lifted.
retaliation: a bloc targeted by tighter controls answers the issuer with
  critical-mineral controls, an entity list (inbound screening) and research screening.
derisk: a bloc whose research depends more and more on a partner (the share of its
  papers co-authored with it) screens research ties with, and capital from, that partner.
join_agreements: two blocs form a standards agreement when the market influence
  each gains outweighs the distance between their values (off unless a scenario sets it).

Who wins: a lever set by a person or a search (a scenario's measure or an app
slider or event from `behaviour.rules_from` on, a command-line `policies.*` lever at
any date, so also a sweep's) turns every bloc rule off for that lever cell from then
on. Rules never fight explicit settings; dated measures still apply in their turn.
Every rule that fires, and every rule an explicit setting switches off, is a row
of the run's `policy_events.parquet`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..levers import SCOPES, Levers
from ..schema import spec

CHIPS, TOOLS = SCOPES.index("chips"), SCOPES.index("tools")
# The lever arrays a rule may move (and so an explicit setting may lock).
LOCKABLE = ("export", "evasion", "minerals", "screening", "inbound", "outbound")
# Which rule moves which lever cells: (array, scope or None) -> rules.
MOVES = {
    ("export", CHIPS): ("tighten_on_gap", "tier_allies"),
    ("export", TOOLS): ("tighten_on_gap",),
    ("evasion", None): ("tighten_on_gap",),
    ("minerals", None): ("retaliation",),
    ("inbound", None): ("retaliation", "derisk"),
    ("screening", None): ("retaliation", "derisk"),
}
COLUMNS = (
    "period",
    "bloc",
    "target",
    "rule",
    "kind",
    "lever",
    "old_value",
    "new_value",
    "indicator",
    "indicator_value",
    "threshold",
    "set_by",
)


@dataclass
class Tighten:
    blocs: list[str] = spec(factory=lambda: ["US"], source="FACTS timeline 2019-2024: the US issues chip controls")
    gap_threshold: float = spec(
        0.5, lo=0, hi=1, source="assumption: the leader reacts once a rival's capability is within half of its own"
    )
    step: float = spec(0.05, lo=0, hi=1, source="assumption: FACTS timeline, updates of 0.05-0.1 (2023Q4, 2024Q4)")
    evasion_step: float = spec(0.05, lo=0, hi=1, source="assumption: each update closes some loopholes (2024Q4 HBM)")
    lag: int = spec(4, lo=1, hi=40, source="FACTS timeline: US updates came yearly (2022Q4, 2023Q4, 2024Q4)")
    min_supply_share: float = spec(0.2, lo=0, hi=1, source="assumption: only a real chip supplier can control")


@dataclass
class Tiering:
    foreign_threshold: float = spec(
        0.45,
        lo=0,
        hi=1,
        source="assumption above the record: the US rescinded its tiers (2025Q2) with China buying ~38% abroad",
    )
    cap: float = spec(0.2, lo=0, hi=1, source="assumption: FACTS 2025Q1 diffusion rule, tier-2 caps (record value)")
    aligned: float = spec(0.5, lo=0, hi=1, source="assumption: an ally controlling the rival at half is top-tier")
    lag: int = spec(2, lo=1, hi=40, source="assumption: a rule takes half a year to draft")


@dataclass
class Retaliation:
    blocs: list[str] = spec(factory=lambda: ["CN"], source="FACTS timeline 2023Q3-2025Q2: China answers US controls")
    threshold: float = spec(0.05, lo=0, hi=1, source="assumption: any new control step is answered")
    strength: float = spec(0.6, lo=0, hi=1, source="assumption: screening answers at 60% of the control's stringency")
    mineral_step: float = spec(
        0.1, lo=0, hi=1, source="FACTS timeline: mineral controls rose 0.15 -> 0.25 -> 0.4 in 2023-25"
    )
    lag: int = spec(
        1, lo=1, hi=40, source="FACTS timeline: gallium (Aug 2023) came within a year of the 2022Q4 controls"
    )


@dataclass
class Derisk:
    blocs: list[str] = spec(factory=lambda: ["EU"], source="FACTS timeline 2023Q2-Q4: EU Economic Security Strategy")
    partners: list[str] = spec(factory=lambda: ["CN"], source="FACTS timeline: de-risking from China")
    share_threshold: float = spec(
        0.1, lo=0, hi=1, source="C4: EU-CN papers ~10% of Europe's output (2021) when the EU began de-risking"
    )
    step: float = spec(0.05, lo=0, hi=1, source="assumption: the 2023Q3 measures' size, spread over several steps")
    ceiling: float = spec(0.6, lo=0, hi=1, source="assumption: de-risking, not decoupling (eu_derisk's 0.6)")
    lag: int = spec(4, lo=1, hi=40, source="assumption: one review a year (EU economic-security reviews)")


@dataclass
class Params:
    tighten: Tighten = field(default_factory=Tighten)
    tiering: Tiering = field(default_factory=Tiering)
    retaliation: Retaliation = field(default_factory=Retaliation)
    derisk: Derisk = field(default_factory=Derisk)
    values_weight: float = spec(1.0, lo=0, hi=10, source="assumption: how much values distance deters agreements")


class Governments:
    """The rules' memory: lever cells locked by explicit settings, indicator streaks, the events."""

    def __init__(self, model):
        b = model.n_blocs
        self.rules_from = model.scenario.rules_from
        self.locks = {name: np.zeros_like(getattr(model.levers, name), dtype=bool) for name in LOCKABLE}
        self.streak: dict[tuple, int] = {}
        self.answered = None  # [target, issuer] control level each target has answered (set at rules_from)
        self.share_answered = np.zeros((b, b))
        self.events: list[tuple] = []

    def is_explicit(self, key: str, quarter: int) -> bool:
        """From rules_from on, every setting is explicit; before it, only a command-line lever (which holds all run).

        A scenario's or the app's earlier measures are the (alternative) history the rules start from, so
        that an app session and the scenario file it exports replay identically.
        """
        return key.startswith("policies.") or quarter >= self.rules_from

    def apply(self, model, family: str, measure, key: str) -> None:
        """Put a measure in force; an explicit one locks the lever cells it sets."""
        from ..policies import FAMILIES

        FAMILIES[family].apply(model.levers, measure, model.blocs, key)
        self.note(model, family, measure, key)

    def note(self, model, family: str, measure, key: str) -> None:
        """Lock the lever cells an explicit measure sets, and say which rules that switches off."""
        from ..policies import FAMILIES

        if not self.is_explicit(key, model.quarter):
            return
        scratch = Levers(model.n_blocs)
        for name in LOCKABLE:
            getattr(scratch, name)[...] = np.nan
        FAMILIES[family].apply(scratch, measure, model.blocs, key)
        rules = model.scenario.behaviour
        for name in LOCKABLE:
            touched = ~np.isnan(getattr(scratch, name)) & ~self.locks[name]
            for cell in zip(*np.nonzero(touched)):
                scope = int(cell[0]) if name == "export" else None
                i, j = cell[-2:]
                for rule in MOVES.get((name, scope), ()):
                    if getattr(rules, rule) and model.blocs[i] in _acting(model.params.behaviour, rule):
                        self.log(model, i, j, rule, "switched_off", _lever(name, scope), value=key)
            self.locks[name] |= touched

    def log(self, model, i, j, rule, kind, lever, old=np.nan, new=np.nan, indicator="", value=np.nan, threshold=np.nan):
        set_by = value if kind == "switched_off" else ""
        value = np.nan if kind == "switched_off" else value
        self.events.append(
            (model.period, model.blocs[i], model.blocs[j], rule, kind, lever, old, new, indicator, value, threshold)
            + (set_by,)
        )

    def table(self) -> pd.DataFrame:
        df = pd.DataFrame(self.events, columns=list(COLUMNS))
        for c in ("old_value", "new_value", "indicator_value", "threshold"):
            df[c] = df[c].astype(float)
        return df

    def due(self, rule: str, i: int, j: int, past: bool, lag: int) -> bool:
        """True every `lag`-th consecutive quarter the indicator is past its threshold."""
        n = self.streak.get((rule, i, j), 0) + 1 if past else 0
        self.streak[(rule, i, j)] = 0 if n >= lag else n
        return n >= lag


def _acting(p: Params, rule: str) -> list[str]:
    """The blocs that run a rule."""
    return {"retaliation": p.retaliation.blocs, "derisk": p.derisk.blocs}.get(rule, p.tighten.blocs)


def _lever(name: str, scope: int | None) -> str:
    return f"{name}_{SCOPES[scope]}" if scope is not None else name


def _move(model, rule, i, j, name, scope, new, indicator, value, threshold) -> None:
    """Move one lever cell unless an explicit setting holds it; record the move."""
    g, arr = model.governments, getattr(model.levers, name)
    cell = (scope, i, j) if scope is not None else (i, j)
    if g.locks[name][cell]:
        return
    old = float(arr[cell])
    new = float(np.clip(new, 0.0, 1.0))
    if abs(new - old) > 1e-12:
        arr[cell] = new
        g.log(model, i, j, rule, "fired", _lever(name, scope), old, new, indicator, float(value), threshold)


def setup(model) -> None:
    """Nothing to build: model.governments is made before the first measure (explicit settings lock levers)."""


def step(model) -> None:
    """Each bloc, in turn, adapts its levers by the rules its scenario leaves on."""
    model.blocs_set.do(_adapt)


def _adapt(bloc) -> None:
    adapt(bloc.model, bloc.index)


def adapt(model, i: int) -> None:
    g = model.governments
    rules, p, lv, s = model.scenario.behaviour, model.params.behaviour, model.levers, model.bloc_state
    if g.answered is None and model.quarter >= g.rules_from - 1:
        # The record's last quarter: its controls are already answered (China's 2023-25 mineral controls).
        g.answered = lv.export.max(axis=0).T.copy()
        g.share_answered = _research_share(model)
    if model.quarter < g.rules_from:
        return
    code = model.blocs[i]
    played_from = model.scenario.teams_from.get(code)
    if played_from is not None and model.quarter >= played_from:
        return  # people play this bloc (a seminar room's team): the rules leave its levers to them
    if rules.tighten_on_gap and code in p.tighten.blocs and s.chip_supply[i] >= p.tighten.min_supply_share:
        _tighten(model, i, p.tighten)
    if rules.tier_allies and code in p.tighten.blocs and s.chip_supply[i] >= p.tighten.min_supply_share:
        _tier(model, i, p.tiering)
    if rules.retaliation and code in p.retaliation.blocs:
        _retaliate(model, i, p.retaliation)
    if rules.derisk and code in p.derisk.blocs:
        _derisk(model, i, p.derisk)
    if rules.join_agreements:
        _join(model, i, p.values_weight)


def _rivals(model, i):
    cap = model.bloc_state.capability
    return [j for j in range(model.n_blocs) if j != i and cap[j] < cap[i]]


def _tighten(model, i, p: Tighten) -> None:
    g, lv, s = model.governments, model.levers, model.bloc_state
    cap, last = s.capability, s.capability_last_year
    for j in _rivals(model, i):
        ratio, ratio_last = cap[j] / cap[i], last[j] / max(last[i], 1e-9)
        closing = ratio >= p.gap_threshold and ratio > ratio_last
        if g.due("tighten_on_gap", i, j, closing, p.lag):
            ind = "rival capability / own"
            for scope in (CHIPS, TOOLS):
                _move(
                    model,
                    "tighten_on_gap",
                    i,
                    j,
                    "export",
                    scope,
                    lv.export[scope, i, j] + p.step,
                    ind,
                    ratio,
                    p.gap_threshold,
                )
            _move(
                model,
                "tighten_on_gap",
                i,
                j,
                "evasion",
                None,
                lv.evasion[i, j] - p.evasion_step,
                ind,
                ratio,
                p.gap_threshold,
            )


def _tier(model, i, p: Tiering) -> None:
    g, lv, s = model.governments, model.levers, model.bloc_state
    for j in _rivals(model, i):
        if lv.export[CHIPS, i, j] < 0.5:
            continue  # no controls on this rival to leak around
        leak = float(s.foreign_access[j])
        for k in range(model.n_blocs):
            if k in (i, j):
                continue
            unaligned = lv.export[CHIPS, k, j] < p.aligned
            ind = f"{model.blocs[j]} foreign compute access"
            if g.due("tier_allies", i, k, leak > p.foreign_threshold and unaligned, p.lag):
                _move(
                    model,
                    "tier_allies",
                    i,
                    k,
                    "export",
                    CHIPS,
                    max(lv.export[CHIPS, i, k], p.cap),
                    ind,
                    leak,
                    p.foreign_threshold,
                )
            elif not unaligned and lv.export[CHIPS, i, k] > 0:
                ind = f"{model.blocs[k]} chip controls on {model.blocs[j]}"
                _move(model, "tier_allies", i, k, "export", CHIPS, 0.0, ind, lv.export[CHIPS, k, j], p.aligned)


def _retaliate(model, i, p: Retaliation) -> None:
    g, lv = model.governments, model.levers
    hit = lv.export[:, :, i].max(axis=0)  # the strongest control each issuer imposes on bloc i
    for j in range(model.n_blocs):
        rise = hit[j] - g.answered[i, j]
        if j == i or not g.due("retaliation", i, j, rise >= p.threshold - 1e-9, p.lag):
            continue
        ind = f"rise in {model.blocs[j]} controls on {model.blocs[i]}"
        _move(model, "retaliation", i, j, "minerals", None, lv.minerals[i, j] + p.mineral_step, ind, rise, p.threshold)
        for name in ("inbound", "screening"):
            level = max(getattr(lv, name)[i, j], p.strength * hit[j])
            _move(model, "retaliation", i, j, name, None, level, ind, rise, p.threshold)
        g.answered[i, j] = hit[j]


def _research_share(model) -> np.ndarray:
    """[bloc, partner] share of each bloc's papers last quarter co-authored with the partner."""
    fl = getattr(model, "flows", None)
    if fl is None or not hasattr(fl, "papers"):
        return np.zeros((model.n_blocs, model.n_blocs))
    total = fl.home + fl.papers.sum(axis=1)
    return np.divide(fl.papers, total[:, None], out=np.zeros_like(fl.papers, dtype=float), where=total[:, None] > 0)


def _derisk(model, i, p: Derisk) -> None:
    g, lv = model.governments, model.levers
    share = _research_share(model)
    for j in (model.blocs.index(c) for c in p.partners if c in model.blocs and c != model.blocs[i]):
        # Dependence past the threshold and higher than when last answered.
        rising = share[i, j] >= p.share_threshold and share[i, j] > g.share_answered[i, j]
        if g.due("derisk", i, j, rising, p.lag):
            ind = f"share of {model.blocs[i]} papers with {model.blocs[j]}"
            for name in ("screening", "inbound"):
                cur = getattr(lv, name)[i, j]
                _move(
                    model,
                    "derisk",
                    i,
                    j,
                    name,
                    None,
                    min(max(cur, cur + p.step), max(cur, p.ceiling)),
                    ind,
                    share[i, j],
                    p.share_threshold,
                )
            g.share_answered[i, j] = share[i, j]


def _join(model, i, values_weight) -> None:
    s, lv = model.bloc_state, model.levers
    market = np.array([b.market_size for b in model.bloc_specs.values()])
    values = np.array([b.values for b in model.bloc_specs.values()])
    for j in range(i + 1, model.n_blocs):
        gain_i = market[j] / market.sum() * (1 - s.alignment[i, j])
        gain_j = market[i] / market.sum() * (1 - s.alignment[i, j])
        cost = values_weight * abs(values[i] - values[j]) * 0.5
        name = f"auto_{model.blocs[i]}_{model.blocs[j]}"
        if min(gain_i, gain_j) > cost and name not in lv.agreements:
            lv.agreements[name] = (frozenset({i, j}), 0.5)
            model.governments.log(model, i, j, "join_agreements", "fired", f"agreement {name}", 0.0, 0.5)
