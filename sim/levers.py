"""The policy levers in force: bloc-by-bloc arrays that policy measures set and mechanisms read.

Rows are the bloc that acts, columns the bloc it acts towards, in the model's bloc order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SCOPES = ("chips", "tools", "models", "assistance")


@dataclass
class Programme:
    """A public AI programme being paid out (InvestAI-style)."""

    bloc: int
    quarterly_eur_bn: float
    quarters_left: int
    compute_share: float
    private_leverage: float
    name: str


@dataclass
class Levers:
    n_blocs: int
    export: np.ndarray = None  # [scope, issuer, target] stringency 0-1
    evasion: np.ndarray = None  # [issuer, target] share of controlled supply that leaks
    screening: np.ndarray = None  # [bloc, partner] research-security partner screening 0-1
    ban_military: np.ndarray = None  # [bloc, partner] entity-list ban on military-linked partners
    ban_security: np.ndarray = None  # [bloc, partner] ban on public-security-linked partners
    personnel: np.ndarray = None  # [bloc, partner] personnel screening in dual-use fields
    mobility: np.ndarray = None  # [bloc, partner] researcher mobility restriction 0-1
    inbound: np.ndarray = None  # [target bloc, investor bloc] inbound screening stringency
    outbound: np.ndarray = None  # [investor bloc, target bloc] outbound screening stringency
    threshold_eur_m: np.ndarray = None  # [bloc] deals at or above are reviewed
    compliance_cost: np.ndarray = None  # [bloc] share of R&D spent complying with the bloc's regime
    strictness: np.ndarray = None  # [bloc] strictness of the bloc's AI regime
    programmes: dict = field(default_factory=dict)  # name -> Programme being paid out
    agreements: dict = field(default_factory=dict)  # name -> (frozenset of bloc indices, depth)
    shock_mobility: float = 0.0  # exogenous global mobility shock (pandemic)
    shock_productivity: float = 0.0  # exogenous loss of research productivity

    def __post_init__(self):
        b = self.n_blocs
        for name in (
            "evasion",
            "screening",
            "ban_military",
            "ban_security",
            "personnel",
            "mobility",
            "inbound",
            "outbound",
        ):
            setattr(self, name, np.zeros((b, b)))
        self.export = np.zeros((len(SCOPES), b, b))
        self.threshold_eur_m = np.zeros(b)
        self.compliance_cost = np.zeros(b)
        self.strictness = np.zeros(b)
        from .policies import FAMILIES  # here, not at the top: the family modules import this module

        for module in FAMILIES.values():  # arrays a family adds (its ARRAYS), for the mechanisms that read them
            for name, kind in getattr(module, "ARRAYS", {}).items():
                setattr(self, name, np.zeros({"bloc": (b,), "pair": (b, b)}[kind]))

    def agreement_depth(self) -> np.ndarray:
        """[bloc, bloc] depth of the deepest standards agreement both belong to."""
        depth = np.zeros((self.n_blocs, self.n_blocs))
        for parties, d in self.agreements.values():
            idx = np.array(sorted(parties))
            if len(idx) > 1:
                sub = np.maximum(depth[np.ix_(idx, idx)], d)
                depth[np.ix_(idx, idx)] = sub
        np.fill_diagonal(depth, 0.0)
        return depth

    def effective_export(self, scope: str) -> np.ndarray:
        """[issuer, target] share of the issuer's supply of `scope` that the target loses."""
        return self.export[SCOPES.index(scope)] * (1.0 - self.evasion)
