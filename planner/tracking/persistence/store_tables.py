"""The store's tables, described once: a new store's SQLite and PostgreSQL DDL, the columns a
copy moves, and how a row object (``TaskRow``, ``CheckRow``...) becomes a row and back all come
from :data:`TABLES`. A new field on a task is one :class:`Column` here, one field on the row class,
and a migration step per backend for the stores that exist already."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from planner.tracking.domain.state import (
    CheckRow,
    CheckState,
    IncidentRow,
    IncidentState,
    TaskRow,
    TaskState,
    WorkaroundRow,
)
from planner.tracking.persistence.damage import names, row_field, when

Kind = Literal["text", "int", "bool", "time", "json"]
"""What a column holds: text and numbers as they are, a flag as 0/1, a time as ISO text, a JSON
value as its text."""
Dialect = Literal["sqlite", "postgres"]
R = TypeVar("R")


def _dump(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "bool":
        return int(value)
    if kind == "time":
        return value.isoformat()
    if kind == "json":
        return json.dumps(value)
    return value


def _json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@dataclass(frozen=True)
class Column:
    """One column: its name (the row object's field of the same name, unless ``field`` is False:
    then the caller passes its value, e.g. the incident a task belongs to)."""

    name: str
    kind: Kind = "text"
    null: bool = False
    references: str | None = None
    """``table (column)`` it refers to."""
    changes: bool = False
    """Written again after the first insert (an UPDATE sets it)."""
    field: bool = True
    values: type[StrEnum] | None = None
    """The closed set a text column's values come from (read back as its members)."""
    load: Callable[[Any], Any] | None = None
    """How a stored value is read strictly, where its kind alone does not say (a JSON object of
    names, say)."""

    def ddl(self, *, key: bool = False) -> str:
        """Its line in ``CREATE TABLE`` (``key``: the table's one-column primary key)."""
        sql = "INTEGER" if self.kind in ("int", "bool") else "TEXT"
        return (
            f"{self.name} {sql}"
            + (" PRIMARY KEY" if key else "" if self.null else " NOT NULL")
            + (f" REFERENCES {self.references}" if self.references else "")
        )


