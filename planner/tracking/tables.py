"""The incident state's rows in the store's tables: :class:`SqlView` reads and writes one row at a
time (what an action needs), :func:`snapshot` reads a whole incident (what a status needs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from planner.tracking.damage import names, optional, readable, row_field, task_state, when
from planner.tracking.db import Db
from planner.tracking.outline import Outline, Overlay, outline, shape_json
from planner.tracking.state import (
    RESTORED,
    CheckRow,
    IncidentMeta,
    IncidentRow,
    MemoryView,
    TaskRow,
    WorkaroundRow,
)

_CHECK_COLUMNS = "service, dependency, command, state, observed"
_TASK_COLUMNS = (
    "service, position, wave, name, owner, criticality, rto, duration, verify, runbook, state, verified, "
    "reopened, begun, restored, escalations"
)
_WA_COLUMNS = "id, incident, service, dependency, reason, actor, applied, expires, owner, removed, removed_by"
_WA_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in _WA_COLUMNS.split(", ")[1:])
_INCIDENT_COLUMNS = (
    "id, title, scenario, plan_hash, plan_name, exercise, started, detected, roles, state, resolved, "
    "last_update, updates"
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _task(row: tuple[Any, ...], incident: str) -> TaskRow:
    """A task's row of ``incident``; a value the planner never writes is :class:`DamagedRowError`."""

    def field(column: str, value: object, read: Callable[[Any], Any] = int) -> Any:
        return optional(incident, f"{column} of {row[0]}", value, read)

    return TaskRow(
        service=row[0],
        position=field("position", row[1]),
        wave=field("wave", row[2]),
        name=row[3],
        owner=row[4],
        criticality=row[5],
        rto=field("rto", row[6]),
        duration=field("duration", row[7]),
        verify=row[8],
        runbook=row[9],
        state=field("state", row[10], task_state),
        verified=bool(row[11]),
        reopened=field("reopened", row[12]),
        begun=field("begun", row[13], when),
        restored=field("restored", row[14], when),
        escalations=field("escalations", row[15]),
    )


def _task_values(incident: str, t: TaskRow) -> tuple[Any, ...]:
    return (
        incident,
        t.service,
        t.position,
        t.wave,
        t.name,
        t.owner,
        t.criticality,
        t.rto,
        t.duration,
        t.verify,
        t.runbook,
        t.state,
        int(t.verified),
        t.reopened,
        _iso(t.begun),
        _iso(t.restored),
        t.escalations,
    )


def _workaround(row: tuple[Any, ...]) -> WorkaroundRow:
    """A workaround's row; a value the planner never writes is :class:`DamagedRowError`."""

    def time(column: str, value: object) -> datetime | None:
        return optional(str(row[1]), f"{column} of {row[0]}", value, when)  # type: ignore[no-any-return]

    return WorkaroundRow(
        id=row[0],
        incident=row[1],
        service=row[2],
        dependency=row[3],
        reason=row[4],
        actor=row[5],
        applied=time("applied", row[6]),  # type: ignore[arg-type] # NOT NULL
        expires=time("expires", row[7]),
        owner=row[8],
        removed=time("removed", row[9]),
        removed_by=row[10],
    )


def _incident(row: tuple[Any, ...]) -> IncidentRow:
    """An incident's row; a value the planner never writes is :class:`DamagedRowError`."""
    incident = str(row[0])

    def maybe(column: str, value: object) -> datetime | None:
        return None if value is None else row_field(incident, column, value, when)

    return IncidentRow(
        id=row[0],
        title=row[1],
        scenario=row[2],
        plan_hash=row[3],
        plan_name=row[4],
        exercise=bool(row[5]),
        started=row_field(incident, "started", row[6], when),
        detected=maybe("detected", row[7]),
        roles=row_field(incident, "roles", row[8], names),
        state=row[9],
        resolved=maybe("resolved", row[10]),
        last_update=maybe("last_update", row[11]),
        updates=row_field(incident, "updates", row[12], int),
    )


def _meta(incident: str, text: object) -> IncidentMeta:
    return row_field(incident, "meta", text, IncidentMeta.from_json)  # type: ignore[no-any-return]


