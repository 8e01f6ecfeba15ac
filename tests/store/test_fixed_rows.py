"""A status reads an incident's rows from the start's record of their fixed columns and the rows
that changed since (planner.tracking.persistence.fixed_rows): what it reads is what reading every
row gives, and a record that does not agree with the tables is not used (every row is read, and
what is damaged is said as before)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from planner.tracking.domain.state import MemoryView
from planner.tracking.persistence.damage import DamagedRowError
from planner.tracking.persistence.fixed_rows import fixed_snapshot
from planner.tracking.persistence.store import Store
from planner.tracking.persistence.tables import every_row
from tests.helpers.journal import enterprise_incident


def _act(run_cli, where: str, incident: str, *args: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("incident", *args[:1], incident, *args[1:], "--store", where, "--as", "bob")
    assert result.code == 0, result.err


@pytest.fixture
def incident(run_cli, where: str) -> str:  # type: ignore[no-untyped-def]
    """The enterprise storage outage with a change to each kind of mutable column: an escalation
    of a task still down, work begun, verified and restored, a check passed with what was seen,
    a bypass (a workaround), a failure that reopens."""
    found = enterprise_incident(where)
    for args in (
        ("escalate", "db-primary"),
        ("begin", "storage-cluster"),
        ("verify", "storage-cluster"),
        ("restored", "storage-cluster"),
        ("check", "db-primary", "storage-cluster", "--pass", "--observed", "iostat quiet"),
        ("bypass", "db-replica", "storage-cluster", "--reason", "vendor says it holds"),
    ):
        _act(run_cli, where, found, *args)
    return found


def _ways(where: str, incident: str) -> tuple[MemoryView | None, MemoryView, MemoryView]:
    """The record's reading (None: not used), the snapshot, and every row read."""
    with Store(where) as store:
        snap, every = store.snapshot(incident), every_row(store.db, incident)
        assert snap is not None
        assert every is not None
        (record,) = store.db.execute("SELECT rows FROM shapes WHERE incident = ?", (incident,)).fetchone()
        quick = fixed_snapshot(store.db, every.row, every.info, record, every.workarounds())
    return quick, snap, every


def _same(view: MemoryView, every: MemoryView) -> None:
    assert (view.row, view.tasks, view.check_rows, view.wa_rows) == (
        every.row,
        every.tasks,
        every.check_rows,
        every.wa_rows,
    )
    assert list(view.tasks) == list(every.tasks)
    assert all(view.checks(s) == every.checks(s) for s in every.tasks)


def test_the_record_and_the_changed_rows_are_every_row(where: str, incident: str) -> None:
    quick, snap, every = _ways(where, incident)
    assert quick is not None
    _same(quick, every)
    _same(snap, every)
    task = every.tasks["db-primary"]
    assert (task.state, task.escalations) == ("down", 1)  # a change to a task still down is read


def _execute(sql: str, *params: object) -> Callable[[Store], None]:
    return lambda store: store.db.execute(sql, params)


DISAGREE = {
    "no record (an incident started before schema 6)": _execute("UPDATE shapes SET rows = NULL"),
    "a record that does not parse": _execute("UPDATE shapes SET rows = '{'"),
    "a record of the wrong shape": _execute("UPDATE shapes SET rows = '[1, 2]'"),
    "a record with a name that is a number": _execute(
        'UPDATE shapes SET rows = replace(rows, \'"name":["\', \'"name":[1,"\')'
    ),
    "a task row deleted by hand": _execute("DELETE FROM tasks WHERE service = 'file-share'"),
    "a check row deleted by hand": _execute("DELETE FROM checks WHERE service = 'db-primary'"),
    "a changed task's name edited by hand": _execute(
        "UPDATE tasks SET name = 'Storage (edited)' WHERE service = 'storage-cluster'"
    ),
    "a changed check's command edited by hand": _execute(
        "UPDATE checks SET command = 'true' WHERE service = 'db-primary' AND dependency = 'storage-cluster'"
    ),
}


@pytest.mark.parametrize("damage", DISAGREE.values(), ids=DISAGREE.keys())
def test_a_record_that_does_not_agree_with_the_tables_is_not_used(
    where: str, incident: str, damage: Callable[[Store], None]
) -> None:
    with Store(where) as store, store.transaction():
        damage(store)
    quick, snap, every = _ways(where, incident)
    assert quick is None
    _same(snap, every)


def test_a_damaged_number_in_a_task_row_the_record_holds_is_said(tmp_path: Path) -> None:
    """(SQLite: PostgreSQL's column types refuse the damage.)"""
    where = str(tmp_path / "incidents.db")
    incident = enterprise_incident(where)
    with Store(where) as store, store.transaction() as db:
        db.execute("UPDATE tasks SET duration = 'long' WHERE service = 'file-share'")
    with Store(where) as store, pytest.raises(DamagedRowError, match="duration of file-share"):
        store.snapshot(incident)
