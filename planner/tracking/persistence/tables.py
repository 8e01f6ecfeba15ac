"""The incident state's rows in the store's tables: :class:`SqlView` reads and writes one row at a
time (what an action needs), :func:`snapshot` reads a whole incident (what a status needs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import itemgetter

from planner.tracking.domain.outline import Outline, Overlay, outline, shape_json
from planner.tracking.domain.state import (
    RESTORED,
    CheckRow,
    CheckState,
    IncidentMeta,
    IncidentRow,
    MemoryView,
    TaskRow,
    TaskState,
    WorkaroundRow,
)
from planner.tracking.persistence.damage import optional, readable, row_field, when
from planner.tracking.persistence.db import Db
from planner.tracking.persistence.fixed_rows import fixed_snapshot, rows_json
from planner.tracking.persistence.store_tables import CHECKS, INCIDENTS, TASKS, WORKAROUNDS

_WA_UPDATE = ", ".join(f"{c.name} = excluded.{c.name}" for c in WORKAROUNDS.columns[1:])


def _meta(incident: str, text: object) -> IncidentMeta:
    return row_field(incident, "meta", text, IncidentMeta.from_json)  # type: ignore[no-any-return]


def _incident(row: tuple[object, ...]) -> IncidentRow:
    return INCIDENTS.read(row, str(row[0]))


def incident_row(db: Db, incident: str) -> IncidentRow | None:
    """One incident's row (a damaged one is :class:`DamagedRowError`)."""
    found = db.execute(f"SELECT {INCIDENTS.fields} FROM incidents WHERE id = ?", (incident,)).fetchone()
    return None if found is None else _incident(found)


def incident_rows(db: Db, damaged: Callable[[str], None] | None = None) -> list[IncidentRow]:
    """Every incident, oldest first; one whose row is damaged is said to ``damaged`` and left
    out (without ``damaged``, :class:`DamagedRowError`)."""
    rows = db.execute(f"SELECT {INCIDENTS.fields} FROM incidents ORDER BY started, length(id), id")
    return readable(rows, _incident, damaged)


def insert_incident(db: Db, state: MemoryView) -> None:
    """Write a new incident's initial rows."""
    r = state.row
    db.execute(INCIDENTS.insert(), INCIDENTS.values(r, meta=state.info.to_json()))
    db.executemany(TASKS.insert(), (TASKS.values(t, incident=r.id) for t in state.tasks.values()))
    db.executemany(CHECKS.insert(), (CHECKS.values(c, incident=r.id) for c in state.check_rows.values()))
    shape = (r.id, shape_json(state), rows_json(state))
    db.execute("INSERT INTO shapes (incident, data, rows) VALUES (?, ?, ?)", shape)


def _head(db: Db, incident: str, column: str) -> tuple[IncidentRow, IncidentMeta, object] | None:
    """An incident's row, its meta and ``column`` of its shape (None when it has no shape)."""
    row = incident_row(db, incident)
    if row is None:
        return None
    meta_text, value = db.execute(
        f"SELECT i.meta, s.{column} FROM incidents i LEFT JOIN shapes s ON s.incident = i.id WHERE i.id = ?",
        (incident,),
    ).fetchone()
    return row, _meta(incident, meta_text), value