def incident_row(db: Db, incident: str) -> IncidentRow | None:
    """One incident's row."""
    found = db.execute(f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE id = ?", (incident,)).fetchone()
    return None if found is None else _incident(found)


def incident_rows(db: Db, damaged: Callable[[str], None] | None = None) -> list[IncidentRow]:
    """Every incident, oldest first; one whose row is damaged is said to ``damaged`` and left
    out (without ``damaged``, :class:`DamagedRowError`)."""
    rows = db.execute(f"SELECT {_INCIDENT_COLUMNS} FROM incidents ORDER BY started, length(id), id")
    return readable(rows, _incident, damaged)


def insert_incident(db: Db, state: MemoryView) -> None:
    """Write a new incident's initial rows."""
    r = state.row
    db.execute(
        f"INSERT INTO incidents ({_INCIDENT_COLUMNS}, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            r.id,
            r.title,
            r.scenario,
            r.plan_hash,
            r.plan_name,
            int(r.exercise),
            r.started.isoformat(),
            _iso(r.detected),
            json.dumps(r.roles),
            r.state,
            _iso(r.resolved),
            _iso(r.last_update),
            r.updates,
            state.info.to_json(),
        ),
    )
    db.executemany(
        f"INSERT INTO tasks (incident, {_TASK_COLUMNS}) VALUES ({','.join('?' * 17)})",
        (_task_values(r.id, t) for t in state.tasks.values()),
    )
    db.executemany(
        "INSERT INTO checks (incident, service, dependency, command, state, observed) VALUES (?,?,?,?,?,?)",
        ((r.id, c.service, c.dependency, c.command, c.state, c.observed) for c in state.check_rows.values()),
    )
    db.execute("INSERT INTO shapes (incident, data) VALUES (?, ?)", (r.id, shape_json(state)))


def read_outline(db: Db, incident: str) -> Outline | None:
    """An incident in outline: its stored shape, and only the rows that changed since the start."""
    row = incident_row(db, incident)
    if row is None:
        return None
    meta_text, shape = db.execute(
        "SELECT i.meta, s.data FROM incidents i JOIN shapes s ON s.incident = i.id WHERE i.id = ?",
        (incident,),
    ).fetchone()
    meta = _meta(incident, meta_text)
    tasks = [
        (
            r[0],
            r[1],
            optional(incident, f"begun of {r[0]}", r[2], when),
            optional(incident, f"restored of {r[0]}", r[3], when),
        )
        for r in db.execute(
            "SELECT service, state, begun, restored FROM tasks WHERE incident = ? AND state != 'down' "
            "ORDER BY position",
            (incident,),
        )
    ]
    checks = db.execute(
        "SELECT service, dependency, state FROM checks WHERE incident = ? AND state != 'pending'", (incident,)
    ).fetchall()
    was = [
        _workaround(r)
        for r in db.execute(
            f"SELECT {_WA_COLUMNS} FROM workarounds WHERE incident = ? AND removed IS NULL ORDER BY id",
            (incident,),
        )
    ]
    overlay = Overlay(tasks, checks, was)
    return row_field(incident, "shape", shape, lambda text: outline(row, meta, text, overlay))  # type: ignore[no-any-return]


