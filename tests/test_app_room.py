"""Seminar rooms without a browser: seats, private drafts, commits, the lecturer's token, concurrency,
rejoin, a server restart, rewind, uploads, and an export that replays the room's run exactly."""

from __future__ import annotations

import json
import threading
import time

import pandas as pd
import pytest

from sim import periods
from sim.app import room as room_mod
from sim.app.room import AccessError, Rooms
from sim.app.session import Session
from sim.errors import ConfigError

CHIPS = "export_controls:chips: stringency"
STRICT = "regulation:strictness"
INBOUND = "investment_screening:inbound screening"


@pytest.fixture
def rooms(tmp_path):
    return Rooms(tmp_path / "rooms")


def table(session: Session) -> pd.DataFrame:
    return session.model.recorder.timeseries().reset_index(drop=True)


def replay(tmp_path, room) -> Session:
    """The room's export as a fresh session, stepped as far as the room ran."""
    path = tmp_path / "export.yaml"
    path.write_text(room.export_yaml())
    s = Session(str(path), room.seed, room.scale)
    while s.model.quarter < room.session.model.quarter:
        s.step()
    return s


def test_a_room_has_a_short_code_and_a_secret_lecturer_token(rooms):
    room, token = rooms.open()
    assert len(room.code) == 5 and set(room.code) <= set(room_mod.CODE_ALPHABET)
    assert len(token) >= 24 and token not in room.code and token not in (room.folder / "room.json").read_text()
    assert rooms.get(room.code.lower()) is room  # typed in lower case off the projector
    seat = room.join("EU", "Brussels")
    for act in (
        lambda t: room.step(t),
        lambda t: room.rewind(t, 0, confirm=True),
        lambda t: room.upload(t, "x.yaml", b"extends: baseline\n"),
        lambda t: room.end(t),
        lambda t: room.settings(t, round_length="year"),
    ):
        for wrong in (None, "", room.code, seat, token[:-1] + ("A" if token[-1] != "A" else "B")):
            with pytest.raises(AccessError, match="only the lecturer's link"):
                act(wrong)
    assert room.session.period == "2017Q1" and not room.ended


def test_drafts_are_private_until_the_step_and_uncommitted_teams_keep_their_levers(rooms):
    room, lect = rooms.open()
    eu, us = room.join("EU", "Brussels"), room.join("US", "Washington")
    with pytest.raises(ConfigError, match="EU already has a team"):
        room.join("EU", "Paris")
    room.draft(eu, STRICT, "CN", 0.8)
    room.draft(us, CHIPS, "CN", 0.9)
    room.commit(eu)  # the US team does not commit: its draft stays its own
    status = str(room.status()) + str(room.public_rounds())
    assert "0.8" not in status and "0.9" not in status and "strictness" not in status
    rnd = room.step(lect)
    assert [m.key for m in rnd.moves["EU"]] == [STRICT] and rnd.kept == ["US"]
    lv, blocs = room.session.model.levers, room.blocs
    assert lv.strictness[blocs.index("EU")] == pytest.approx(0.8)
    assert room.public_rounds()[0]["moves"]["EU"] == ["EU AI regulation: strictness 0.80"]
    assert room.seat_of(us).draft and not room.seat_of(us).committed  # still a draft
    assert lv.export[0, blocs.index("US"), blocs.index("CN")] != pytest.approx(0.9)


def test_bad_moves_are_refused_with_one_line(rooms):
    room, _ = rooms.open()
    eu = room.join("EU")
    with pytest.raises(ConfigError, match="regulation.strictness: 1.5 is out of range"):
        room.draft(eu, STRICT, "CN", 1.5)
    with pytest.raises(ConfigError, match="partner: 'EU' is not a partner of EU"):
        room.draft(eu, CHIPS, "EU", 0.5)
    with pytest.raises(ConfigError, match="lever: 'nukes' is not a lever"):
        room.draft(eu, "nukes", "CN", 1)
    with pytest.raises(AccessError):
        room.draft("not-a-seat", STRICT, "CN", 0.5)
    assert not room.seat_of(eu).draft


