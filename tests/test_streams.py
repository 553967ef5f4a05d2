"""Random streams per mechanism: a policy acting on one mechanism leaves the others' draws as they were.

Paired comparisons (same seed, with and without a policy) then show the policy's effect, not fresh noise.
"""

import pytest
from conftest import timeseries

RUN = ("seed=2", "scale.factor=0.15", "end=2026Q4")
YEARS = [2025, 2026]  # policies.start is 2025Q1


def _yearly(ts, prefix):
    cols = [c for c in ts.columns if c.startswith(prefix)]
    return ts.loc[ts["year"].isin(YEARS)].groupby("year")[cols].sum()


def test_research_security_policy_leaves_investment_and_standards_draws_unchanged():
    # Research security changes how many ties are proposed, screened and ended: with one shared
    # generator every later deal and compliance decision was drawn from shifted numbers (on the
    # former model 20-23 of 24 such columns differed in each year).
    policy = (
        "policies.research_security.bloc=EU",
        "policies.research_security.partner=CN",
        "policies.research_security.screening=0.8",
        "policies.research_security.ban_military=1.0",
    )
    # People are a real causal channel from research to investment (fewer joint papers -> capability ->
    # where researchers go -> ties -> firms' knowledge -> which rounds investors pick; first seen in 2026Q4):
    # switched off here, so the comparison isolates the random draws.
    run = (*RUN, "params.mobility.people_weight=0")
    base, strict = timeseries(*run), timeseries(*run, *policy)
    assert (_yearly(strict, "papers_CN_EU")["papers_CN_EU"] < _yearly(base, "papers_CN_EU")["papers_CN_EU"]).all()
    for prefix in ("deals_", "cross_compliance_"):
        assert _yearly(strict, prefix).equals(_yearly(base, prefix)), prefix


@pytest.mark.xfail(
    strict=True,
    reason="s5-invest: screening changes which rounds close, hence firms' stages and which young firms close "
    "unfunded; exited firms end their research ties, so collaboration's trajectory diverges (up to 17% in a "
    "bloc-pair field column, 2025-26) although its draws come from its own stream",
)
def test_investment_screening_leaves_collaboration_draws_unchanged():
    policy = (
        "policies.investment_screening.bloc=EU",
        "policies.investment_screening.partner=CN",
        "policies.investment_screening.inbound=1.0",
        "policies.investment_screening.threshold_eur_m=0",
    )
    base, strict = timeseries(*RUN), timeseries(*RUN, *policy)
    assert _yearly(strict, "deals_CN_to_EU").sum().sum() < _yearly(base, "deals_CN_to_EU").sum().sum()
    assert _yearly(strict, "papers_").equals(_yearly(base, "papers_"))
