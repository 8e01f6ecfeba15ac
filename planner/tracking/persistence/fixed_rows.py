"""An incident's task and check rows read as one record and the rows that changed.

Most of a task row (its service, place, name, owner, RTO, estimate, verify command, runbook) and
of a check row (its service, dependency, command) is written once, at the start, and never again:
only a task's state, flags and times and a check's state and evidence change. The start keeps
those fixed columns as one JSON record (``shapes.rows``, :func:`rows_json`), and
:func:`fixed_snapshot` makes an incident's rows from it and the rows that are no longer as the
start wrote them. A status of a 10,000-service incident reads the 42,000 rows of its tables in a
tenth of a second; the record and the few changed rows cost a third of that.

The tables stay what the planner reads and writes: the record is only trusted while it agrees
with them. An incident without one (started before schema 6), a record that does not parse, a
count of rows that differs from it, a number column holding something else than a whole number
(what a hand-edited or damaged store shows), a changed row whose fixed columns differ from it, or
a changed row that cannot be read: each makes :func:`fixed_snapshot` return None, and the caller
reads every row as before (and says what is damaged, as before).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain, pairwise, repeat
from typing import Any

import orjson

from planner.tracking.domain.state import (
    CheckRow,
    IncidentMeta,
    IncidentRow,
    MemoryView,
    TaskRow,
    WorkaroundRow,
)
from planner.tracking.persistence.damage import DamagedRowError
from planner.tracking.persistence.db import Db
from planner.tracking.persistence.store_tables import CHECKS, TASKS

FIXED = (
    *("service", "position", "wave", "name", "owner"),
    *("criticality", "rto", "duration", "verify", "runbook"),
)
"""A task row's fixed columns, in :class:`TaskRow`'s order (the first ten of its fields)."""

_TYPES: dict[str, frozenset[type]] = {
    "service": frozenset({str}),
    "position": frozenset({int}),
    "wave": frozenset({int}),
    "name": frozenset({str}),
    "owner": frozenset({str, type(None)}),
    "criticality": frozenset({str}),
    "rto": frozenset({int, type(None)}),
    "duration": frozenset({int}),
    "verify": frozenset({str, type(None)}),
    "runbook": frozenset({str, type(None)}),
}

CHANGED_TASKS = (
    f"SELECT {TASKS.fields} FROM tasks WHERE incident = ? AND (state != 'down' OR verified != 0 OR "
    "reopened != 0 OR begun IS NOT NULL OR restored IS NOT NULL OR escalations != 0 OR "
    "position != CAST(position AS INTEGER) OR wave != CAST(wave AS INTEGER) OR "
    "duration != CAST(duration AS INTEGER) OR rto != CAST(rto AS INTEGER))"
)
"""The task rows that are no longer as the start writes them (:class:`TaskRow`'s defaults), and
those holding something else than a whole number in a number column: SQLite keeps what another
program wrote there (PostgreSQL's column types refuse it), and reading such a row is the
:class:`~planner.tracking.persistence.damage.DamagedRowError` that sends the reader to every
row, which names the damage."""
CHANGED_CHECKS = (
    f"SELECT {CHECKS.fields} FROM checks WHERE incident = ? AND (state != 'pending' OR observed IS NOT NULL)"
)
"""The check rows that are no longer as the start writes them (:class:`CheckRow`'s defaults)."""
COUNTS = (
    "SELECT (SELECT count(*) FROM tasks WHERE incident = ?), (SELECT count(*) FROM checks WHERE incident = ?)"
)
"""How many task and check rows the incident has."""


def rows_json(view: MemoryView) -> str:
    """The fixed columns of a new incident's rows, as the store keeps them: each task column as
    a list in wave order, and each task's checks as the places of their dependencies (sorted by
    dependency, as :meth:`MemoryView.checks` gives them) and their commands."""
    tasks = list(view.tasks.values())
    index = {t.service: i for i, t in enumerate(tasks)}
    checks = [view.checks(t.service) for t in tasks]
    record: dict[str, Any] = {name: [getattr(t, name) for t in tasks] for name in FIXED}
    record["deps"] = [[index[c.dependency] for c in cs] for cs in checks]
    record["commands"] = [[c.command for c in cs] for cs in checks]
    return json.dumps(record, separators=(",", ":"))


def fixed_snapshot(
    db: Db, row: IncidentRow, meta: IncidentMeta, text: object, workarounds: list[WorkaroundRow]
) -> MemoryView | None:
    """An incident's rows from its fixed record ``text`` and the rows that changed; None when
    there is no record or it does not agree with the tables (see the module's docstring)."""
    if not isinstance(text, str):
        return None
    try:
        return _view(db, row, meta, orjson.loads(text), workarounds)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, DamagedRowError):
        return None


def _view(
    db: Db, row: IncidentRow, meta: IncidentMeta, record: dict[str, Any], workarounds: list[WorkaroundRow]
) -> MemoryView | None:
    incident = row.id
    columns = [record[name] for name in FIXED]
    services: list[str] = columns[0]
    deps: list[list[int]] = record["deps"]
    commands: list[list[str | None]] = record["commands"]
    count = len(services)
    sizes = list(map(len, deps))
    if (
        any(len(c) != count for c in (*columns, deps, commands))
        or sizes != list(map(len, commands))
        or not all(set(map(type, c)) <= _TYPES[name] for name, c in zip(FIXED, columns, strict=True))
    ):
        return None
    positions: list[int] = columns[1]
    if any(a >= b for a, b in pairwise(positions)):  # the tables' order is by position
        return None
    task_count, check_count = db.execute(COUNTS, (incident, incident)).fetchone()
    if int(task_count) != count or int(check_count) != sum(sizes):
        return None
    made = dict(zip(services, map(TaskRow, *columns), strict=True))
    if len(made) != count:
        return None
    for changed in TASKS.read_many(db.execute(CHANGED_TASKS, (incident,)).fetchall(), incident):
        held = made.get(changed.service)
        if held is None or _fixed(held) != _fixed(changed):
            return None
        made[changed.service] = changed
    owners = list(chain.from_iterable(map(repeat, services, sizes)))
    dependencies = list(map(services.__getitem__, chain.from_iterable(deps)))
    checks = list(map(CheckRow, owners, dependencies, chain.from_iterable(commands)))
    check_rows = dict(zip(zip(owners, dependencies, strict=True), checks, strict=True))
    by_service: dict[str, list[CheckRow]] = {}
    at = 0
    for service, size in zip(services, sizes, strict=True):
        if size:
            by_service[service] = checks[at : at + size]
            at += size
    if len(check_rows) != check_count:  # a dependency twice
        return None
    for moved in CHECKS.read_many(db.execute(CHANGED_CHECKS, (incident,)).fetchall(), incident):
        check = check_rows.get((moved.service, moved.dependency))
        if check is None or check.command != moved.command:
            return None
        check.state, check.observed = moved.state, moved.observed  # the lists hold the same object
    return MemoryView(row, meta, made, check_rows, {w.id: w for w in workarounds}, _by_service=by_service)


def _fixed(task: TaskRow) -> Sequence[object]:
    return tuple(getattr(task, name) for name in FIXED)
