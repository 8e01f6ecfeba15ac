"""The projected finish and the odds line worked out in a child process (planner.tui.projector):
the same values as worked out in the screen's own process, whatever the incident went through;
the child ends with the screen; a child that stops or never starts is said once and the screen
keeps projecting by itself."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import random
import signal
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from planner import children
from planner.errors import PlannerError
from planner.tracking.domain import actions
from planner.tracking.domain.state import MemoryView
from planner.tracking.reports.progress import Projection
from planner.tracking.session import Session
from planner.tui import projector as projector_module
from planner.tui import recovery as recovery_module
from planner.tui.projector import ProjectionError, Projector, ProjectorStopped, project_here
from tests.helpers.pilot import STARTED, Clock, make_app, recovery, start_incident, wait_for


def both(projector: Projector, view: MemoryView, now: datetime, seq: int) -> list[tuple[Projection, str]]:
    """(projection, odds) from the child and from this process."""
    answers = []
    for work in (projector.project, project_here):
        got: list[Projection] = []
        odds = work(view, now, seq, got.append)
        assert len(got) == 1, "the projection is shown once, before the odds"
        answers.append((got[0], odds))
    return answers


def step(session: Session, rng: random.Random) -> None:
    """One action on a random task (refused ones change nothing, as on screen)."""
    view = session.view()
    service = rng.choice(list(view.tasks))
    checks = view.checks(service)
    choices: list[actions.Action] = [
        actions.Begin(service),
        actions.Verify(service, "looks fine"),
        actions.Restore(service),
        actions.Fail(service, "broke again"),
        *(actions.Check(service, c.dependency, True, "answers") for c in checks),
    ]
    with contextlib.suppress(PlannerError):
        session.fold(session.act(rng.choice(choices))[1])


def test_the_child_projects_what_the_screen_works_out_itself(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    clock = Clock(STARTED + timedelta(minutes=5))
    session = Session(path, start_incident(path), "alice", clock=clock)
    session.load()
    rng = random.Random(27)
    projector = Projector()
    projector.start()
    try:
        process = projector.process
        assert process is not None
        for _ in range(40):
            for _ in range(rng.randint(1, 4)):
                step(session, rng)
            clock.at += timedelta(minutes=rng.choice([0, 1, 3, 20]))
            remote, here = both(projector, session.view(), clock.at, session.seen)
            assert remote == here
        assert projector.process is process, "one child, all along"
        assert projector.stopped is None
        assert session.view().counts()["restored"], "the incident got somewhere"
    finally:
        projector.close()
    assert process.poll() is not None, "closed: the child has ended"
    assert process.pid not in children._RUNNING


def test_a_new_incident_sends_its_shape_again(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    first, second = start_incident(path), start_incident(path)
    now = STARTED + timedelta(minutes=30)
    projector = Projector()
    projector.start()
    try:
        for incident in (first, second, first):
            session = Session(path, incident, "alice")
            session.load()
            session.fold(session.act(actions.Begin("storage-cluster"))[1]) if incident == second else None
            remote, here = both(projector, session.view(), now, session.seen)
            assert remote == here
    finally:
        projector.close()


def test_a_child_that_cannot_start_is_said_once_and_the_projection_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    session = Session(path, start_incident(path), "alice")
    view = session.load()
    now = STARTED + timedelta(minutes=10)
    projector = Projector([str(tmp_path / "no-such-program")])
    projector.start()
    assert projector.process is None
    with pytest.raises(ProjectorStopped, match="stopped: it could not be started"):
        projector.project(view, now, session.seen, lambda _: None)
    remote, here = both(projector, view, now, session.seen)  # not said again
    assert remote == here


def test_a_child_that_dies_is_said_once_with_how(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    session = Session(path, start_incident(path), "alice")
    view = session.load()
    now = STARTED + timedelta(minutes=10)
    projector = Projector()
    projector.start()
    try:
        both(projector, view, now, session.seen)
        assert projector.process is not None
        os.kill(projector.process.pid, signal.SIGKILL)
        with pytest.raises(ProjectorStopped, match="killed by signal 9"):
            projector.project(view, now, session.seen, lambda _: None)
        assert projector.process is None
        remote, here = both(projector, view, now, session.seen)
        assert remote == here
    finally:
        projector.close()


def _request(stream: io.BytesIO, *message: object) -> None:
    data = pickle.dumps(message)
    stream.write(projector_module._HEADER.pack(len(data)) + data)


def test_the_child_answers_a_projection_that_raises_with_the_error() -> None:
    requests = io.BytesIO()
    _request(requests, "shape", _tiny_shape())
    _request(requests, "project", None, {}, STARTED, 1)  # no incident row: it raises
    requests.seek(0)
    answers = io.BytesIO()
    projector_module.serve(requests, answers)  # and ends at the end of its input
    answers.seek(0)
    kind, said = projector_module._receive(answers)
    assert kind == "failed"
    assert said.startswith("AttributeError")
    assert projector_module._receive(answers) is None


def _tiny_shape() -> dict[str, object]:
    return {
        "services": ["a"],
        "name": ["A"],
        "owner": [None],
        "criticality": ["high"],
        "rto": [600],
        "duration": [60],
        "deps": [[]],
        "capacity": {},
        "cadence": 1800,
        "plan_workarounds": [],
    }


def test_a_failure_in_the_child_is_raised_as_a_bug_and_the_child_serves_on(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    session = Session(path, start_incident(path), "alice")
    view = session.load()
    projector = Projector()
    projector.start()
    try:
        with projector._lock:
            projector._send(("shape", _tiny_shape()))
            projector._send(("project", None, {}, STARTED, 1))
            with pytest.raises(ProjectionError, match="AttributeError"):
                projector._answer()
        remote, here = both(projector, view, STARTED + timedelta(minutes=3), session.seen)
        assert remote == here
    finally:
        projector.close()


@pytest.mark.asyncio
async def test_a_small_incident_is_projected_by_the_screen_itself(tmp_path: Path) -> None:
    app, _, said = make_app(tmp_path)  # 21 tasks: a child would cost more than it saves
    async with app.run_test(size=(120, 36)) as pilot:
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        assert screen.projector.process is None
        assert screen.projector.stopped is None
        assert not [t for t, _ in said if t == ProjectorStopped.TITLE]


@pytest.mark.asyncio
async def test_the_child_ends_with_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery_module, "CHILD_FROM", 1)  # the enterprise outage counts as large
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        process = screen.projector.process
        assert process is not None
        assert process.poll() is None, "it runs while the screen does"
    assert process.poll() is not None, "it ended with the screen"
    assert process.pid not in children._RUNNING


@pytest.mark.asyncio
async def test_a_crash_of_the_child_is_reported_and_the_screen_still_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recovery_module, "CHILD_FROM", 1)
    app, clock, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projected_seq == app.session.seen)
        process = screen.projector.process
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)
        clock.at += timedelta(minutes=3)
        await pilot.press("b")  # begins the selected task: a new projection is due
        await wait_for(pilot, lambda: screen.projected_seq == app.session.seen, within=15)
        assert [t for t, _ in said].count("Projection helper stopped") == 1
        assert any("killed by signal 9" in m for t, m in said if t == "Projection helper stopped")
        expected: list[Projection] = []
        project_here(app.state, screen.projection.now, app.session.seen, expected.append)  # type: ignore[union-attr]
        assert screen.projection == expected[0]
        clock.at += timedelta(minutes=1)
        await pilot.press("down", "b")  # and it keeps projecting, without saying it again
        await wait_for(pilot, lambda: screen.projected_seq == app.session.seen, within=15)
        assert [t for t, _ in said].count("Projection helper stopped") == 1


SILENT = [sys.executable, "-c", "import time; time.sleep(60)"]
"""A child that never answers."""


def test_a_child_that_does_not_answer_is_taken_for_stuck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "incidents.db"
    session = Session(path, start_incident(path), "alice")
    view = session.load()
    monkeypatch.setattr(projector_module, "REPLY_SECONDS", 0.3)
    projector = Projector(SILENT)
    projector.start()
    process = projector.process
    assert process is not None
    try:
        with pytest.raises(ProjectorStopped, match="did not answer within"):
            projector.project(view, STARTED, session.seen, lambda _: None)
        assert process.poll() is not None, "the stuck child was ended"
        remote, here = both(projector, view, STARTED, session.seen)
        assert remote == here
    finally:
        projector.close()


def test_closing_lets_a_waiting_projection_go_without_a_word(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    session = Session(path, start_incident(path), "alice")
    view = session.load()
    projector = Projector(SILENT)
    projector.start()
    process = projector.process
    assert process is not None
    outcome: list[object] = []
    shown: list[Projection] = []

    def wait() -> None:
        try:
            outcome.append(projector.project(view, STARTED, session.seen, shown.append))
        except Exception as error:  # noqa: BLE001 - the test says what came out
            outcome.append(error)

    waiting = threading.Thread(target=wait)
    waiting.start()
    for _ in range(1000):  # until it waits for the answer (a condition, not a fixed sleep)
        frame = sys._current_frames().get(waiting.ident or 0)
        if frame is not None and frame.f_code.co_name == "_read":
            break
        waiting.join(0.01)
    projector.close()
    waiting.join(10)
    assert outcome == [""]
    assert not shown
    assert process.poll() is not None


def test_a_projection_that_cannot_be_shown_leaves_the_next_one_right(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    session = Session(path, start_incident(path), "alice")
    view = session.load()
    projector = Projector()
    projector.start()

    def closing(_: Projection) -> None:
        raise RuntimeError("the app is closing")

    try:
        with pytest.raises(RuntimeError, match="closing"):
            projector.project(view, STARTED, session.seen, closing)
        remote, here = both(projector, view, STARTED + timedelta(minutes=1), session.seen)
        assert remote == here
    finally:
        projector.close()