def test_every_team_committed_or_the_countdown_ran_out_means_ready(rooms):
    room, lect = rooms.open()
    eu, cn = room.join("EU"), room.join("CN")
    assert not room.ready()
    room.commit(eu)
    assert not room.ready()
    room.commit(cn)
    assert room.ready()
    room.step(lect)
    assert not room.ready()
    room.settings(lect, countdown_s=30)
    room.start_countdown(lect, now=1000.0)
    assert not room.ready(now=1029.0) and room.ready(now=1030.0)
    with pytest.raises(ConfigError, match="round: 'decade' is not a round length"):
        room.settings(lect, round_length="decade")


def test_the_rooms_clock_steps_when_the_countdown_ends_with_no_screen_open(rooms):
    """The server's ticker, not the lecturer's screen, steps the round (a fake clock: `now`)."""
    room, lect = rooms.open()
    eu, cn = room.join("EU", "Brussels"), room.join("CN", "Beijing")
    room.draft(eu, STRICT, "CN", 0.8)
    room.commit(eu)
    room.draft(cn, INBOUND, "EU", 0.7)  # CN does not commit: it keeps its levers, its draft stays
    room.settings(lect, countdown_s=30)
    room.start_countdown(lect, now=1000.0)
    rooms.tick(now=1029.0)
    assert room.rounds == [] and room.session.period == "2017Q1"
    seen = room.version
    rooms.tick(now=1030.0)
    assert len(room.rounds) == 1 and room.session.period == "2017Q2" and room.version > seen  # screens redraw
    assert [m.key for m in room.rounds[0].moves["EU"]] == [STRICT] and room.rounds[0].kept == ["CN"]
    assert room.seat_of(cn).draft and room.deadline is None
    rooms.tick(now=5000.0)  # the countdown is spent: no second step
    assert len(room.rounds) == 1

    # Every team committed: the clock steps at once when `auto` is on, never when the lecturer turned it off.
    room.settings(lect, auto=False)
    room.commit(eu)
    room.commit(cn)
    rooms.tick(now=5001.0)
    assert len(room.rounds) == 1
    room.settings(lect, auto=True)
    rooms.tick(now=5002.0)
    assert len(room.rounds) == 2 and room.rounds[1].kept == []

    # A rewind or a step by hand cancels a running countdown.
    for cancel in (lambda: room.rewind(lect, 1, confirm=True), lambda: room.step(lect)):
        room.start_countdown(lect, now=6000.0)
        cancel()
        rounds = len(room.rounds)
        rooms.tick(now=9000.0)
        assert room.deadline is None and len(room.rounds) == rounds


def test_a_running_countdown_survives_a_server_restart(rooms):
    room, lect = rooms.open()
    eu = room.join("EU")
    room.draft(eu, STRICT, "CN", 0.8)
    room.commit(eu)
    room.settings(lect, countdown_s=60, auto=False)
    room.start_countdown(lect, now=1000.0)
    back = Rooms(rooms.folder)  # a new server process; the old one went down mid-countdown
    again = back.get(room.code)
    assert again.deadline == 1060.0 and again.auto is False and again.countdown_left(now=1030.0) == 30.0
    back.tick(now=1059.0)
    assert again.rounds == []
    back.tick(now=1060.0)
    assert len(again.rounds) == 1 and list(again.rounds[0].moves) == ["EU"]
    assert again.session.model.levers.strictness[again.blocs.index("EU")] == pytest.approx(0.8)
    assert Rooms(rooms.folder).get(room.code).deadline is None  # the step was saved with its clock stopped


