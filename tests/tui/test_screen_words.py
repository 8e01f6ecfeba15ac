"""What the recovery screen says must be true and readable (issue 25, item 10): the journal
without markup escapes, with the ``#seq`` numbers ``void`` needs, wrapped between words and
never inside an id; the help for ``[``; refusals in the screen's own words; the quit hint with
the plan's path; the header's counts at 80 columns; the columns at 200; a due update said."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from models.events import Note
from planner.errors import PlannerError
from planner.tracking.domain import actions, comms
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from planner.tui.advice import for_screen
from planner.tui.app import TrackApp
from planner.tui.bypass_dialog import BypassScreen
from planner.tui.dialogs import ConfirmScreen
from planner.tui.help_dialog import HelpScreen
from planner.tui.table import TaskTable
from planner.tui.update_dialog import UpdateScreen
from planner.tui.widgets import JournalPane, TrackHeader, journal_lines
from tests.helpers.pilot import (
    STARTED,
    Clock,
    go_to,
    journal,
    make_app,
    recovery,
    settle,
    start_incident,
    started,
    wait_for,
)

NOTE = "vendor ticket [OPS-42]: collectors on metrics-tsdb and log-pipeline restarted after storage-cluster"
IDS = ("[OPS-42]", "metrics-tsdb", "log-pipeline", "storage-cluster")


def test_journal_lines_keep_ids_whole_at_every_width() -> None:
    note = Note(incident="INC-1", at=STARTED, actor="bob", text=NOTE, seq=12)
    for width in range(24, 100):
        lines = journal_lines([note], width, set())
        texts = [at + actor + text for at, actor, text, _ in lines]
        assert texts[0].startswith("02:10 #12 bob "), texts
        for word in IDS:
            assert any(word in text for text in texts), (width, word, texts)
        assert not any("\\[" in text for text in texts)


@pytest.mark.asyncio
async def test_the_journal_pane_shows_numbers_and_no_escapes(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    with Store(tmp_path / "incidents.db") as store:
        store.act("INC-1", lambda v: comms.AddNote(NOTE).decide(v, "bob", STARTED + timedelta(minutes=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        pane = recovery(app).query_one(JournalPane)
        shown = [pane.render_line(y).text for y in range(pane.scrollable_content_region.height)]
        seq = journal(app)[-1].seq
        assert shown[0].startswith(f"02:11 #{seq} bob vendor ticket [OPS-42]"), shown
        assert not any("\\[" in line for line in shown)


@pytest.mark.asyncio
async def test_the_help_shows_every_key_as_typed(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        text = str(app.screen.query(Static).last().render())
        lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
        assert lines["["].split(maxsplit=1)[1] == "Previous ready", lines["["]
        assert lines["]"].split(maxsplit=1)[1] == "Next ready"
        assert "[/]" not in text


def test_the_guards_refusals_name_the_screens_keys_not_cli_options(tmp_path: Path) -> None:
    incident = start_incident(tmp_path / "incidents.db")
    view = Session(tmp_path / "incidents.db", incident, "alice").load()
    with pytest.raises(PlannerError) as refused:
        actions.Resolve(False).decide(view, "alice", STARTED + timedelta(minutes=5))
    said = for_screen(str(refused.value))
    assert "--accept-down" not in said
    assert "resolve anyway with R" in said


@pytest.mark.asyncio
async def test_a_refused_workaround_removal_says_which_key_passes_the_check(tmp_path: Path) -> None:
    app, _, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("x", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, BypassScreen))
        await pilot.press(*"storagectl hangs", "enter", "enter")
        await settle(app, pilot)
        await pilot.press("W", "enter")
        await settle(app, pilot)
        title, message = said[-1]
        assert title == "Refused"
        assert "still bypassed by INC-1-WA1: pass it first (c on db-primary" in message
        assert "planner incident" not in message
        assert "--" not in message


@pytest.mark.asyncio
async def test_at_80_columns_the_header_keeps_its_counts(tmp_path: Path) -> None:
    app, clock, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        header = screen.query_one(TrackHeader)
        header.offline_since = clock()  # the longest second line: OFFLINE first
        header.tick()
        await pilot.pause()
        shown = [header.render_line(y).text.rstrip() for y in range(header.size.height)]
        assert any("RTO at risk" in line for line in shown), shown
        assert any("OFFLINE" in line for line in shown), shown
        assert not any(line.endswith("…") for line in shown[1:]), shown
        table = screen.query_one(TaskTable)
        assert table.region.y == header.region.bottom, "the table starts under the header"


@pytest.mark.asyncio
async def test_the_quit_hint_names_the_plan_as_it_was_given(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    incident = start_incident(path)
    clock = Clock(STARTED + timedelta(minutes=20))
    session = Session(path, incident, "alice", clock=clock)
    app = TrackApp(session, clock=clock, poll=False, plan_path="plans/acme prod.yaml")
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert f"planner track 'plans/acme prod.yaml' --incident {incident} --store" in shown
        assert "PLAN" not in shown


@pytest.mark.asyncio
async def test_at_200_columns_the_side_panes_get_the_room_the_table_cannot_use(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await started(app, pilot)
        await pilot.pause()
        screen = recovery(app)
        heading = screen.query_one(TaskTable).render_line(0).text
        blocked_by = len(heading) - heading.index("blocked by")
        assert blocked_by <= 60, blocked_by  # was 76, mostly empty
        assert screen.query_one("#side").size.width >= 75  # was 60


@pytest.mark.asyncio
async def test_a_due_update_rings_once_and_the_next_one_again(tmp_path: Path) -> None:
    app, clock, said = make_app(tmp_path)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        screen.remind_update()
        assert not rings, "not due yet"
        clock.at = STARTED + timedelta(minutes=31)  # the example's cadence is 30 minutes
        await wait_for(pilot, lambda: bool(rings))
        screen.remind_update()
        screen.remind_update()
        assert len(rings) == 1
        assert [t for t, _ in said].count("Update due") == 1
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.state.row.last_update == clock.at
        clock.at += timedelta(minutes=31)
        await wait_for(pilot, lambda: len(rings) == 2)


def test_a_refused_undo_names_the_screen_keys() -> None:
    from planner.tui.advice import for_screen

    said = for_screen(
        "event #7 (17:18 alice: confirmed db-primary's own verify) cannot be taken back: the later #8 "
        "(17:18 bob: db-primary restored) relies on it (without it: own verify not confirmed). Void #8 "
        "first, or record what is true now (a service that is not working: `fail`)"
    )
    assert "`fail`" not in said
    assert "Take #8 back first (z if it is your last action" in said
    assert "a service that is not working: f)" in said
