"""Driving ``planner track`` with Textual's pilot: a clock the test moves, waiting for the
screen, finding the recovery screen (shared by the tests that run the app outside
``tests/tui``).

The same helpers still live in ``tests/tui/test_track.py`` for the tests of ``tests/tui``, which
import them from there until they move here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from planner.tui.app import TrackApp
from planner.tui.recovery import RecoveryScreen
from planner.tui.table import TaskTable


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def settle(app: TrackApp, pilot: Any) -> None:
    """Let workers finish and their results reach the screen (failing, not hanging, when one
    waits on a dialog the test did not answer)."""
    await asyncio.wait_for(app.workers.wait_for_complete(), 20)
    await pilot.pause()
    await asyncio.wait_for(app.workers.wait_for_complete(), 20)
    await pilot.pause()


async def wait_for(pilot: Any, condition: Callable[[], bool], within: float = 10.0) -> None:
    """Let the app run until ``condition`` holds (a condition, not a fixed sleep); fail after
    ``within`` seconds."""
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still not true after {within} s")


def recovery(app: TrackApp) -> RecoveryScreen:
    """The app's recovery screen (under any dialog open on top of it)."""
    return next(s for s in app.screen_stack if isinstance(s, RecoveryScreen))


async def started(app: TrackApp, pilot: Any) -> None:
    """Wait until the recovery screen shows the incident."""
    await wait_for(
        pilot,
        lambda: (
            any(isinstance(s, RecoveryScreen) for s in app.screen_stack)
            and bool(recovery(app).query(TaskTable))
            and bool(recovery(app).query_one(TaskTable).rows)
        ),
    )
