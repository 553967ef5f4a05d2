"""Why a research lane's papers grow: its growth between two years split into the factors the model multiplies.

    python scripts/lane_decomposition.py seeds=6 years=2020,2022
    python scripts/lane_decomposition.py seeds=4 scale=classroom scenario=uk_own_bloc years=2017,2020
    python scripts/lane_decomposition.py seeds=4 params.collaboration.spinup_quarters=80   # a parameter changed

A lane's expected papers in a quarter are `papers_per_tie` x productivity x the sum over its ties of
sqrt(strength) x sqrt(cap_a x cap_b) / cap_ref (sim/mechanisms/collaboration/papers.py, `_write_papers`). So a lane's
growth from year y0 to y1 is the product of
- ties: how many ties it holds (new ties in, ended ties out; effort sent each way says where new ties come from);
- composition: the pair size (sqrt(cap_a x cap_b) / cap_ref) of y1's ties over y0's, both at y0's capacities
  (ties moving onto larger authors);
- authors' growth: the pair size of y1's ties at y1's capacities over the same at y0's (the authors grew);
- strength: sqrt(strength) weighted by pair size (pairs that proposed their tie again write more);
- productivity: one minus the productivity shock (the pandemic's), times the root of both blocs' output from
  past project starts (sim/mechanisms/projects.py) where a scenario cut them;
- rest: papers over the product (the sum of products over quarters, the workload bound, Poisson noise).
Each row is the median over seeds of the per-seed value (ratios: the median of per-seed ratios). Read only:
the model runs as `python -m sim.validation` runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FACTORS = ("papers", "expected", "ties", "new_ties", "ended_ties", "effort_ab", "effort_ba", "composition")
FACTORS += ("authors_growth", "strength", "productivity", "firm_share")


def _pair_size(model, cap, a, b):
    return np.sqrt(cap[a] * cap[b]) / model.network.authors.cap_ref


def _project_output(model, nb):
    """[lane] the root of both blocs' output from past project starts (sim/mechanisms/projects.py), 1 if none."""
    f = model.network.project_output
    return np.sqrt(np.outer(f, f)).ravel()


def quarter_stats(model, prev_keys, y0_caps):
    """[lane] this quarter's numbers, lanes as flat [bloc, bloc] cells with the lower bloc first."""
    from sim.mechanisms import collaboration

    nb, au, ties = model.n_blocs, model.network.authors, model.network.ties
    cap = collaboration.capacity(model)
    lo, hi = np.minimum(au.bloc[ties.a], au.bloc[ties.b]), np.maximum(au.bloc[ties.a], au.bloc[ties.b])
    lane = lo * nb + hi
    size = _pair_size(model, cap, ties.a, ties.b)
    root = np.sqrt(ties.strength)

    def per_lane(w=None, where=None):
        sel = slice(None) if where is None else where
        return np.bincount(lane[sel], weights=None if w is None else w[sel], minlength=nb * nb)

    ended = np.zeros(nb * nb)
    if prev_keys is not None:
        gone = prev_keys[0][~np.isin(prev_keys[0], ties.key)]
        ended = np.bincount(prev_keys[1][np.searchsorted(prev_keys[0], gone)], minlength=nb * nb)
    is_new = ~np.isin(ties.key, prev_keys[0]) if prev_keys is not None else np.zeros(len(lane), bool)
    effort = collaboration.effort_by_pair(model)
    firm = au.is_firm[ties.a] | au.is_firm[ties.b]
    base = y0_caps.get(model.period[4:])  # the same quarter of y0: capacities the composition is read at
    out = {
        "papers": model.flows.papers.ravel(),
        "ties": per_lane(),
        "new_ties": per_lane(where=is_new),
        "ended_ties": ended,
        "effort_ab": effort.ravel(),
        "effort_ba": effort.T.ravel(),
        "size": per_lane(size),
        "size_root": per_lane(size * root),
        "size_y0": per_lane(_pair_size(model, base, ties.a, ties.b)) if base is not None else None,
        "firm": per_lane(size * root, where=firm),
        "productivity": (1.0 - model.levers.shock_productivity) * _project_output(model, nb),
        "papers_per_tie": np.full(nb * nb, model.params.collaboration.papers_per_tie),
    }
    order = np.argsort(ties.key)
    return out, cap, (ties.key[order], lane[order])


