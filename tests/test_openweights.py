"""Open-weight models: a few frontier labs decide; open models narrow the gap that export controls keep open."""

import numpy as np
import pytest
from conftest import run, timeseries

from sim.mechanisms import openweights

CONTROLS = (
    "policies.start=2025Q1",
    "policies.export_controls.scope=[chips,models]",
    "policies.export_controls.stringency=1.0",
    "policies.export_controls.evasion=0.0",
)


def test_only_a_few_labs_per_bloc_decide():
    model = run("seed=0")
    labs = openweights.labs(model)
    k = model.params.openweights.labs_per_bloc
    assert np.array_equal(np.bincount(model.firms.bloc[labs], minlength=model.n_blocs), [k] * model.n_blocs)
    ts = model.recorder.timeseries()
    assert ts[[f"open_labs_{b}" for b in model.blocs]].to_numpy().max() <= k


def test_a_bloc_never_learns_from_its_own_open_models():
    # Only one bloc has ever released weights, far above everyone's capability: it learns nothing from
    # them, every other bloc does. (No lab reviews its policy this quarter, so nothing new is released.)
    model = run("seed=0", "end=2018Q4", "params.openweights.review_rate=0")
    caps = model.bloc_state.capability
    for releaser in range(model.n_blocs):
        model.open_weights.frontier = np.where(np.arange(model.n_blocs) == releaser, 10 * caps.max(), 0.0)
        openweights.step(model)
        spill = model.flows.open_spillover
        assert spill[releaser] == 0.0
        assert (np.delete(spill, releaser) > 0.0).all()


def test_no_open_release_anywhere_means_no_spillover():
    # Labs never reconsider their (closed) policy: no bloc has an open frontier, and no bloc learns from one.
    model = run("seed=0", "end=2020Q4", "params.openweights.review_rate=0")
    ts = model.recorder.timeseries()
    assert (model.open_weights.frontier == 0).all()
    assert ts[[f"open_spillover_{b}" for b in model.blocs]].to_numpy().max() == 0.0


def test_a_follower_gains_more_capability_than_the_leader_from_the_same_release():
    # One bloc releases a model above everyone: the bloc further behind gains more capability (in levels; in the
    # baseline it also has the larger research base), and a bloc already level with the release gains nothing.
    model = run("seed=0", "end=2018Q4", "params.openweights.review_rate=0")
    caps = model.bloc_state.capability
    releaser = int(np.argmin(caps))
    others = np.delete(np.arange(model.n_blocs), releaser)
    model.open_weights.frontier = np.where(np.arange(model.n_blocs) == releaser, 10 * caps.max(), 0.0)
    openweights.step(model)
    gain = model.flows.open_spillover * caps  # yearly capability gained, in levels
    leader, follower = others[np.argmax(caps[others])], others[np.argmin(caps[others])]
    assert gain[follower] > gain[leader] > 0
    model.open_weights.frontier = np.where(np.arange(model.n_blocs) == releaser, caps[leader], 0.0)
    openweights.step(model)
    assert model.flows.open_spillover[leader] == 0.0 and model.flows.open_spillover[follower] > 0.0


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_more_open_release_narrows_the_capability_gap_under_the_same_controls(seed):
    """Paired seeds, the same US chip and model controls on China: labs that open more narrow the US-CN gap
    by 2028-30 (the catch-up spillover gives the follower more; the validation report checks the same window)."""
    closed = timeseries(f"seed={seed}", *CONTROLS, "params.openweights.competitive_loss=6")
    opened = timeseries(f"seed={seed}", *CONTROLS, "params.openweights.adoption_value=3")
    gap = lambda ts: -ts.loc[ts["year"].between(2028, 2030), "gap_CN_US"].mean()  # noqa: E731 (US minus China)
    assert gap(opened) < gap(closed)