def test_the_ticker_thread_steps_a_room_nobody_is_watching(rooms):
    room, lect = rooms.open()
    room.join("EU")
    room.settings(lect, countdown_s=10)
    room.start_countdown(lect, now=time.time() - 10)  # a countdown that has just run out
    rooms.start_ticker(every_s=0.01)
    try:
        with room.changed:
            assert room.changed.wait_for(lambda: room.rounds, timeout=60)
    finally:
        rooms.stop_ticker()
    assert room.session.period == "2017Q2" and room.rounds[0].kept == ["EU"]


def test_the_last_commit_wakes_the_clock_for_an_auto_step(rooms):
    """With `auto` on, the round steps on the last team's commit, not at the clock's next beat (an hour here)."""
    room, _ = rooms.open()
    eu, cn = room.join("EU"), room.join("CN")
    rooms.start_ticker(every_s=3600)
    try:
        room.commit(eu)
        room.commit(cn)
        with room.changed:
            assert room.changed.wait_for(lambda: room.rounds, timeout=60)
    finally:
        rooms.stop_ticker()
    assert room.session.period == "2017Q2" and room.rounds[0].kept == []


def test_teams_committing_at_once_never_corrupt_the_room(rooms, tmp_path):
    room, lect = rooms.open()
    seats = {b: room.join(b) for b in ("EU", "CN", "US")}
    partner = {"EU": "CN", "CN": "US", "US": "CN"}
    errors = []

    def team(bloc, k):
        try:
            for n in range(12):
                room.draft(seats[bloc], STRICT, partner[bloc], round(0.01 * (n % 50) + 0.1 * k, 2))
                room.draft(seats[bloc], INBOUND, partner[bloc], 0.2 + 0.1 * k)
                room.commit(seats[bloc])
        except Exception as err:  # noqa: BLE001 - any error at all is the failure
            errors.append(err)

    for _ in range(3):
        threads = [threading.Thread(target=team, args=(b, k)) for k, b in enumerate(seats)]
        stepper = threading.Thread(target=lambda: [room.step(lect) for _ in range(3)])
        for t in (*threads, stepper):
            t.start()
        for t in (*threads, stepper):
            t.join()
    assert not errors
    assert len(room.rounds) == 9 and room.session.period == periods.label(periods.parse("2017Q1") + 9)
    # What the room holds is one consistent story: its export replays to the same table, and a restart
    # (from the file written after the last change) restores the same room.
    pd.testing.assert_frame_equal(table(replay(tmp_path, room)), table(room.session))
    back = Rooms(rooms.folder).get(room.code)
    assert back.export_yaml() == room.export_yaml()


def test_rejoin_and_restart_give_the_seat_and_the_room_back(rooms, tmp_path):
    room, lect = rooms.open("decoupling", seed=2)
    eu = room.join("EU", "Brussels")
    room.draft(eu, STRICT, "CN", 0.7)
    room.commit(eu)
    room.settings(lect, round_length="year")
    room.step(lect)
    room.draft(eu, CHIPS, "CN", 0.4)  # a draft in progress when the server goes down
    assert room.seat_of(eu).bloc == "EU"  # the same token, the same seat
    exported = room.export_yaml()

    back = Rooms(rooms.folder).get(room.code)  # a new server process reads the rooms folder
    assert back is not room and back.session.period == "2018Q1" and back.round_length == "year"
    assert back.seat_of(eu).team == "Brussels" and list(back.seat_of(eu).draft.values())[0].value == 0.4
    assert back.is_lecturer(lect) and back.export_yaml() == exported
    pd.testing.assert_frame_equal(table(back.session), table(room.session))
    back.commit(eu)
    back.step(lect)
    assert back.session.period == "2019Q1"


