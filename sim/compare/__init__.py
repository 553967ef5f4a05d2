"""Effects of a policy versus a counterfactual, paired seed by seed (`python -m sim.compare`).

The two sides run as one Hydra multirun (`+side=treated,counterfactual` × seeds) on the usual
launchers, so resume, the aggregate and its per-side fan charts are those of every sweep. Each
side is a small config in the comparison folder (`sides/side/<side>.yaml`, package `_global_`):
its scenario and the lever settings only it has. The effect of a seed is the treated run minus
the counterfactual run with the same seed, per outcome and year (yearly means).
"""

SIDES = ("treated", "counterfactual")
