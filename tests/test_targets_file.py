"""The targets file (configs/validation_targets.yaml) holds FACTS.md's targets and the rules the report applies."""

import os
import re
from pathlib import Path

import pytest

from sim.validation import targets as T

# ../shared/FACTS.md beside the clone (ENTANGLE_SHARED names another folder, e.g. for a git worktree)
FACTS = Path(os.environ.get("ENTANGLE_SHARED") or Path(__file__).resolve().parents[2] / "shared") / "FACTS.md"
IDS = [f"C{i}" for i in range(1, 18)] + [f"I{i}" for i in range(1, 8)] + ["G1", "G2"]
OUTSIDE = ["X1", "X2", "X3", "X4"]  # published facts not in FACTS.md: judged and reported, never counted
PARTS = [p for t in T.TARGETS for p in t.parts]


def test_targets_file_has_the_26_facts_ids():
    assert [t.id for t in T.TARGETS] == IDS + OUTSIDE
    assert all(t.fact and t.source and t.band and t.parts for t in T.TARGETS)


@pytest.mark.skipif(not FACTS.is_file(), reason="../shared/FACTS.md is not beside this clone")
def test_targets_file_ids_are_facts_ids():
    facts = set(re.findall(r"^\| ([CIG]\d+) \|", FACTS.read_text(), flags=re.M))
    ours = {t.id for t in T.TARGETS if not t.id.startswith(T.OUTSIDE_PREFIX)}
    assert ours == facts & set(IDS) and set(IDS) <= facts
    assert not facts & set(OUTSIDE)  # an outside check is not a FACTS.md row


def test_at_least_a_third_of_parts_are_test():
    assert sum(p.group == "test" for p in PARTS) * 3 >= len(PARTS)


def test_group_follows_the_years():
    """Fit: parts dated up to 2020; test: parts reading 2021-2023."""
    for p in PARTS:
        assert p.group == ("fit" if p.years[1] <= 2020 else "test"), p.name


def test_initial_conditions_are_c12_and_g1_only():
    assert {t.id for t in T.TARGETS for p in t.parts if p.kind == "initial"} == {"C12", "G1"}


def test_a_part_not_computed_is_reported_with_its_reason(monkeypatch):
    from sim.validation.report import summarize_targets

    # Every part is computed today (the deals table has company ids since issue 14); mark one as not.
    i7 = next(t for t in T.TARGETS if t.id == "I7")
    monkeypatch.setattr(i7.parts[-1], "not_computed", "the deals table has no company id")
    values = {t.id: {} for t in T.TARGETS}
    rows = summarize_targets([values])
    # (outside checks without a value are not computed either: the next test)
    missing = [r for r in rows if r["status"].startswith("not computed") and r["kind"] != "outside"]
    assert [r["part"] for r in missing] == [i7.parts[-1].name] and "company id" in missing[0]["status"]
    assert not any(r["counted"] for r in missing)
    assert len(rows) == len(PARTS)  # nothing dropped


def test_counts_are_scored_only_at_realistic_scale():
    from sim.validation.report import summarize_targets

    values = {t.id: {} for t in T.TARGETS}
    classroom = {r["part"]: r for r in summarize_targets([values], factor=0.04) if r["id"] == "C1"}
    assert classroom["papers_2017_2022"]["status"].startswith("not scored")
    realistic = {r["part"]: r for r in summarize_targets([values], factor=1.0) if r["id"] == "C1"}
    assert realistic["papers_2017_2022"]["counted"]


def test_a_test_part_counts_as_out_of_sample_only_if_nothing_has_seen_it():
    """The report tells in-sample fit from out-of-sample evidence (sim/validation/seen.py): a test part is out of
    sample only if no uncertainty entry was tuned on it and no other choice was made looking at it."""
    from sim.validation.report import headline, summarize_targets

    values = {t.id: {} for t in T.TARGETS}
    seen = {("C1", "papers_2017_2022"): ["papers_per_tie"], ("C4", "share_2017"): ["tie_rate"]}
    rows = {(r["id"], r["part"]): r for r in summarize_targets([values], factor=1.0, seen=seen)}
    assert rows[("C1", "papers_2017_2022")]["seen_by"] == ["papers_per_tie"]
    assert not rows[("C1", "papers_2017_2022")]["out_of_sample"]  # a test part tuned on
    assert not rows[("C4", "share_2017")]["out_of_sample"]  # a fit part is never out of sample
    assert rows[("C15", "ratio_2022_2020")]["out_of_sample"]  # a test part nothing here has seen
    tests = [r for r in rows.values() if r["group"] == "test" and r["counted"]]
    assert headline(list(rows.values()))["out_of_sample"][1] == len(tests) - 1


def test_the_shipped_declarations_mark_what_tuned_each_part():
    """Every tuned parameter names the parts it was tuned on, and the report's marks follow: C1 (tuned on by
    papers_per_tie) and C10 (the field mixes were read from it) are not out of sample; C14's 2022 crossover,
    which the issue says must emerge and not be tuned, is."""
    from sim.robust.uncertainties import load
    from sim.validation.seen import default_seen, parts_of

    declared = load()
    assert all(u.tuned_on for u in declared.values() if u.kind == "tuned")
    seen = default_seen()
    assert "papers_per_tie" in seen[("C1", "papers_2017_2022")]
    assert any("field_mix" in s for s in seen[("C10", "share_vision_networking")])
    assert ("C14", "EU_over_US_2022") not in seen
    assert parts_of("C4") == [("C4", "share_2017"), ("C4", "share_2021")]
    with pytest.raises(ValueError, match="no part"):
        parts_of("C4.share_2019")


def test_outside_checks_are_judged_and_shown_but_never_counted():
    from sim.validation.report import headline, headline_text, summarize_targets

    outside = [p for t in T.TARGETS if t.id.startswith(T.OUTSIDE_PREFIX) for p in t.parts]
    assert outside and all(p.kind == "outside" for p in outside)
    assert all(p.kind != "outside" for t in T.TARGETS if not t.id.startswith(T.OUTSIDE_PREFIX) for p in t.parts)
    values = {t.id: {} for t in T.TARGETS}
    values["X1"] = {"ratio_2020_2017": 1.3, "ratio_2021_2020": 0.8}  # the first in band, the second not
    rows = [r for r in summarize_targets([values]) if r["id"] == "X1"]
    assert [r["status"] for r in rows] == ["in (outside)", "out (outside)"]
    assert not any(r["counted"] for r in rows)
    # X2 and X3 have no value here (as when runs end before their years): not computed, not out
    later = [r for r in summarize_targets([values]) if r["id"] in ("X2", "X3")]
    assert later and all(r["status"].startswith("not computed") and not r["in_band"] for r in later)
    h = headline(summarize_targets([values]))
    assert h["outside"] == (1, 2)
    assert "outside checks (not in FACTS.md), not counted: 1/2 in band" in headline_text(summarize_targets([values]))
