"""Sweeps: what a multirun job does (resume, sampled levers), the aggregate at the end, its plots.

Importing this package registers the `run_id` resolver used by `hydra.sweep.subdir`, so every
process that sets up a job (joblib, Ray and submitit workers import it with the callback) knows it.
"""

import warnings

from .job import register_resolvers

register_resolvers()
# configs/hydra/launcher/*.yaml carry our defaults for the launcher plugins and share their names
# on purpose, so Hydra also checks them against the plugins' schemas; its notice about that is noise.
warnings.filterwarnings("ignore", message=r"(?s).*validated against ConfigStore schema with the same name")
