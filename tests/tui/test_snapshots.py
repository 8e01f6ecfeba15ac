"""SVG snapshots of the main screen, the help screen and the update editor on the enterprise
example, with the clock faked (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.tracking.session import Session
from planner.tui.app import TrackApp
from tests.tui.test_track import STARTED, Clock, recovery, start_incident, started, wait_for

SIZE = (120, 36)


def enterprise_app(tmp_path: Path) -> TrackApp:
    from datetime import timedelta

    path = tmp_path / "incidents.db"
    incident = start_incident(path)
    clock = Clock(STARTED + timedelta(minutes=20))
    return TrackApp(Session(path, incident, "alice", clock=clock), clock=clock, poll=False)


async def settled(pilot: Any) -> None:
    await started(pilot.app, pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def restore_storage(pilot: Any) -> None:
    for key in ("b", "v", "y", "r"):
        await pilot.press(key)
        if key == "v":  # it asks first: its worker waits on the dialog until y
            await pilot.pause()
        else:
            await settled(pilot)
    await pilot.press("down", "down", "down", "b")
    await settled(pilot)
    # the projected finish is recomputed a second after the last change
    await wait_for(pilot, lambda: recovery(pilot.app).projected_seq == pilot.app.session.seen)
    await settled(pilot)


def test_main_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(enterprise_app(tmp_path), terminal_size=SIZE, run_before=restore_storage)


def test_help_screen(snap_compare: Any, tmp_path: Path) -> None:
    async def open_help(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(enterprise_app(tmp_path), terminal_size=SIZE, run_before=open_help)


def test_update_editor(snap_compare: Any, tmp_path: Path) -> None:
    async def open_editor(pilot: Any) -> None:
        await restore_storage(pilot)
        await pilot.press("u")
        await pilot.pause()

    assert snap_compare(enterprise_app(tmp_path), terminal_size=SIZE, run_before=open_editor)
