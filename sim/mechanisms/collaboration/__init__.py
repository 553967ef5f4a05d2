"""Research collaboration: who co-authors with whom abroad, the papers they write, what flows back.

Authors are institutions and firms (corporate labs write most firm papers). Ties
are individual and cross-bloc; domestic co-authorship is part of each author's
home output. Each quarter an author starts new foreign ties at a rate that grows
with its capacity, its country's affinity to the partner bloc and, above all, its
existing ties there (individual initiative begets more ties), cut by mobility
restrictions. The partner is drawn within the partner bloc and field, weighted by
capacity, prestige and existing ties (no all-pairs search). Screening, entity-list
bans, personnel screening and technical-assistance controls on either side can stop
a tie; bans and screening also end existing ones. Each tie writes papers, cited
by its authors' quality and the communities it reaches, carrying knowledge both ways and, with military- or
security-linked partners in dual-use fields, exposure.

Each quarter (`step`), after mobility (who is where): sold start-ups' ties move to their acquirers
(takeover.py); every author's `capacity`; new ties (formation.py: the
effort each author sends to each partner bloc, split by expected value in effort.py, drawn as proposals,
partners chosen by field fit, screened and merged); tie decay (decay.py: ends, bans, screening, exited
firms); papers (papers.py: what the ties write, home output, citations, spillover, exposure, institution
counts). Set-up (`setup`): the authors and their country affinities (network.py), then the 2017 start
(start.py: occasional publishers, decision inputs, the first draw of ties, the spin-up). The parameters and
their sources are in params.py.
"""

from __future__ import annotations

import copy

import numpy as np

from ... import split
from ...state import ResearchNetwork
from . import decay, formation, papers, start, takeover
from .effort import effort_by_pair, lane_bloc_values, lane_values
from .network import TIE_ARRAYS, Authors, Ties, capacity, field_share, partner_weight
from .params import Params

__all__ = [
    "Params",
    "Authors",
    "Ties",
    "TIE_ARRAYS",
    "capacity",
    "field_share",
    "with_affinities",
    "effort_by_pair",
    "lane_values",
    "lane_bloc_values",
    "partner_weight",
    "setup",
    "step",
]


def with_affinities(specs: dict, p: Params) -> dict:
    """The bloc specs with `mature_affinities` applied (a copy; the specs themselves when it is off)."""
    if not p.mature_affinities:
        return specs
    out = copy.deepcopy(specs)
    for spec_ in out.values():
        if "UK" in spec_.countries:
            aff = spec_.countries["UK"].affinity
            aff["US"] = aff["US"] * 4.5 / 9.0  # relative to the catalogue's, so its robustness rows still scale it
            if "EU" in aff:
                aff["EU"] = aff["EU"] * 6.0 / 10.0
    return out


def setup(model) -> None:
    p = model.params.collaboration
    specs = list(model.bloc_specs.values())
    affinity = np.ones((len(model.countries), model.n_blocs))  # [country, bloc]
    for ci, cname in enumerate(model.countries):
        for spec_ in specs:
            if cname in spec_.countries:
                for code, v in spec_.countries[cname].affinity.items():
                    if code in model.blocs:
                        affinity[ci, model.blocs.index(code)] = v
    authors = Authors(model, split.split_affinity(model, affinity))
    model.network = ResearchNetwork(
        authors,
        Ties.empty(authors.bloc, model.n_blocs),
        np.zeros((len(authors), model.n_blocs)),
        project_starts=np.ones((0, model.n_blocs)),  # no start cut in the window yet
        project_output=np.ones(model.n_blocs),
        freed_time=np.zeros(len(authors)),  # nothing freed before a restriction closes a tie (freed.py)
        # no past work yet: filled at the first quarter (publication_lag.py)
        work_history=np.zeros((0, model.n_blocs**2)),
        home_work_history=np.zeros((0, len(model.countries))),
    )
    start._occasional_publishers(model, p)
    start._decision_inputs(model, capacity(model))
    # Start from the stock of ties the 2017 formation rate sustains.
    # (A free parameter: with individual initiative (tie_memory) the stock is not at a steady state.)
    formation._form(model, capacity(model), scale=p.initial_stock_quarters, with_memory=False, part="setup")
    start._spin_up(model, p)


def step(model) -> None:
    # The parts are looked up in their modules at call time, so a profiler can wrap them there
    # (benchmarks/profile_step.py, benchmarks/step_instructions.py).
    takeover._take_over(model)  # sold start-ups' ties go to their acquirers before anyone chooses partners
    cap = capacity(model)
    formation._form(model, cap)
    decay._decay(model, cap=cap)
    papers._write_papers(model, cap)
