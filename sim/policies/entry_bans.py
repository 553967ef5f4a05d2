"""Entry bans: a bloc bars travellers coming from a partner bloc (the pandemic's closures, 2020-2023).

Unlike a visa restriction on researchers of an origin (research security's `mobility`), an entry ban
is by where the traveller comes from and pushes nobody already abroad to leave. It stops moves into
the bloc (mobility.py) and the visits that start new research ties with it: an author who cannot
visit sends its collaboration effort to the lanes still open or home (collaboration/effort.py, through the
pass it expects on each lane; the share of new ties that need a visit is `mobility.visit_share`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import spec
from .family import set_pairs

FAMILY = "entry_bans"
ARRAYS = {"entry_ban": "pair"}  # [bloc barring entry, bloc the travellers come from] share barred 0-1


@dataclass
class Measure:
    bloc: str = spec("US", source="the bloc that bars entry")
    partner: str = spec("all", source="the bloc its travellers come from; 'all' for every other bloc")
    stringency: float | None = spec(None, lo=0.0, hi=1.0, source="scenario")


def apply(levers, m: Measure, blocs: list[str], key: str) -> None:
    set_pairs(levers, blocs, key, ("bloc", m.bloc), ("partner", m.partner), {"entry_ban": m.stringency})
