"""What a drill found in the recovery screen's dialogs (issue 25, items 2, 4 and 5): no Enter
records what the person has not seen, a command cannot be started twice, and text typed into a
refused note or update is kept and offered again."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from models.events import RunEvidence
from planner.running import RunPlan
from planner.tui.bypass_dialog import BypassScreen
from planner.tui.dialogs import ConfirmScreen, TextScreen
from planner.tui.table import TaskTable
from planner.tui.update_dialog import UpdateScreen
from planner.tui.widgets import KeyBar
from tests.helpers.pilot import (
    drill_app,
    go_to,
    journal,
    make_app,
    recovery,
    restore_first,
    said,
    settle,
    started,
    wait_for,
)


def plain(bar: KeyBar) -> str:
    return str(bar.render()).replace("[b $text-accent]", "").replace("[/]", "")


@pytest.mark.asyncio
async def test_enter_in_the_bypass_reason_goes_to_the_expiry_and_records_nothing(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("x", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BypassScreen)
        assert "Enter bypass" not in plain(app.screen.query_one(KeyBar))
        before = len(journal(app))
        await pilot.press(*"storagectl hangs", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BypassScreen), "Enter in the reason must not record the bypass"
        assert len(journal(app)) == before
        assert app.focused is app.screen.query_one("#expires", Input)
        await pilot.press("ctrl+a", "ctrl+k", *"2h", "enter")
        await settle(app, pilot)
        event = journal(app)[-1]
        assert event.kind == "bypassed"
        assert getattr(event, "expires", None) == event.at + timedelta(hours=2)


@pytest.mark.asyncio
async def test_enter_in_the_check_picker_asks_before_recording_a_pass(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        await go_to(app, pilot, "db-primary")
        before = len(journal(app))
        await pilot.press("c", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "storagectl volume status orders" in said(app)
        await pilot.press("enter")  # Enter on a reflex is Cancel
        await settle(app, pilot)
        assert len(journal(app)) == before
        assert app.state.check_rows["db-primary", "storage-cluster"].state == "pending"
        await pilot.press("c", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(app, pilot)
        assert journal(app)[-1].kind == "check_passed"


@pytest.mark.asyncio
async def test_a_running_command_shows_on_its_row_and_is_not_started_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started_runs: list[RunPlan] = []

    def held_run(plan: RunPlan) -> RunEvidence:  # a fake run that ends when the test says
        started_runs.append(plan)
        release.wait(20)
        return RunEvidence(command=plan.command, shell=False, cwd=str(plan.cwd), exit_status=0, seconds=0.1)

    monkeypatch.setattr("planner.tui.check_runner.run", held_run)
    app, _ = drill_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db")
        await pilot.press("b")
        await settle(app, pilot)
        table = recovery(app).query_one(TaskTable)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: bool(started_runs))
        await wait_for(pilot, lambda: "running verify" in table.render_line(1).text)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen), "the same command is not offered twice"
        release.set()
        await wait_for(pilot, lambda: app.state.tasks["db"].verified)
        await wait_for(pilot, lambda: "running" not in table.render_line(1).text)
        assert len(started_runs) == 1


@pytest.mark.asyncio
async def test_a_refused_note_keeps_its_text_and_offers_to_retry(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        screen.offline = "the store's server does not answer"
        before = len(journal(app))
        await pilot.press("n", *"vendor ticket 4411", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextScreen) and "Not recorded" in said(app))
        assert app.screen.query_one("#text", Input).value == "vendor ticket 4411"
        assert len(journal(app)) == before
        screen.offline = None  # back: Enter tries again
        await pilot.press("enter")
        await settle(app, pilot)
        assert getattr(journal(app)[-1], "text", "") == "vendor ticket 4411"


@pytest.mark.asyncio
async def test_a_refused_update_keeps_its_edited_text_and_offers_to_retry(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        screen.offline = "the store's server does not answer"
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
        app.screen.query_one(TextArea).text = "Bridge: +1 555 0100. Storage vendor on site."
        first = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen) and app.screen is not first)
        assert "Not recorded" in said(app)
        assert app.screen.query_one(TextArea).text == "Bridge: +1 555 0100. Storage vendor on site."
        screen.offline = None
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert getattr(journal(app)[-1], "text", "") == "Bridge: +1 555 0100. Storage vendor on site."
