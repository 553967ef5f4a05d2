"""Sweeps: what a multirun job does (resume, sampled levers), the aggregate at the end, its plots.

Importing this package registers the `run_id` resolver used by `hydra.sweep.subdir`, so every
process that sets up a job (joblib, Ray and submitit workers import it with the callback) knows it.
"""

from .job import register_resolvers

register_resolvers()
