"""What the journal store needs of a database, whichever it is: a connection that runs SQL with
``?`` placeholders (:class:`Db`) and a :class:`Backend` that opens, locks and versions it.

Two backends implement it: :mod:`planner.tracking.persistence.sqlite_backend` (a file, one machine: the
default) and :mod:`planner.tracking.persistence.pg_backend` (a PostgreSQL server shared by responders on many
machines). The store, the fold, the guards and the outline know nothing of which one they run on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from planner.errors import PlannerError

DEFAULT_STORE = Path(".planner") / "incidents.db"
"""Relative to the current directory, as the spec says."""
LOCK_WAIT_SECONDS = 10.0
"""How long an action waits for another terminal's transaction before giving up with a message."""
URL_SCHEMES = ("postgresql://", "postgres://")

Location = Path | str
"""Where a store is: a file's path, or a ``postgresql://`` URL (a ``str``)."""


class StoreError(PlannerError):
    """The store cannot be opened or written (with what to do)."""


class OfflineError(StoreError):
    """The store's server cannot be reached: nothing was recorded (the action can be retried)."""


class Rows(Protocol):
    """A query's result rows (tuples)."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """A connection running SQL written for both backends (``?`` placeholders, ``ON CONFLICT``)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Rows: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object: ...


Step = str | Callable[[Db], None]
"""A schema migration: SQL statements separated by ``;``, or a function of the connection."""


class Backend(Protocol):
    """An open database holding a journal store."""

    where: str
    """The file's path or the URL (without its password), for messages."""
    read_only: bool
    db: Db

    def version(self) -> int:
        """The schema version of the store (0: empty)."""
        ...

    def migrations(self) -> list[tuple[int, Step]]:
        """The steps that bring this store to the newest schema, each with the version it makes."""
        ...

    def not_a_store(self, exc: Exception) -> StoreError | None:
        """What to say when opening or migrating failed with ``exc`` because the database is not
        an incident store (None: ``exc`` says enough, or is a bug)."""
        ...

    def set_version(self, version: int) -> None:
        """Record the schema version (inside a write transaction)."""
        ...

    def begin_write(self, incident: str | None) -> None:
        """Start a write transaction; ``incident`` names the incident whose rows it changes (locked
        until the commit), None for the store as a whole (a new incident, a migration)."""
        ...

    def begin_read(self) -> None:
        """Start a read transaction that sees one consistent state of the store."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def notify(self, incident: str) -> None:
        """Tell every screen on ``incident`` that its journal grew (sent at the commit)."""
        ...

    def integrity(self) -> str:
        """The database's own consistency check: ``ok`` for a sound store."""
        ...

    def close(self) -> None: ...


def is_url(text: str | Path) -> bool:
    """True for a ``postgresql://`` URL (the store is on a server)."""
    return isinstance(text, str) and text.startswith(URL_SCHEMES)


def as_location(given: str | Path) -> Location:
    """A store named in text or as a path: a URL stays text, anything else is a file's path."""
    return given if isinstance(given, str) and is_url(given) else Path(given)


def locate(given: str | Path | None) -> Location:
    """The store ``--store`` names, else ``$PLANNER_STORE``, else ``.planner/incidents.db`` here."""
    text = given if given else os.environ.get("PLANNER_STORE")
    return as_location(text) if text else DEFAULT_STORE


def shown(location: Location) -> str:
    """A store's location for messages and commands: a URL's password is never printed."""
    if not isinstance(location, str):
        return str(location)
    try:
        parts = urlsplit(location)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:  # not a URL Python can read: hide whatever could be a password
        return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", location)
    if parts.password is None:
        return location
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def same_place(one: Location, other: Location) -> bool:
    """True when both name the same store."""
    if isinstance(one, Path) and isinstance(other, Path):
        return one.resolve() == other.resolve()
    return one == other
