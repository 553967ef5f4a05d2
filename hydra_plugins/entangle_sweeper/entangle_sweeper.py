"""Entangle's Hydra sweeper: the basic sweeper, minus its serial composition of every job's config.

Hydra's BasicSweeper calls `validate_batch_is_legal` before launching a batch, which composes
every job's config one after another in the parent process (about 0.1 s a job: 10 s for 100
runs, during which no job runs). `python -m sim` has already composed and validated the config
for every value each sweep takes (`sim.compose.precheck`, before Hydra writes anything), and each
job composes its own config again where it runs. So this sweeper composes only the batch's
first job here, which still catches anything particular to Hydra's sweep composition (its
`hydra.*` keys, the sweep folder's interpolations) before any job starts.

It lives in the `hydra_plugins` namespace because Hydra instantiates plugins only from there;
`configs/hydra/sweeper/entangle.yaml` selects it and `configs/config.yaml` makes it the default.
"""

from __future__ import annotations

from collections.abc import Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper


class EntangleSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        super().validate_batch_is_legal(batch[:1])