def _int(value: Any) -> int:
    """A stored integer, strictly (SQLite keeps whatever another program wrote in a column)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def _loader(column: Column) -> Callable[[Any], Any]:
    """How a column's stored value becomes the row object's; a value the planner never writes
    raises (:meth:`Table.read` says which column)."""
    if column.load is not None:
        load = column.load
    elif column.values is not None:
        load = column.values
    else:
        loaders: dict[str, Callable[[Any], Any]] = {"int": _int, "bool": bool, "time": when, "json": _json}
        load = loaders[column.kind]
    return load if not column.null else (lambda value: None if value is None else load(value))


def _plain_int(column: Column) -> bool:
    return column.kind == "int" and column.load is None and column.values is None


def _quick_loader(column: Column) -> Callable[[Any], Any]:
    """:func:`_loader` without the null case (the caller passes None through), a closed set's
    member looked up by its text (what the planner writes; anything else raises KeyError)."""
    if column.load is not None:
        return column.load
    if column.values is not None:
        return {str(m): m for m in column.values}.__getitem__
    loaders: dict[str, Callable[[Any], Any]] = {"bool": bool, "time": when, "json": _json}
    return loaders[column.kind]


_INT = frozenset({int})
_INT_OR_NONE = frozenset({int, type(None)})


@dataclass(frozen=True)
class Table(Generic[R]):
    """One table, and the row class its rows are read into (None: read as plain tuples)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    make: Callable[..., R] | None = None
    indexes: tuple[tuple[str, str], ...] = ()
    """``(name, columns)`` of each index."""
    without_rowid: bool = False
    """SQLite only: the rows live in the primary key's tree."""
    incident: str | None = "incident"
    """The column naming the incident a row belongs to (None: shared by incidents)."""

    @property
    def names(self) -> str:
        """Every column, in order (what a copy selects and inserts)."""
        return ", ".join(c.name for c in self.columns)

    @property
    def fields(self) -> str:
        """The columns the row class holds, in order (what a read selects)."""
        return ", ".join(c.name for c in self.columns if c.field)

    @cached_property
    def _loaders(self) -> tuple[tuple[int, str, Callable[[Any], Any]], ...]:
        """Where a read row needs converting and how, worked out once (a status reads every task
        of a 10,000-service incident); the row class takes the fields in the columns' order."""
        mapped = [c for c in self.columns if c.field]
        assert self.make is not None
        assert is_dataclass(self.make)
        assert [f.name for f in fields(self.make)][: len(mapped)] == [c.name for c in mapped]
        return tuple(
            (i, c.name, _loader(c)) for i, c in enumerate(mapped) if c.values or c.load or c.kind != "text"
        )

    @cached_property
    def _quick(
        self,
    ) -> tuple[tuple[tuple[int, bool], ...], tuple[tuple[int, bool, Callable[[Any], Any]], ...]]:
        """:attr:`_loaders` for rows as the planner writes them: ``(where, may be null)`` of the
        columns of whole numbers (checked, not converted), and ``(where, may be null, how)`` of
        the others, a closed set's member found by its text in a dictionary."""
        mapped = [c for c in self.columns if c.field]
        converted = [mapped[i] for i, _, _ in self._loaders]
        ints = tuple((i, c.null) for i, c in enumerate(mapped) if c in converted and _plain_int(c))
        others = tuple(
            (i, c.null, _quick_loader(c))
            for i, c in enumerate(mapped)
            if c in converted and not _plain_int(c)
        )
        return ints, others

    def read(self, row: Sequence[Any], incident: str) -> R:
        """The row object of ``incident``'s row read with :attr:`fields`; a value the planner
        never writes is :class:`DamagedRowError`, naming the column.

        Rows are read first the quick way (a status reads 40,000 rows of a 10,000-service
        incident: naming each column in case it were damaged took most of the read); a row
        the quick way finds wrong in any way is read again strictly, which names the column."""
        assert self.make is not None, f"{self.name} rows are read as tuples"
        ints, others = self._quick
        values = list(row)
        try:
            for i, null in ints:
                value = values[i]
                if type(value) is not int and not (null and value is None):
                    raise TypeError(value)
            for i, null, load in others:
                value = values[i]
                if value is not None or not null:
                    values[i] = load(value)
            return self.make(*values)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return self._read_strictly(row, incident)

    def read_many(self, rows: Sequence[Sequence[Any]], incident: str) -> list[R]:
        """:meth:`read` of each of ``rows``, column by column: a status reads 42,000 rows of a
        10,000-service incident, and checking and converting a column in one go (and making the
        row objects in one ``map``) costs a third of a loop over each row's columns. Rows that
        are wrong in any way are read again one by one with :meth:`read`, which names the
        first damaged column as before."""
        assert self.make is not None, f"{self.name} rows are read as tuples"
        if not rows:
            return []
        ints, others = self._quick
        columns = list(zip(*rows, strict=True))
        try:
            for i, null in ints:
                if not set(map(type, columns[i])) <= (_INT_OR_NONE if null else _INT):
                    raise TypeError(i)
            for i, null, load in others:
                column = columns[i]
                if null:
                    columns[i] = tuple([None if value is None else load(value) for value in column])
                else:
                    columns[i] = tuple(map(load, column))
            return list(map(self.make, *columns))
        except Exception:  # noqa: BLE001 - whatever it was, row by row meets it in the rows' order
            return [self.read(row, incident) for row in rows]

    def _read_strictly(self, row: Sequence[Any], incident: str) -> R:
        """:meth:`read`, each column converted on its own, for the error that names it."""
        assert self.make is not None
        values = list(row)
        for i, name, load in self._loaders:
            label = name if self.name == "incidents" else f"{name} of {values[0]}"
            values[i] = row_field(incident, label, values[i], load)
        return self.make(*values)

    def values(self, obj: R, **given: Any) -> tuple[Any, ...]:
        """Every column's value of ``obj`` in order, those not on the object from ``given``."""
        return tuple(_dump(c.kind, getattr(obj, c.name)) if c.field else given[c.name] for c in self.columns)

    def insert(self, extra: str = "") -> str:
        """``INSERT`` of every column (``extra``: e.g. an ``ON CONFLICT`` clause)."""
        marks = ",".join("?" * len(self.columns))
        return f"INSERT INTO {self.name} ({self.names}) VALUES ({marks}){extra}"

    def update(self) -> str:
        """``UPDATE`` of the columns that change, by key (values: :meth:`changed`)."""
        sets = ", ".join(f"{c.name} = ?" for c in self.columns if c.changes)
        return f"UPDATE {self.name} SET {sets} WHERE " + " AND ".join(f"{k} = ?" for k in self.key)

    def changed(self, obj: R, **given: Any) -> tuple[Any, ...]:
        """The values :meth:`update` sets, then its key's."""
        values = dict(zip((c.name for c in self.columns), self.values(obj, **given), strict=True))
        return tuple(values[c.name] for c in self.columns if c.changes) + tuple(values[k] for k in self.key)

    def ddl(self, dialect: Dialect) -> str:
        """``CREATE TABLE`` and its indexes."""
        lines = [c.ddl(key=self.key == (c.name,)) for c in self.columns]
        if len(self.key) > 1:
            lines.append(f"PRIMARY KEY ({', '.join(self.key)})")
        tail = " WITHOUT ROWID" if self.without_rowid and dialect == "sqlite" else ""
        body = ",\n".join(f"    {line}" for line in lines)
        return "\n".join(
            [f"CREATE TABLE {self.name} (\n{body}\n){tail};"]
            + [f"CREATE INDEX {name} ON {self.name} ({cols});" for name, cols in self.indexes]
        )