def run_seed(scenario: str, seed: int, factor: float, y0: int, y1: int, params: dict | None = None) -> dict:
    """{(year, name): [lane] value} for y0 and y1 of one seed; `params`: {"collaboration.tie_decay": "0.05"}."""
    from sim.run import build_model
    from sim.validation.runs import make_config

    cfg = make_config(scenario, seed, factor, f"{y1}Q4")
    for key, value in (params or {}).items():
        *path, last = key.split(".")
        obj = cfg.params
        for name in path:
            obj = getattr(obj, name)
        setattr(obj, last, type(getattr(obj, last))(float(value)))
    model = build_model(cfg)
    keys, y0_caps, acc = None, {}, {}
    while model.running:
        period = model.period
        model.step()
        year = int(period[:4])
        stats, cap, new_keys = quarter_stats(model, keys, y0_caps if year == y1 else {})
        keys = new_keys
        if year == y0:
            y0_caps[period[4:]] = cap
        if year in (y0, y1):
            for name, v in stats.items():
                if v is not None:
                    acc.setdefault((year, name), []).append(v)
    out = {"blocs": model.blocs}
    for (year, name), vs in acc.items():
        vs = np.array(vs)
        out[(year, name)] = vs.mean(axis=0) if name in ("ties", "productivity") else vs.sum(axis=0)
    for year in (y0, y1):
        ties_q, size = np.maximum(np.array(acc[(year, "ties")]), 1), np.array(acc[(year, "size")])
        out[(year, "expected")] = (
            np.array(acc[(year, "size_root")])
            * np.array(acc[(year, "productivity")])
            * acc[(year, "papers_per_tie")][0]
        ).sum(axis=0)
        out[(year, "mean_size")] = (size / ties_q).mean(axis=0)
        out[(year, "strength")] = (np.array(acc[(year, "size_root")]) / np.maximum(size, 1e-300)).mean(axis=0)
        out[(year, "firm_share")] = out[(year, "firm")] / np.maximum(out[(year, "size_root")], 1e-300)
    # Composition at y0's capacities: y1's ties against y0's; authors' growth: y1's ties at y1's against y0's.
    y0_size = np.array(acc[(y0, "size")]).sum(axis=0)
    y1_at_y0 = np.array(acc[(y1, "size_y0")]).sum(axis=0)
    y1_size = np.array(acc[(y1, "size")]).sum(axis=0)
    n0, n1 = np.array(acc[(y0, "ties")]).sum(axis=0), np.array(acc[(y1, "ties")]).sum(axis=0)
    out[(y0, "composition")], out[(y1, "composition")] = y0_size / np.maximum(n0, 1), y1_at_y0 / np.maximum(n1, 1)
    out[(y0, "authors_growth")], out[(y1, "authors_growth")] = y1_at_y0, y1_size
    return out


def table(results: list[dict], y0: int, y1: int) -> str:
    blocs = results[0]["blocs"]
    nb = len(blocs)
    lines = []
    for i in range(nb):
        for j in range(i + 1, nb):
            cell = i * nb + j
            lines += [f"\n{blocs[i]}-{blocs[j]} ({len(results)} seeds)", "", f"| factor | {y0} | {y1} | {y1}/{y0} |"]
            lines.append("|---|---|---|---|")
            product = np.ones(len(results))
            for name in FACTORS:
                a = np.array([r[(y0, name)][cell] for r in results])
                b = np.array([r[(y1, name)][cell] for r in results])
                ratio = b / np.maximum(a, 1e-300)
                if name in ("ties", "composition", "authors_growth", "strength", "productivity"):
                    product *= ratio
                shown = ("-", "-") if name == "authors_growth" else (f"{np.median(a):.4g}", f"{np.median(b):.4g}")
                lines.append(f"| {name} | {shown[0]} | {shown[1]} | {np.median(ratio):.3f} |")
            papers = np.array([r[(y1, "papers")][cell] / max(r[(y0, "papers")][cell], 1e-300) for r in results])
            lines.append(f"| rest (papers / product of the factors above) | | | {np.median(papers / product):.3f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from sim.parallel import parallel_map

    opts = dict(a.split("=", 1) for a in argv)
    seeds, scenario = int(opts.get("seeds", 4)), opts.get("scenario", "baseline")
    from sim.compose import compose_config

    factor = float(compose_config([f"scale={opts.get('scale', 'realistic')}"]).scale.factor)
    y0, y1 = (int(y) for y in opts.get("years", "2020,2022").split(","))
    params = {k.removeprefix("params."): v for k, v in opts.items() if k.startswith("params.")}
    jobs = [(scenario, s, factor, y0, y1, params) for s in range(seeds)]
    results = parallel_map(_job, jobs, workers=int(opts.get("workers", 2)))
    print(table(results, y0, y1))
    return 0


def _job(args):
    return run_seed(*args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