def test_a_teams_bloc_follows_no_rule_and_the_others_still_do(rooms, tmp_path):
    """decoupling at classroom scale: China's rules fire twice by 2029Q4 (see `fired`)."""

    def fired(room):
        ev = room.session.model.governments.table()
        return ev[ev.kind == "fired"].groupby("bloc").size().to_dict()

    played, lect = rooms.open("decoupling")
    played.join("CN", "Beijing")
    unplayed, lect2 = rooms.open("decoupling")
    unplayed.join("EU", "Brussels")
    for room, token in ((played, lect), (unplayed, lect2)):
        room.settings(token, round_length="year")
        while room.session.model.quarter <= periods.parse("2029Q4"):
            room.step(token)
    assert fired(unplayed).get("CN", 0) > 0 and "EU" not in fired(unplayed)
    assert "CN" not in fired(played)
    # The export says who played which bloc from when, so the command line replays the same run.
    assert "teams:\n    CN: 2017Q1" in played.export_yaml()
    pd.testing.assert_frame_equal(table(replay(tmp_path, played)), table(played.session))


def test_rewind_discards_later_rounds_and_equals_a_straight_run(rooms, tmp_path):
    room, lect = rooms.open()
    eu = room.join("EU")
    for value in (0.3, 0.6, 0.9):
        room.draft(eu, STRICT, "CN", value)
        room.commit(eu)
        room.step(lect)
    with pytest.raises(ConfigError, match="rewind: discards every later round"):
        room.rewind(lect, 1)
    assert len(room.rounds) == 3
    room.rewind(lect, 1, confirm=True)
    assert len(room.rounds) == 1 and room.session.period == "2017Q2"
    straight, lect2 = rooms.open()
    eu2 = straight.join("EU")
    straight.draft(eu2, STRICT, "CN", 0.3)
    straight.commit(eu2)
    straight.step(lect2)
    pd.testing.assert_frame_equal(table(room.session), table(straight.session))
    assert "0.6" not in room.export_yaml().split("timeline:")[1].split("2017Q3")[0]


def test_uploads_only_by_the_lecturer_and_only_scenarios(rooms):
    room, lect = rooms.open()
    room.join("EU")
    for name, data, line in (
        ("x.zip", b"PK\x03\x04junk", "is not a .yaml file"),
        ("x.yaml", b"PK\x03\x04junk", "is a zip archive"),
        ("t.yaml", b"PAR1\x00\x00", "is a Parquet table"),
        ("../../etc/x.yaml", b"name: x\n", "is a path"),
        ("big.yaml", b"#" * 1_000_001, "has 1,000,001 bytes"),
        ("bad.yaml", b"extends: baseline\ntimelinez: {}\n", "scenario.timelinez"),
        ("nous.yaml", b"blocs: [CN, US]\n", "has no bloc EU, which a team plays"),
    ):
        with pytest.raises(ConfigError, match=line.replace(".", r"\.")):
            room.upload(lect, name, data)
        room.flush()  # the background writer's save of the join is not under way (its temporary file)
        assert sorted(p.name for p in room.folder.iterdir()) == ["room.json", "room_export.yaml"]
    room.upload(lect, "mine.yaml", b"extends: baseline\nname: mine\n")
    assert room.session.model.scenario.name == "mine" and room.seats["EU"].joined == "2017Q1"
    assert Rooms(room.folder.parent).get(room.code).session.model.scenario.name == "mine"


def test_ending_a_room_removes_it_and_the_bounds_hold(rooms, monkeypatch):
    room, lect = rooms.open()
    room.end(lect)
    assert not room.folder.exists()
    with pytest.raises(ConfigError, match="no open room"):
        rooms.get(room.code)
    monkeypatch.setattr(room_mod, "MAX_ROOMS", 2)
    rooms.open()
    rooms.open()
    with pytest.raises(ConfigError, match="already has 2 open rooms"):
        rooms.open()
    monkeypatch.setattr(room_mod, "MAX_VIEWERS", 2)
    r = next(iter(rooms.rooms.values()))
    assert r.attach() and r.attach() and not r.attach()
    r.detach()
    assert r.attach()


