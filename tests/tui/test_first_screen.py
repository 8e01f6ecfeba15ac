"""What the first screen of ``planner track`` does not do twice: the rows of an incident this
terminal has just started are taken as written instead of being read back, unless the journal
moved on meanwhile."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from planner.tracking.domain import actions
from planner.tracking.domain.state import RESTORING, MemoryView
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from tests.helpers.pilot import STARTED, opened_incident


def snapshot(path: Path, incident: str) -> MemoryView:
    with Store(path) as store:
        found = store.snapshot(incident)
    assert found is not None
    return found


def test_the_rows_just_opened_are_taken_as_written(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    view = opened_incident(path)
    session = Session(path, view.row.id, "alice", opened=view)
    assert session.load() is view
    assert session.opened is None, "taken once"
    assert view == snapshot(path, view.row.id)
    assert list(view.tasks) == list(snapshot(path, view.row.id).tasks), "in wave order"
    assert [type(e).__name__ for e in session.journal] == ["IncidentStarted"]
    assert session.seen == session.journal[-1].seq


def test_the_rows_are_read_again_once_the_journal_moved_on(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    view = opened_incident(path)
    other = Session(path, view.row.id, "bob", clock=lambda: STARTED + timedelta(minutes=1))
    other.load()
    other.act(actions.Begin("storage-cluster"))
    session = Session(path, view.row.id, "alice", opened=view)
    state = session.load()
    assert state is not view
    assert state.tasks["storage-cluster"].state == RESTORING
    assert session.seen == session.journal[-1].seq == 2


def test_the_rows_of_another_incident_are_read(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    first, second = opened_incident(path), opened_incident(path)
    session = Session(path, first.row.id, "alice", opened=second)
    state = session.load()
    assert state is not second
    assert state.row.id == first.row.id
