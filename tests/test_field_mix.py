"""scripts/field_mix.py: its `world` rule is the model's own field choice (C10's decomposition)."""

import numpy as np
from conftest import load_script


def test_the_world_rule_reproduces_the_fields_of_the_ties_the_model_formed():
    # If the field choice in collaboration.formation._form changes, the script's reading of it fails here.
    mod = load_script("field_mix")
    out = mod.run_seed("baseline", 0, 0.5, {})  # classroom scale
    eu, cn = out["blocs"].index("EU"), out["blocs"].index("CN")
    formed = out["initiated"][eu, cn] + out["initiated"][cn, eu]
    assert formed.sum() > 1000
    for rule in mod.RULES:  # every rule predicts as many ties as the lanes' effort sought
        assert np.isclose(out["rules"][rule][eu, cn].sum(), out["rules"]["own"][eu, cn].sum())
    world = out["rules"]["world"][eu, cn] + out["rules"]["world"][cn, eu]
    assert np.abs(formed / formed.sum() - world / world.sum()).max() < 0.03
    text = mod.table([out])
    assert "papers EU-CN" in text and "rule `partner` EU-CN" in text
