"""A bloc split off from the bloc it belongs to in the sources (the UK out of Europe in `uk_own_bloc`).

The calibration is Europe-wide: the UK's researchers, firms and investors were calibrated as part of Europe.
As its own actor the UK should inherit what it had there, so that the EU and UK blocs together are the
baseline's Europe and only the levers differ (issue 14 item 5). The catalogue gives the UK Europe's levels
and takes its totals out of Europe's (`catalogue.resolve`); what is a bloc's and not a country's is here:

- Co-authorship inside Europe is home output in the calibration (collaboration forms ties across blocs only).
  Split, the EU and the UK tie with each other as any two blocs do (an ordinary lane: effort split, substitution,
  screening), at the affinities the catalogue gives (`region_pairs`), so a lever between them has something to
  act on; what those ties write was home output, so it comes out of the two blocs' home output in expectation
  (`home_less_joint`), it teaches nothing the calibration did not already count (`abroad`) and it makes no one
  a more popular partner from outside (`outside_degree`): Europe's totals and its papers abroad stay the
  baseline's.
- A researcher outside Europe chose Europe, then a partner anywhere in it, weighted by the partner's reach,
  prestige and ties (collaboration's partner weight). With two blocs it would weigh two lanes as if each
  were Europe, and its ties would stick to the part where it already has some. `pool_region_lanes` gives
  the two lanes together what the one lane was worth, split by where the partner draw would have landed.
- People: diaspora and alumni of Europe are shared by research capacity (`origin_shares`), and researchers
  choose where to work by region (`destinations`: a move inside Europe was no move).
- Bloc-wide rates read as the region's (`region_sum`, `region_mean`): research capacity grows with Europe's
  funding and talent, firms learn from Europe's co-authored share of output, depth is a share of its firms.
- Capital: a fund of one bloc of a region sees the region's rounds as its home deal flow and pays no home
  bias, political risk or depth premium on them, as inside Europe in the calibration (investment reads
  `regions`); screening still follows where a fund is registered, so a lever between the two can act.

Every function is a no-op in a run where no bloc split off, so the baseline is untouched.
"""

from __future__ import annotations

import numpy as np

from .catalogue import CATALOGUE


def parents(blocs: list[str]) -> dict[str, str]:
    """{child bloc: parent bloc} for every simulated bloc that is a country of another simulated bloc's
    catalogue entry (the UK is a country of Europe in the catalogue)."""
    out = {}
    for code in blocs:
        for parent in blocs:
            if parent != code and parent in CATALOGUE and code in CATALOGUE[parent].countries:
                out[code] = parent
    return out


def regions(model) -> np.ndarray:
    """[bloc] the bloc's region: its parent's index if it split off, else its own (kept on the model)."""
    region = getattr(model, "split_region", None)
    if region is None:
        idx = {code: i for i, code in enumerate(model.blocs)}
        up = parents(model.blocs)
        region = model.split_region = np.array([idx[up.get(code, code)] for code in model.blocs])
    return region


def is_split(model) -> bool:
    """Whether any bloc of the run split off from its region."""
    return bool((regions(model) != np.arange(model.n_blocs)).any())


def parts(model) -> np.ndarray:
    """[bloc] its share of its region's research capacity at set-up (1 for a bloc that is its own region)."""
    part = getattr(model, "split_parts", None)
    if part is None:
        region = regions(model)
        cap = np.bincount(model.inst.bloc, weights=model.inst.capacity, minlength=model.n_blocs)
        part = cap / np.maximum(np.bincount(region, weights=cap, minlength=model.n_blocs)[region], 1e-300)
        model.split_parts = part
    return part


def destinations(model) -> np.ndarray | None:
    """[bloc now, destination] weight of a destination in a researcher's choice where a region is split (None
    where none is): staying where one is stands for the whole region (moves inside Europe were no moves in the
    calibration), and the blocs of a split region abroad share its weight by their research capacity."""
    if not is_split(model):
        return None
    region, nb = regions(model), model.n_blocs
    same = region[:, None] == region[None, :]
    return np.where(same, np.eye(nb), parts(model)[None, :])


def split_affinity(model, affinity: np.ndarray) -> np.ndarray:
    """[country, bloc] research affinity with split blocs inheriting: a country outside a region has the
    region's affinity towards each of its blocs (one choice of Europe, shared out by `pool_region_lanes`);
    a country keeps its catalogue affinity towards the other blocs of its own region (the EU-UK lane)."""
    if not is_split(model):
        return affinity
    region = regions(model)
    out = affinity.copy()
    own = region[model.country_bloc]  # [country] its region
    for b in np.flatnonzero(region != np.arange(model.n_blocs)):
        outside = own != region[b]
        out[outside, b] = affinity[outside, region[b]]
    return out


def region_pairs(model) -> np.ndarray | None:
    """[bloc, bloc] True for two different blocs of one region (the EU and the UK), None where none is split."""
    if not is_split(model):
        return None
    region = regions(model)
    return (region[:, None] == region[None, :]) & ~np.eye(model.n_blocs, dtype=bool)


def abroad(model, per_pair: np.ndarray) -> np.ndarray:
    """[bloc, bloc, ...] `per_pair` with the pairs inside one region zeroed (the array itself where none is
    split): what the calibration counted as learned abroad came from outside Europe only."""
    inside = region_pairs(model)
    if inside is None:
        return per_pair
    return np.where(inside.reshape(inside.shape + (1,) * (per_pair.ndim - 2)), 0.0, per_pair)


