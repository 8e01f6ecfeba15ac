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
from planner.tracking import actions, comms
from planner.tracking.session import Session
from planner.tracking.store import Store
from planner.tui.advice import for_screen
from planner.tui.bypass_dialog import BypassScreen
from planner.tui.help_dialog import HelpScreen
from planner.tui.widgets import JournalPane, journal_lines
from tests.tui.test_track import (
    STARTED,
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