def test_live_sessions_are_bounded_in_all(monkeypatch):
    from sim.app import live

    monkeypatch.setattr(live, "MAX_SESSIONS", live.live() + 2)
    assert live.admit() and live.admit() and not live.admit()  # the next tab gets live.FULL, no model
    live.leave()
    assert live.admit()
    live.leave()
    live.leave()


def test_a_change_is_saved_off_the_step_and_an_ended_room_stays_gone(rooms):
    room, token = rooms.open()
    room.settings(token, auto=False)
    room.step(token)
    room.flush()  # the background writer saves after the screens' redraw; a restart flushes it first
    assert json.loads((room.folder / "room.json").read_text())["rounds"][0]["period"] == "2017Q1"
    assert "ran to 2017Q1" in (room.folder / "room_export.yaml").read_text()
    room.step(token)  # a save pending when the room ends must not bring its folder back
    room.end(token)
    room.flush()
    assert not room.folder.exists()
    assert room.code not in Rooms(rooms.folder).rooms


def test_a_refused_action_does_not_reset_what_the_lecturer_typed(rooms):
    """The error line has its own slot: showing it re-mounted the tools below it, and the rewind box
    fell back to 1, so the confirmed rewind that followed went back to the start."""
    import ipyvuetify as v
    import solara

    from sim.app import room_page

    room, token = rooms.open()
    room.settings(token, auto=False)
    room.step(token)
    room.step(token)
    error = solara.reactive("")
    _, rc = solara.render(room_page.LecturerScreen(room, token, error), handle_error=False)

    def rewind_box():
        return next(w for w in rc.find(v.TextField).widgets if w.label.startswith("rewind"))

    def rewind_button():
        return next(w for w in rc.find(v.Btn).widgets if "Rewind" in str(w.children))

    rewind_box().v_model = "2"
    rewind_box().fire_event("keyup.enter", None)
    rewind_button().fire_event("click", None)  # no confirmation: refused, with one line
    assert "discards every later round" in error.value
    assert rewind_box().v_model == "2"
    rc.find(v.Checkbox).widget.v_model = True
    rewind_button().fire_event("click", None)
    assert room.session.period == "2017Q2" and len(room.rounds) == 1
    rc.close()


def test_a_step_pushes_the_charts_to_every_screen_before_the_screens_re_render(rooms):
    """Every open screen's chart grid gets the step's charts within the step call, under the room's lock
    and before the screens are told (room_page.push_charts, one pusher thread a screen); the screens'
    re-render that follows then sends nothing more for the grid. A closed screen's grid is forgotten."""
    import solara

    from sim.app import room_page

    room, token = rooms.open()
    room.settings(token, auto=False)
    seat = room.join("EU", "team EU")
    screens = [
        solara.render(room_page.LecturerScreen(room, token, solara.reactive("")), handle_error=False)[1],
        solara.render(room_page.TeamScreen(room, seat, solara.reactive("")), handle_error=False)[1],
    ]
    grids = [ref() for ref, _ in room_page._grids[room].values()]
    assert len(grids) == 2 and room.publish is not None
    changes = []
    for grid in grids:
        grid.observe(lambda ch, g=grid: changes.append((g, threading.current_thread())), names=["options_json"])
    room.step(token)
    period = room.session.model.recorder.rows[-1]["period"]
    # pushed by the step call itself: the grids hold the new quarter as the call returns
    assert [g.period for g in grids] == [period, period]
    assert {g for g, thread in changes if thread.name.startswith("room-push")} == set(grids)
    time.sleep(0.5)  # the screens' watcher threads re-render
    options, _, _ = room_page.shared_charts(room)
    assert all(g.options_json == options for g in grids)
    assert len(changes) == 2  # the re-render found the values in place: no second update of a grid
    screens[1].close()
    room.step(token)
    assert len(room_page._grids[room]) == 1
    assert grids[0].period == room.session.model.recorder.rows[-1]["period"]
    screens[0].close()
