"""Sweeps: what a multirun job does (resume, sampled levers), the aggregate at the end, its plots.

Importing this package changes no global state (the model's config imports `sweep.config`).
The `run_id` resolver of `hydra.sweep.subdir` is registered by `sim.compose.register()`, which
the command (`sim.cli`) and the sweep callback (`sweep.callbacks`, loaded by every process that
sets up a job: joblib, Ray and submitit workers) call when they are imported.
"""
