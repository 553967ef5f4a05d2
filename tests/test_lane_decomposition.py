"""scripts/lane_decomposition.py: the factors it splits a lane's growth into are the model's own."""

import numpy as np
from conftest import load_script


def test_expected_papers_from_the_factors_match_the_papers_the_model_wrote():
    # If the papers' formula in collaboration.papers._write_papers changes, the decomposition's reading fails here.
    mod = load_script("lane_decomposition")
    out = mod.run_seed("baseline", 0, 0.5, 2017, 2018)  # classroom scale
    for year in (2017, 2018):
        papers, expected = out[(year, "papers")], out[(year, "expected")]
        lanes = np.ravel_multi_index(np.triu_indices(3, 1), (3, 3))  # [bloc, bloc] cells, lower bloc first
        assert (papers[lanes] > 1000).all()  # each bloc pair writes over a thousand a year at this scale
        assert np.allclose(expected[lanes], papers[lanes], rtol=0.1)
    # Ties are counted where papers are: a lane's ties and new ties, and its ended ties once a year has passed.
    assert (out[(2018, "ties")][lanes] > 0).all() and (out[(2018, "new_ties")][lanes] > 0).all()
    assert (out[(2018, "ended_ties")][lanes] > 0).all()
    text = mod.table([out], 2017, 2018)
    assert "EU-US" in text and "composition" in text and "rest" in text
