"""A drill's injection on the recovery screen: it is recorded when the drill's clock reaches its
time, said with what it asks for, and the action it asks for is recorded from the screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from models.events import Escalated, ExercisePlanned, FailedAgain, InjectionFired
from models.exercise import Injection
from planner.planfile.loader import load_valid_plan
from planner.tracking.persistence.starting import open_incident
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.injections import InjectionWatch
from planner.tui.widgets import JournalPane
from tests.helpers.pilot import ENTERPRISE, STARTED, Clock, journal, settle, started, wait_for

TIMELINE = [
    Injection(id="I1", after=600, what="no_answer", person="carol", service="storage-cluster"),
    Injection(id="I2", after=1200, what="fails_again", service="storage-cluster", says="quorum lost again"),
]


def drill_app(tmp_path: Path) -> tuple[TrackApp, Clock, list[tuple[str, str]]]:
    """An app on a drill of the storage outage with :data:`TIMELINE`, 5 minutes in."""
    path = tmp_path / "incidents.db"
    with Store(path) as store:
        drill = open_incident(
            store,
            load_valid_plan(ENTERPRISE),
            ENTERPRISE.read_text(),
            scenario="storage-outage",
            failed=None,
            title="game day",
            exercise=True,
            actor="grace",
            at=STARTED,
        ).row.id
        store.append(ExercisePlanned(incident=drill, at=STARTED, actor="grace", injections=TIMELINE))
    clock = Clock(STARTED + timedelta(minutes=5))
    app = TrackApp(Session(path, drill, "alice", clock=clock), clock=clock, poll=False)
    said: list[tuple[str, str]] = []

    def notify(message: str, *, title: str = "", **_: Any) -> None:
        said.append((title, message))

    app.notify = notify  # type: ignore[method-assign]
    return app, clock, said


def shots(app: TrackApp) -> list[str]:
    return [e.injection.id for e in journal(app) if isinstance(e, InjectionFired)]


@pytest.mark.asyncio
async def test_an_injection_arrives_on_time_and_its_action_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(InjectionWatch, "EVERY", 0.1)  # the watch looks ten times a second
    app, clock, said = drill_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.pause(0.3)  # the watch has looked: nothing is due at 5 minutes
        assert shots(app) == []
        clock.at = STARTED + timedelta(minutes=11)
        await wait_for(
            pilot, lambda: ("Injection I1", "carol does not answer.\nAsks: escalate storage-cluster") in said
        )
        assert shots(app) == ["I1"]
        fired = next(e for e in journal(app) if isinstance(e, InjectionFired))
        assert fired.at == STARTED + timedelta(minutes=10)  # at its time on the timeline
        assert any("INJECTED I1" in line[2] for line in app.screen.query_one(JournalPane).lines)
        await pilot.press("b")  # storage-cluster is the first row: begin it, then escalate as asked
        await settle(app, pilot)
        await pilot.press("e", "y")
        await settle(app, pilot)
        assert isinstance(journal(app)[-1], Escalated)
        clock.at = STARTED + timedelta(minutes=21)
        await wait_for(pilot, lambda: any(t == "Injection I2" for t, _ in said))
        await pilot.press("f", "y")
        await settle(app, pilot)
        assert isinstance(journal(app)[-1], FailedAgain)
        assert shots(app) == ["I1", "I2"]  # each recorded once