def read_outline(db: Db, incident: str) -> Outline | None:
    """An incident in outline: its stored shape, and only the rows that changed since the start."""
    head = _head(db, incident, "data")
    if head is None:
        return None
    row, meta, shape = head
    tasks = [
        (
            r[0],
            row_field(incident, f"state of {r[0]}", r[1], TaskState),
            optional(incident, f"begun of {r[0]}", r[2], when),
            optional(incident, f"restored of {r[0]}", r[3], when),
        )
        for r in db.execute(
            "SELECT service, state, begun, restored FROM tasks WHERE incident = ? AND state != 'down' "
            "ORDER BY position",
            (incident,),
        )
    ]
    checks = [
        (service, dependency, CheckState(state))
        for service, dependency, state in db.execute(
            "SELECT service, dependency, state FROM checks WHERE incident = ? AND state != 'pending'",
            (incident,),
        )
    ]
    was = [
        WORKAROUNDS.read(r, incident)
        for r in db.execute(
            f"SELECT {WORKAROUNDS.fields} FROM workarounds "
            "WHERE incident = ? AND removed IS NULL ORDER BY id",
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
            f"SELECT {TASKS.fields} FROM tasks WHERE incident = ? AND service = ?", (self.id, service)
        ).fetchone()
        return None if row is None else TASKS.read(row, self.id)

    def checks(self, service: str) -> list[CheckRow]:
        rows = self.db.execute(
            f"SELECT {CHECKS.fields} FROM checks WHERE incident = ? AND service = ? ORDER BY dependency",
            (self.id, service),
        )
        return [CHECKS.read(r, self.id) for r in rows]

    def dependents(self, service: str) -> list[CheckRow]:
        rows = self.db.execute(
            f"SELECT {CHECKS.fields} FROM checks WHERE incident = ? AND dependency = ? ORDER BY service",
            (self.id, service),
        )
        return [CHECKS.read(r, self.id) for r in rows]

    def workaround(self, wid: str) -> WorkaroundRow | None:
        row = self.db.execute(
            f"SELECT {WORKAROUNDS.fields} FROM workarounds WHERE id = ? AND incident = ?", (wid, self.id)
        ).fetchone()
        return None if row is None else WORKAROUNDS.read(row, self.id)

    def workarounds(self) -> list[WorkaroundRow]:
        rows = self.db.execute(
            f"SELECT {WORKAROUNDS.fields} FROM workarounds WHERE incident = ? ORDER BY id", (self.id,)
        )
        return [WORKAROUNDS.read(r, self.id) for r in rows]

    def put_incident(self, row: IncidentRow) -> None:
        self.db.execute(INCIDENTS.update(), INCIDENTS.changed(row, meta=None))

    def put_task(self, row: TaskRow) -> None:
        self.db.execute(TASKS.update(), TASKS.changed(row, incident=self.id))

    def put_check(self, row: CheckRow) -> None:
        self.db.execute(CHECKS.update(), CHECKS.changed(row, incident=self.id))

    def put_workaround(self, row: WorkaroundRow) -> None:
        self.db.execute(
            WORKAROUNDS.insert(f" ON CONFLICT (id) DO UPDATE SET {_WA_UPDATE}"), WORKAROUNDS.values(row)
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


def snapshot(db: Db, incident: str) -> MemoryView | None:
    """A whole incident's rows, read in one go: from the start's record of their fixed columns
    and the rows that changed since (:mod:`~planner.tracking.persistence.fixed_rows`), else row
    by row."""
    return _snapshot(db, incident, quick=True)


def every_row(db: Db, incident: str) -> MemoryView | None:
    """:func:`snapshot` read row by row (what it does when the start's record cannot be used)."""
    return _snapshot(db, incident, quick=False)


def _snapshot(db: Db, incident: str, *, quick: bool) -> MemoryView | None:
    head = _head(db, incident, "rows")
    if head is None:
        return None
    row, meta, fixed = head
    was = [
        WORKAROUNDS.read(r, incident)
        for r in db.execute(f"SELECT {WORKAROUNDS.fields} FROM workarounds WHERE incident = ?", (incident,))
    ]
    made = fixed_snapshot(db, row, meta, fixed, was) if quick else None
    if made is not None:
        return made
    tasks = {t.service: t for t in TASKS.read_many(_by_position(db, incident), incident)}
    rows = db.execute(f"SELECT {CHECKS.fields} FROM checks WHERE incident = ?", (incident,))
    checks = {(c.service, c.dependency): c for c in CHECKS.read_many(rows.fetchall(), incident)}
    return MemoryView(row, meta, tasks, checks, {w.id: w for w in was})


def _by_position(db: Db, incident: str) -> list[tuple[object, ...]]:
    """An incident's task rows in wave order. Read in the table's own order and sorted here: an
    ``ORDER BY position`` looks each of 10,000 rows up again through the position index (a
    fifth of the read). Rows of a damaged store whose positions cannot be compared are
    sorted by the database, as before."""
    query = f"SELECT {TASKS.fields} FROM tasks WHERE incident = ?"
    rows: list[tuple[object, ...]] = db.execute(query, (incident,)).fetchall()
    try:
        rows.sort(key=_POSITION)  # stable: equal positions (damage) stay in service order
    except TypeError:
        rows = db.execute(f"{query} ORDER BY position", (incident,)).fetchall()
    return rows


_POSITION = itemgetter(1)
"""A task row's ``position`` (the column after ``service`` in :attr:`TASKS.fields`)."""


def _workaround(row: tuple[object, ...]) -> WorkaroundRow:
    return WORKAROUNDS.read(row, str(row[1]))


def open_workaround_rows(db: Db, damaged: Callable[[str], None] | None = None) -> list[WorkaroundRow]:
    """Workarounds of every incident not removed yet; a damaged one is said to ``damaged`` and
    left out (without ``damaged``, :class:`DamagedRowError`)."""
    rows = db.execute(f"SELECT {WORKAROUNDS.fields} FROM workarounds WHERE removed IS NULL ORDER BY id")
    return readable(rows, _workaround, damaged)


def find_workaround(db: Db, wid: str) -> WorkaroundRow | None:
    """A workaround of any incident."""
    row = db.execute(f"SELECT {WORKAROUNDS.fields} FROM workarounds WHERE id = ?", (wid,)).fetchone()
    return None if row is None else _workaround(row)
