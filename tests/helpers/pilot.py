"""Driving ``planner track`` with Textual's pilot, shared by the tests that run the app: the
enterprise storage outage opened in a store, an app on it with a clock the test moves, waiting
for the screen (a condition, never a fixed sleep), finding the recovery screen; and a small
drill plan whose checks really run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from models.events import Event
from planner.planfile.loader import load_valid_plan
from planner.tracking.domain.state import MemoryView
from planner.tracking.persistence.starting import open_incident
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.recovery import RecoveryScreen
from planner.tui.table import TaskTable

DRILL_PLAN = """\
version: 1
name: run drill
teams:
  - id: ops
services:
  - id: db
    owner: ops
    rto: 30m
    verify: "echo db answers"
  - id: app
    owner: ops
    rto: 1h
    verify: "touch {marker}"
    depends_on:
      - service: db
        check: "sh -c 'echo pool exhausted; exit 2'"
"""
"""A drill plan whose commands run: db's verify answers, app's check fails, app's verify touches
``{marker}``."""

ENTERPRISE = Path(__file__).parents[2] / "examples" / "enterprise.yaml"
STARTED = datetime(2026, 11, 28, 2, 10, tzinfo=UTC)


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


def start_incident(path: Path | str) -> str:
    """The enterprise storage outage, opened in the store at ``path``; its id."""
    return opened_incident(path).row.id


def opened_incident(path: Path | str) -> MemoryView:
    """The enterprise storage outage, opened in the store at ``path``, as its opening left it."""
    with Store(path) as store:
        return open_incident(
            store,
            load_valid_plan(ENTERPRISE),
            ENTERPRISE.read_text(),
            scenario="storage-outage",
            failed=None,
            title="Storage cluster failure",
            exercise=False,
            actor="grace",
            at=STARTED,
        )


def make_app(tmp_path: Path, poll: bool = False) -> tuple[TrackApp, Clock, list[tuple[str, str]]]:
    """An app on the enterprise storage outage in ``tmp_path`` (started there unless a store is
    already), 20 minutes in; its clock, and the list its notifications go to (title, message)."""
    path = tmp_path / "incidents.db"
    incident = start_incident(path) if not path.exists() else "INC-1"
    clock = Clock(STARTED + timedelta(minutes=20))
    app = TrackApp(Session(path, incident, "alice", clock=clock), clock=clock, poll=poll)
    said: list[tuple[str, str]] = []

    def notify(message: str, *, title: str = "", **_: Any) -> None:
        said.append((title, message))

    app.notify = notify  # type: ignore[method-assign]
    return app, clock, said


def journal(app: TrackApp) -> list[Event]:
    """The app's incident's journal, read from its store."""
    store = Store(app.session.store_path)
    try:
        return store.events(app.session.incident)
    finally:
        store.close()


async def restore_first(app: TrackApp, pilot: Any) -> None:
    """b, v (and y: it asks), r on the selected row (the first: storage-cluster)."""
    for key in ("b", "v", "y", "r"):
        await pilot.press(key)
        if key == "v":  # it asks first: its worker waits on the dialog until y
            await pilot.pause()
        else:
            await settle(app, pilot)


async def go_to(app: TrackApp, pilot: Any, service: str) -> None:
    """Select ``service``'s row of the recovery screen."""
    assert recovery(app).query_one(TaskTable).select(service)
    await pilot.pause()


def said(app: TrackApp) -> str:
    """Everything the open dialog says."""
    return " ".join(str(w.render()) for w in app.screen.query("Static"))


def drill_app(tmp_path: Path) -> tuple[TrackApp, Path]:
    """An app on a drill of ``DRILL_PLAN`` in ``tmp_path``; the file app's verify touches."""
    marker = tmp_path / "app-verify-ran"
    path = tmp_path / "plan.yaml"
    path.write_text(DRILL_PLAN.format(marker=marker))
    plan = load_valid_plan(path)
    store_path = tmp_path / "incidents.db"
    with Store(store_path) as store:
        first = open_incident(
            store,
            plan,
            path.read_text(),
            scenario=None,
            failed=None,
            title="drill",
            exercise=True,
            actor="grace",
            at=STARTED,
        )
    clock = Clock(STARTED + timedelta(minutes=5))
    app = TrackApp(Session(store_path, first.row.id, "alice", clock=clock), clock=clock, poll=False)
    return app, marker