def home_less_joint(model, home_mean: np.ndarray, lam: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[country] the mean of its home output less its expected papers with the other blocs of its region this
    quarter (`lam`: each tie's expected papers, `a`, `b` its authors), so that the region's total output is the
    calibration's whether or not its blocs co-author as separate blocs: those papers were home output there.
    `home_mean` itself where no region is split."""
    inside = inside_ties(model, a, b)
    if inside is None:
        return home_mean
    au = model.network.authors
    w = lam * inside
    n = len(home_mean)
    joint = np.bincount(au.country[a], weights=w, minlength=n) + np.bincount(au.country[b], weights=w, minlength=n)
    return np.maximum(home_mean - joint, 0.0)


def inside_ties(model, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """[tie] True for a tie between two blocs of one region (`a`, `b` its authors); None where none is split."""
    inside = region_pairs(model)
    if inside is None:
        return None
    bloc = model.network.authors.bloc
    return inside[bloc[a], bloc[b]]


def outside_degree(model, ties) -> np.ndarray:
    """[author] its ties with blocs outside its own region (`ties.degree_all` itself where none is split): how
    popular a partner it is, as the calibration counted it (ties inside Europe were home work there)."""
    inside = region_pairs(model)
    if inside is None:
        return ties.degree_all
    nb, bloc = model.n_blocs, ties.author_bloc
    return ties.degree_all - (ties.degree.reshape(-1, nb) * inside[bloc]).sum(axis=1)


def pool_region_lanes(model, value: np.ndarray, memory, weight) -> np.ndarray:
    """Per foreign lane: `value` (the affinity term) plus `memory` (the ties term), with the lanes of one author
    towards the blocs of one split region sharing what one lane to the region was worth, in proportion to the
    region's partner weight in each bloc (`weight()`: per author, computed only when a region is split).

    Towards the region an author weighs one affinity term, the same on each of its blocs' lanes
    (`split_affinity`) up to field fit and pool quality, so taken as their mean weighted by where partners
    are drawn, plus all its ties there (ties with the region beget ties with the region, which the partner
    draw then places).
    """
    if not is_split(model):
        return value + memory
    au, nb, region = model.network.authors, model.n_blocs, regions(model)
    w_bloc = np.bincount(au.bloc, weights=weight(), minlength=nb)
    w_region = np.bincount(region, weights=w_bloc, minlength=nb)
    share = w_bloc / np.maximum(w_region[region], 1e-300)  # [bloc] its share of its region's partner weight
    jl, xl = au.lane_bloc, au.lane_author
    split = region[jl] != region[au.bloc[xl]]  # lanes from outside a region into it
    split &= np.bincount(region, minlength=nb)[region[jl]] > 1
    out = value + memory
    cell = xl[split] * nb + region[jl[split]]
    mem = np.broadcast_to(memory, value.shape)[split]
    total = np.bincount(cell, weights=value[split] * share[jl[split]] + mem, minlength=len(au) * nb)
    out[split] = total[cell] * share[jl[split]]
    return out


def region_sum(model, per_bloc: np.ndarray) -> np.ndarray:
    """[bloc] the sum over the bloc's region (a bloc's own value where no region is split): a bloc-wide rate
    taken as a ratio of two region sums is the region's, as the blocs had it together in the calibration."""
    if not is_split(model):
        return per_bloc
    region = regions(model)
    return np.bincount(region, weights=per_bloc, minlength=model.n_blocs)[region]


def region_mean(model, per_bloc: np.ndarray, weight) -> np.ndarray:
    """[bloc] the `weight()`-weighted mean over the bloc's region (a bloc's own value where no region is split)."""
    if not is_split(model):
        return per_bloc
    w = weight()
    return region_sum(model, per_bloc * w) / np.maximum(region_sum(model, w), 1e-300)


def origin_shares(model, table: dict[str, dict[str, float]], rows: list[str], row_bloc, default: float) -> np.ndarray:
    """[row, bloc] shares of a row's people from (or alumni of) each other bloc, read from `table`
    (row name -> {bloc: share}), with split regions inheriting: a region's share goes to its blocs by their
    research capacity (the UK's part of the people from Europe), people from another bloc of one's own region
    are home-born as calibrated (0), and a split-off bloc with no row of its own reads its parent's row."""
    region, blocs, part = regions(model), model.blocs, parts(model)
    up, n_in = parents(blocs), np.bincount(region, minlength=model.n_blocs)
    out = np.zeros((len(rows), model.n_blocs))
    for r, name in enumerate(rows):
        b = row_bloc[r]
        shares = table.get(name, table.get(up.get(name, name), {}))
        for o, code in enumerate(blocs):
            if region[o] == region[b]:
                continue  # one's own bloc, or another bloc of one's region: home-born
            if n_in[region[o]] == 1:
                out[r, o] = shares.get(code, default)
            elif code != blocs[region[o]] and code in shares:  # a split-off bloc the table names itself
                out[r, o] = shares[code]
            else:  # a bloc of a split region: its part of the region's share
                out[r, o] = shares.get(blocs[region[o]], default) * part[o]
    return out
