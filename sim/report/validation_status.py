"""The latest `python -m sim.validation` result recorded for this model version, in one sentence."""

from __future__ import annotations


def latest(out=None) -> str | None:
    """The newest validation record of this package version and commit (realistic scale first), said in one
    sentence; None if there is none (sim/validation/record.py)."""
    from ..validation import record

    kw = {} if out is None else {"out": out}
    rec = record.latest(scale="realistic", **kw) or record.latest(**kw)
    return None if rec is None else sentence(rec)


def sentence(rec: dict) -> str:
    d = rec["directions"]
    text = (
        f"On {rec['created'][:10]}, python -m sim.validation (scenario {rec['scenario']}, {rec['scale']} scale, "
        f"{rec['seeds']} seeds; Entangle {rec['version']}, commit {str(rec['commit'])[:12]}) put "
        f"{rec['in_band']} of {rec['counted']} counted target parts in band (fit {rec['fit'][0]}/{rec['fit'][1]}, "
        f"test {rec['test'][0]}/{rec['test'][1]})"
    )
    if "out_of_sample" in rec:  # records before session 19 do not have it
        fresh = rec["out_of_sample"]
        text += f", {fresh[0]} of the {fresh[1]} test parts nothing was tuned on"
    if rec["out_of_band"]:
        text += f"; out: {', '.join(rec['out_of_band'])}"
    if d["checked"]:
        text += f"; {d['hold']} of {d['of']} policy direction checks hold"
        if d["failing"]:
            text += f" (failing: {'; '.join(d['failing'])})"
    if "robustness" in rec:
        r = rec["robustness"]
        text += f"; {r['meeting_goal']} of {r['rows']} uncertain parameters keep >= 85% of the parts in band at +-20%"
    return text + "."
