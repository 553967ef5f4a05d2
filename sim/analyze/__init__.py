"""`python -m sim.analyze`: aggregate, sensitivity analysis (SALib) and scenario discovery (PRIM) of sweeps."""