PLANS: Table[tuple[Any, ...]] = Table(
    "plans",
    (Column("hash"), Column("name"), Column("text"), Column("stored")),
    key=("hash",),
    incident=None,
)
INCIDENTS = Table(
    "incidents",
    (
        Column("id"),
        Column("title", changes=True),
        Column("scenario"),
        Column("plan_hash", references="plans (hash)"),
        Column("plan_name"),
        Column("exercise", "bool"),
        Column("started", "time"),
        Column("detected", "time", null=True, changes=True),
        Column("roles", "json", changes=True, load=names),
        Column("state", changes=True, values=IncidentState),
        Column("resolved", "time", null=True, changes=True),
        Column("last_update", "time", null=True, changes=True),
        Column("updates", "int", changes=True),
        Column("meta", field=False),
    ),
    key=("id",),
    make=IncidentRow,
    incident="id",
)
EVENTS: Table[tuple[Any, ...]] = Table(
    "events",
    (Column("incident"), Column("seq", "int"), Column("kind"), Column("at"), Column("actor"), Column("data")),
    key=("incident", "seq"),
    indexes=(("events_kind", "kind"),),
)
TASKS = Table(
    "tasks",
    (
        Column("incident", references="incidents (id)", field=False),
        Column("service"),
        Column("position", "int"),
        Column("wave", "int"),
        Column("name"),
        Column("owner", null=True),
        Column("criticality"),
        Column("rto", "int", null=True),
        Column("duration", "int"),
        Column("verify", null=True),
        Column("runbook", null=True),
        Column("state", changes=True, values=TaskState),
        Column("verified", "bool", changes=True),
        Column("reopened", "int", changes=True),
        Column("begun", "time", null=True, changes=True),
        Column("restored", "time", null=True, changes=True),
        Column("escalations", "int", changes=True),
    ),
    key=("incident", "service"),
    make=TaskRow,
    indexes=(("tasks_position", "incident, position"),),
    without_rowid=True,
)
CHECKS = Table(
    "checks",
    (
        Column("incident", references="incidents (id)", field=False),
        Column("service"),
        Column("dependency"),
        Column("command", null=True),
        Column("state", changes=True, values=CheckState),
        Column("observed", null=True, changes=True),
    ),
    key=("incident", "service", "dependency"),
    make=CheckRow,
    indexes=(("checks_dependency", "incident, dependency, service"),),
    without_rowid=True,
)
WORKAROUNDS = Table(
    "workarounds",
    (
        Column("id"),
        Column("incident", references="incidents (id)"),
        Column("service"),
        Column("dependency"),
        Column("reason"),
        Column("actor"),
        Column("applied", "time"),
        Column("expires", "time", null=True),
        Column("owner", null=True),
        Column("removed", "time", null=True),
        Column("removed_by", null=True),
    ),
    key=("id",),
    make=WorkaroundRow,
    indexes=(("workarounds_incident", "incident, id"),),
)
SHAPES: Table[tuple[Any, ...]] = Table(
    "shapes",
    (Column("incident", references="incidents (id)"), Column("data"), Column("rows", null=True)),
    key=("incident",),
)
TABLES: tuple[Table[Any], ...] = (PLANS, INCIDENTS, EVENTS, TASKS, CHECKS, WORKAROUNDS, SHAPES)
"""Every table, references first (the order a new store creates them and a copy writes them)."""


def schema_ddl(dialect: Dialect) -> str:
    """A new store's tables, at the newest schema."""
    return "\n".join(t.ddl(dialect) for t in TABLES) + "\n"
