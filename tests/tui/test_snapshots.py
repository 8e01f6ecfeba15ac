"""SVG snapshots of the recovery screen and of each dialog on the enterprise example, at 80x24,
120x36 and 200x50, with the clock faked (pytest-textual-snapshot; after a deliberate change,
look at the report and update with ``--snapshot-update``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.dialogs import Dialog
from tests.helpers.pilot import STARTED, Clock, go_to, recovery, start_incident, started, wait_for

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "200x50": (200, 50)}


def enterprise_app(tmp_path: Path) -> TrackApp:
    path = tmp_path / "incidents.db"
    incident = start_incident(path)
    clock = Clock(STARTED + timedelta(minutes=50))  # secrets-vault (RTO 45m) is late
    return TrackApp(Session(path, incident, "alice", clock=clock), clock=clock, poll=False)


async def settled(pilot: Any) -> None:
    await started(pilot.app, pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def restore_storage(pilot: Any) -> None:
    """storage-cluster restored, db-primary begun; the cursor on db-primary."""
    await settled(pilot)
    for key in ("b", "v", "y", "r"):
        await pilot.press(key)
        if key == "v":  # it asks first: its worker waits on the dialog until y
            await pilot.pause()
        else:
            await settled(pilot)
    await go_to(pilot.app, pilot, "db-primary")
    await pilot.press("b")
    await settled(pilot)
    # the projected finish is recomputed a second after the last change
    await wait_for(pilot, lambda: recovery(pilot.app).projected_seq == pilot.app.session.seen)
    # the overdue update is said by the screen's first tick, a second after it opened: wait for
    # its toast (a faster screen may get here before that second is up)
    await wait_for(pilot, lambda: bool(recovery(pilot.app).query("Toast")))
    await settled(pilot)


def opening(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """Restore storage, then press ``keys`` and wait for the dialog they open."""

    async def run_before(pilot: Any) -> None:
        await restore_storage(pilot)
        await pilot.press(*keys)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, Dialog))
        await pilot.pause()

    return run_before


VIEWS: dict[str, Callable[[Any], Awaitable[None]]] = {
    "main": restore_storage,
    "help": opening("question_mark"),
    "update": opening("u"),
    "confirm-verify": opening("v"),
    "resolve-typed": opening("R"),
    "pick-check": opening("c"),
    "text-note": opening("n"),
    "bypass": opening("x", "enter"),
    "tree": opening("g"),
}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_snapshot(snap_compare: Any, tmp_path: Path, view: str, size: str) -> None:
    assert snap_compare(enterprise_app(tmp_path), terminal_size=SIZES[size], run_before=VIEWS[view])