class SqlView:
    """One incident's rows in the store, read and written one at a time (see ``state.View``)."""

    def __init__(self, db: Db, incident: str) -> None:
        self.db = db
        self.id = incident
        self._meta: IncidentMeta | None = None

    def incident(self) -> IncidentRow:
        row = incident_row(self.db, self.id)
        assert row is not None, "the caller checked that the incident exists"
        return row

    def meta(self) -> IncidentMeta:
        if self._meta is None:
            text = self.db.execute("SELECT meta FROM incidents WHERE id = ?", (self.id,)).fetchone()[0]
            self._meta = _meta(self.id, text)
        return self._meta

    def task(self, service: str) -> TaskRow | None:
        row = self.db.execute(
            f"SELECT {_TASK_COLUMNS} FROM tasks WHERE incident = ? AND service = ?", (self.id, service)
        ).fetchone()
        return None if row is None else _task(row, self.id)

    def checks(self, service: str) -> list[CheckRow]:
        rows = self.db.execute(
            f"SELECT {_CHECK_COLUMNS} FROM checks WHERE incident = ? AND service = ? ORDER BY dependency",
            (self.id, service),
        )
        return [CheckRow(*r) for r in rows]

    def dependents(self, service: str) -> list[CheckRow]:
        rows = self.db.execute(
            f"SELECT {_CHECK_COLUMNS} FROM checks WHERE incident = ? AND dependency = ? ORDER BY service",
            (self.id, service),
        )
        return [CheckRow(*r) for r in rows]

    def workaround(self, wid: str) -> WorkaroundRow | None:
        row = self.db.execute(
            f"SELECT {_WA_COLUMNS} FROM workarounds WHERE id = ? AND incident = ?", (wid, self.id)
        ).fetchone()
        return None if row is None else _workaround(row)

    def workarounds(self) -> list[WorkaroundRow]:
        rows = self.db.execute(
            f"SELECT {_WA_COLUMNS} FROM workarounds WHERE incident = ? ORDER BY id", (self.id,)
        )
        return [_workaround(r) for r in rows]

    def put_incident(self, row: IncidentRow) -> None:
        self.db.execute(
            "UPDATE incidents SET title = ?, detected = ?, roles = ?, state = ?, resolved = ?, "
            "last_update = ?, updates = ? WHERE id = ?",
            (
                row.title,
                _iso(row.detected),
                json.dumps(row.roles),
                row.state,
                _iso(row.resolved),
                _iso(row.last_update),
                row.updates,
                row.id,
            ),
        )

    def put_task(self, row: TaskRow) -> None:
        self.db.execute(
            "UPDATE tasks SET state = ?, verified = ?, reopened = ?, begun = ?, restored = ?, "
            "escalations = ? WHERE incident = ? AND service = ?",
            (
                row.state,
                int(row.verified),
                row.reopened,
                _iso(row.begun),
                _iso(row.restored),
                row.escalations,
                self.id,
                row.service,
            ),
        )

    def put_check(self, row: CheckRow) -> None:
        self.db.execute(
            "UPDATE checks SET state = ?, observed = ? WHERE incident = ? AND service = ? AND dependency = ?",
            (row.state, row.observed, self.id, row.service, row.dependency),
        )

    def put_workaround(self, row: WorkaroundRow) -> None:
        self.db.execute(
            f"INSERT INTO workarounds ({_WA_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            f"ON CONFLICT (id) DO UPDATE SET {_WA_UPDATE}",
            (
                row.id,
                row.incident,
                row.service,
                row.dependency,
                row.reason,
                row.actor,
                row.applied.isoformat(),
                _iso(row.expires),
                row.owner,
                _iso(row.removed),
                row.removed_by,
            ),
        )

    def task_ids(self) -> list[str]:
        """Every task's service id (for suggestions when a name is mistyped)."""
        return [r[0] for r in self.db.execute("SELECT service FROM tasks WHERE incident = ?", (self.id,))]

    def unrestored(self) -> list[str]:
        """The tasks not restored now, in wave order."""
        rows = self.db.execute(
            "SELECT service FROM tasks WHERE incident = ? AND state != ? ORDER BY position",
            (self.id, RESTORED),
        )
        return [r[0] for r in rows]

    def last_restored(self) -> datetime | None:
        """When the latest of the tasks restored now was restored (ISO UTC text sorts by time)."""
        (latest,) = self.db.execute(
            "SELECT max(restored) FROM tasks WHERE incident = ? AND state = ?", (self.id, RESTORED)
        ).fetchone()
        return optional(self.id, "restored", latest, when)  # type: ignore[no-any-return]


def snapshot(
    db: Db,
    incident: str,
    check_columns: str = "service, dependency, command, state, observed",
) -> MemoryView | None:
    """A whole incident's rows, read in one go."""
    row = incident_row(db, incident)
    if row is None:
        return None
    meta = _meta(incident, db.execute("SELECT meta FROM incidents WHERE id = ?", (incident,)).fetchone()[0])
    tasks = {
        r[0]: _task(r, incident)
        for r in db.execute(
            f"SELECT {_TASK_COLUMNS} FROM tasks WHERE incident = ? ORDER BY position", (incident,)
        )
    }
    checks = {
        (r[0], r[1]): CheckRow(*r)
        for r in db.execute(f"SELECT {check_columns} FROM checks WHERE incident = ?", (incident,))
    }
    was = {
        r[0]: _workaround(r)
        for r in db.execute(f"SELECT {_WA_COLUMNS} FROM workarounds WHERE incident = ?", (incident,))
    }
    return MemoryView(row, meta, tasks, checks, was)


def open_workaround_rows(db: Db, damaged: Callable[[str], None] | None = None) -> list[WorkaroundRow]:
    """Workarounds of every incident not removed yet; a damaged one is said to ``damaged`` and
    left out (without ``damaged``, :class:`DamagedRowError`)."""
    rows = db.execute(f"SELECT {_WA_COLUMNS} FROM workarounds WHERE removed IS NULL ORDER BY id")
    return readable(rows, _workaround, damaged)


def find_workaround(db: Db, wid: str) -> WorkaroundRow | None:
    """A workaround of any incident."""
    row = db.execute(f"SELECT {_WA_COLUMNS} FROM workarounds WHERE id = ?", (wid,)).fetchone()
    return None if row is None else _workaround(row)
