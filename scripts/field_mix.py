"""Where the joint papers' field mix comes from (C10): each bloc's own mix against its joint ones.

    python scripts/field_mix.py seeds=6
    python scripts/field_mix.py seeds=4 scale=classroom scenario=uk_own_bloc

Per seed, over 2017-2022 (C10's window), as `python -m sim.validation` runs the model:
- own: each bloc's own output mix (its authors' specialisms weighted by research capacity; home output
  follows it: home papers have no field of their own in the model);
- papers: the joint papers' field mix of each bloc pair (what C10 scores for EU-CN);
- initiated by: the new ties' fields split by the bloc whose author proposed them;
- rules: the joint mix each field-choice rule would give on the run's own aggregates, quarter by quarter
  (the effort each lane receives, spread over its authors' specialisms, and the partner weights' mixes):
  `world` the model's gravity form, mix_x[f] x W_j[f] / sum over all blocs of W_k[f]; `foreign` the same with
  the initiator's own bloc left out of the denominator; `partner` the partner bloc's mix alone; `own` the
  initiator's mix alone.
Rows: vision + networking and robotics shares, median over seeds (10-90% range). Read only: the field choice
is observed by wrapping `collaboration.formation._merge`, which the script does not change.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RULES = ("world", "foreign", "partner", "own")
YEARS = ("2017Q1", "2022Q4")


def _rule(rule, E, W, i, j):
    """[field] new ties lane i -> j would seek per field under `rule` (E: [bloc, bloc, field] effort mixes)."""
    if rule == "partner":
        return E[i, j].sum() * W[j] / max(W[j].sum(), 1e-300)
    if rule == "own":
        return E[i, j]
    world = W.sum(axis=0) - (W[i] if rule == "foreign" else 0.0)
    v = E[i, j] * W[j] / np.maximum(world, 1e-300)
    return v / max(v.sum(), 1e-300) * E[i, j].sum()


def run_seed(scenario, seed, factor, params):
    from sim.catalogue import FIELDS
    from sim.mechanisms import collaboration as C
    from sim.mechanisms.collaboration import formation
    from sim.run import build_model
    from sim.validation.runs import make_config

    F = len(FIELDS)
    cfg = make_config(scenario, seed, factor, YEARS[1])
    for key, value in (params or {}).items():  # {"collaboration.tie_decay": "0.05"}, as lane_decomposition.py
        *path, last = key.split(".")
        obj = cfg.params
        for name in path:
            obj = getattr(obj, name)
        setattr(obj, last, type(getattr(obj, last))(float(value)))
    model = build_model(cfg)
    nb, au = model.n_blocs, model.network.authors
    initiated = np.zeros((nb, nb, F))
    papers = np.zeros((nb, nb, F))
    rules = {r: np.zeros((nb, nb, F)) for r in RULES}
    own = np.zeros((nb, F))
    inner, on = formation._merge, [False]

    def merge(m, x, y, field, cap):  # observe the accepted proposals' fields, by the proposing author's bloc
        if on[0]:
            np.add.at(initiated, (au.bloc[x], au.bloc[y], field), 1)
        return inner(m, x, y, field, cap)

    formation._merge = merge  # where `formation._form` looks it up
    try:
        while model.running:
            period = model.period
            on[0] = YEARS[0] <= period <= YEARS[1]
            model.step()
            if not on[0]:
                continue
            papers += model.flows.papers_field
            cap = C.capacity(model)
            w = C.partner_weight(model, au.reach)
            W = np.stack([np.bincount(au.bloc, weights=w * au.mix[:, f], minlength=nb) for f in range(F)], axis=1)
            own += np.stack([np.bincount(au.bloc, weights=cap * au.mix[:, f], minlength=nb) for f in range(F)], axis=1)
            E = np.zeros((nb, nb, F))
            np.add.at(E, (au.bloc[au.lane_author], au.lane_bloc), au.lane_effort[:, None] * au.mix[au.lane_author])
            for r in RULES:
                for i in range(nb):
                    for j in range(nb):
                        if i != j:
                            rules[r][i, j] += _rule(r, E, W, i, j)
    finally:
        formation._merge = inner
    blocs = list(model.blocs)
    model.release()
    return {"blocs": blocs, "own": own, "papers": papers, "initiated": initiated, "rules": rules}


def _shares(v):
    v = np.asarray(v, float)
    t = max(v.sum(), 1e-300)
    return (v[0] + v[4]) / t, v[2] / t  # vision + networking, robotics


def table(results):
    blocs = results[0]["blocs"]
    nb = len(blocs)
    rows = []

    def row(label, values):
        vn = np.array([v[0] for v in values])
        rb = np.array([v[1] for v in values])
        q = lambda a: f"{np.median(a):.3f} ({np.quantile(a, 0.1):.3f}-{np.quantile(a, 0.9):.3f})"  # noqa: E731
        rows.append(f"| {label} | {q(vn)} | {q(rb)} |")

    rows += [f"{len(results)} seeds, 2017-2022", "", "| mix | vision + networking | robotics |", "|---|---|---|"]
    for b in range(nb):
        row(f"own output {blocs[b]}", [_shares(r["own"][b]) for r in results])
    for i in range(nb):
        for j in range(i + 1, nb):
            pair = f"{blocs[i]}-{blocs[j]}"
            row(f"papers {pair}", [_shares(r["papers"][i, j]) for r in results])
            row(f"new ties {pair} proposed by {blocs[i]}", [_shares(r["initiated"][i, j]) for r in results])
            row(f"new ties {pair} proposed by {blocs[j]}", [_shares(r["initiated"][j, i]) for r in results])
            for rule in RULES:
                both = [r["rules"][rule][i, j] + r["rules"][rule][j, i] for r in results]
                row(f"rule `{rule}` {pair}", [_shares(v) for v in both])
    return "\n".join(rows)


def _job(args):
    return run_seed(*args)


def main(argv: list[str]) -> int:
    from sim.compose import compose_config
    from sim.parallel import parallel_map

    opts = dict(a.split("=", 1) for a in argv)
    seeds, scenario = int(opts.get("seeds", 4)), opts.get("scenario", "baseline")
    factor = float(compose_config([f"scale={opts.get('scale', 'realistic')}"]).scale.factor)
    params = {k.removeprefix("params."): v for k, v in opts.items() if k.startswith("params.")}
    jobs = [(scenario, s, factor, params) for s in range(seeds)]
    print(table(parallel_map(_job, jobs, workers=int(opts.get("workers", 2)))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
