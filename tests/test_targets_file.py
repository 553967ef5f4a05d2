"""The targets file (configs/validation_targets.yaml) holds FACTS.md's targets and the rules the report applies."""

import os
import re
from pathlib import Path

import pytest

from sim.validation import targets as T

# ../shared/FACTS.md beside the clone (ENTANGLE_SHARED names another folder, e.g. for a git worktree)
FACTS = Path(os.environ.get("ENTANGLE_SHARED") or Path(__file__).resolve().parents[2] / "shared") / "FACTS.md"
IDS = [f"C{i}" for i in range(1, 18)] + [f"I{i}" for i in range(1, 8)] + ["G1", "G2"]
PARTS = [p for t in T.TARGETS for p in t.parts]


def test_targets_file_has_the_26_facts_ids():
    assert [t.id for t in T.TARGETS] == IDS
    assert all(t.fact and t.source and t.band and t.parts for t in T.TARGETS)


@pytest.mark.skipif(not FACTS.is_file(), reason="../shared/FACTS.md is not beside this clone")
def test_targets_file_ids_are_facts_ids():
    facts = set(re.findall(r"^\| ([CIG]\d+) \|", FACTS.read_text(), flags=re.M))
    assert {t.id for t in T.TARGETS} == facts & set(IDS) and set(IDS) <= facts


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
    missing = [r for r in rows if r["status"].startswith("not computed")]
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
