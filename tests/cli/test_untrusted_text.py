"""No control character from a plan or the journal reaches a terminal: every text command, the
report and the recovery screen, on a plan and a journal full of escape sequences (OSC 52 sets
the clipboard, OSC 8 makes links, CSI clears the screen, BEL, CR)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.table import TaskTable
from planner.tui.widgets import DetailPane, JournalPane, TrackHeader
from tests.conftest import DATA, Result
from tests.helpers.pilot import Clock, recovery, settle, started

PLAN = DATA / "hostile" / "control-sequences.yaml"
RAW = ("\x1b", "\x07", "\r", "\x9b")
NOTE = "vendor says \x1b]52;c;cm0gLXJm\x07 fine\nINC-1 #99 02:00 forged: resolved"


def _clean(text: str) -> bool:
    return not any(c in text for c in RAW)


@pytest.fixture
def incident(tmp_path: Path, run_cli) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.db"
    at = "2026-11-28T02:10:00Z"
    started_ = run_cli(
        "incident", "start", PLAN, "--scenario", "s1", "--store", store, "--at", at, "--as", "ic"
    )
    assert started_.code == 0, started_.err
    incident = started_.out.split()[-1]
    for args in (
        ["begin", incident, "db"],
        ["note", incident, NOTE],
        ["check", incident, "api", "db", "--fail", "--observed", "timeout\x1b[2J\r"],
        ["bypass", incident, "api", "db", "--reason", "skip \x1b]0;title\x07 it"],
    ):
        done: Result = run_cli(
            "incident", *args, "--store", store, "--as", "ic", "--at", "2026-11-28T02:20:00Z"
        )
        assert done.code == 0, (args, done.err)
    return store, incident


def test_every_text_command_writes_control_characters_out(run_cli, incident) -> None:  # type: ignore[no-untyped-def]
    store, incident_id = incident
    at = "2026-11-28T02:30:00Z"
    commands = [
        ["validate", PLAN],
        ["impact", PLAN, "db"],
        ["order", PLAN, "--scenario", "s1"],
        ["schedule", PLAN, "--scenario", "s1"],
        ["audit", PLAN, "--as-of", "2026-11-28"],
        ["export", PLAN, "--format", "markdown"],
        ["export", PLAN, "--format", "mermaid"],
        ["incident", "list", "--store", store],
        ["incident", "status", incident_id, "--store", store, "--at", at],
        ["incident", "status", incident_id, "--store", store, "--at", at, "--format", "markdown"],
        ["incident", "update", incident_id, "--store", store, "--at", at, "--as", "ic"],
        ["report", incident_id, "--store", store],
        ["kpi", "--store", store],
    ]
    for args in commands:
        result: Result = run_cli(*args)
        assert result.code in (0, 1), (args, result.err)
        assert _clean(result.out), (args, [c for c in RAW if c in result.out])
        assert _clean(result.err), (args, result.err)
    journal = run_cli("incident", "status", incident_id, "--store", store, "--at", at).out
    assert "forged: resolved" in journal
    assert "\nINC-1 #99" not in journal, "a newline in a note must not forge a journal line"


def test_as_and_role_names_with_control_characters_are_refused(run_cli, incident) -> None:  # type: ignore[no-untyped-def]
    store, incident_id = incident
    forged = run_cli("incident", "note", incident_id, "x", "--store", store, "--as", "ic\nINC-1 #5")
    assert forged.code == 2
    assert "--as" in forged.err
    role = run_cli("incident", "role", incident_id, "scribe\x1b[2J", "alice", "--store", store, "--as", "ic")
    assert role.code == 2
    assert _clean(role.err)


@pytest.mark.asyncio
async def test_the_recovery_screen_writes_control_characters_out(incident) -> None:  # type: ignore[no-untyped-def]
    store, incident_id = incident
    clock = Clock(datetime(2026, 11, 28, 2, 30, tzinfo=UTC) + timedelta(minutes=1))
    app = TrackApp(Session(store, incident_id, "alice", clock=clock), clock=clock, poll=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await settle(app, pilot)
        screen = recovery(app)
        table = screen.query_one(TaskTable)
        for service in ("db", "api"):
            assert table.select(service)
            await pilot.pause()
            shown = [str(screen.query_one(w).render()) for w in (TrackHeader, DetailPane, JournalPane)]
            shown += [table.render_line(y).text for y in range(3)]
            for text in shown:
                assert _clean(text), [c for c in RAW if c in text]
        assert "\\x1b]52" in str(screen.query_one(TrackHeader).render())
