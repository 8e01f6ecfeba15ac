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
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote

from planner.errors import PlannerError

DEFAULT_STORE = Path(".planner") / "incidents.db"
"""Relative to the current directory, as docs/design/journal.md#store says."""
LOCK_WAIT_SECONDS = 10.0
"""How long an action waits for another terminal's transaction before giving up with a message."""
URL_SCHEMES = ("postgresql://", "postgres://")
_LIBPQ_KEYWORDS = (
    "host|hostaddr|port|dbname|user|password|passfile|sslmode|sslrootcert|sslcert|sslkey|"
    "connect_timeout|application_name|options|service|target_session_attrs|channel_binding|"
    "gssencmode|require_auth|krbsrvname|sslpassword"
)
_KEYWORD_FORM = re.compile(rf"\s*(?:{_LIBPQ_KEYWORDS})\s*=")
"""libpq's ``key=value`` connection string: it starts with one of libpq's own keywords."""
_KEYWORD_PASSWORD = re.compile(r"((?:^|\s)(?:password|sslpassword)\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)")

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

    def now(self) -> datetime | None:
        """The store's own clock (a server's, read in the open transaction), in UTC; None for a
        store whose clock is this machine's (see :mod:`planner.tracking.persistence.clock`)."""
        ...

    def close(self) -> None: ...


def is_url(text: str | Path) -> bool:
    """True for a store on a PostgreSQL server: a ``postgresql://`` URL (any case of the scheme)
    or libpq's keyword form (``host=db1 dbname=incidents user=alice``), which psycopg takes as it is.

    Examples
    --------
    >>> is_url("POSTGRESQL://db1/inc"), is_url("host=db1 dbname=inc"), is_url("incidents.db")
    (True, True, False)
    """
    if not isinstance(text, str):
        return False
    return text.lower().startswith(URL_SCHEMES) or _KEYWORD_FORM.match(text) is not None


def as_location(given: str | Path, *, named: str = "the store") -> Location:
    """A store named in text or as a path: a server's URL or keyword string stays text (a URL's
    scheme in lower case, as libpq wants it), anything else is a file's path; ``-`` is refused
    (``named`` says where it was given), as a store cannot be standard input or output.

    Examples
    --------
    >>> as_location("-", named="--store")
    Traceback (most recent call last):
    ...
    planner.tracking.persistence.db.StoreError: --store is '-': a store cannot be standard input ...
    """
    if isinstance(given, str) and given.strip() == "-":
        # it used to create an SQLite file named "-" in the current directory
        raise StoreError(
            f"{named} is '-': a store cannot be standard input or output; give an SQLite file's path "
            "(./- for a file named '-') or a postgresql:// URL"
        )
    if not (isinstance(given, str) and is_url(given)):
        return Path(given)
    scheme, sep, rest = given.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep and given.lower().startswith(URL_SCHEMES) else given


def locate(given: str | Path | None, *, named: str = "--store (or PLANNER_STORE)") -> Location:
    """The store ``--store`` names (``named`` in messages), else ``$PLANNER_STORE``, else
    ``.planner/incidents.db`` here."""
    if given:
        return as_location(given, named=named)
    text = os.environ.get("PLANNER_STORE")
    return as_location(text, named="PLANNER_STORE") if text else DEFAULT_STORE


def secrets(location: Location) -> list[str]:
    """Every password written into a store's location: a URL's ``user:password@``, its
    ``?password=`` (or ``sslpassword``) parameter, or libpq's ``password=`` keyword.

    Examples
    --------
    >>> secrets("postgresql://a:pw1@h/db?password=pw2"), secrets("host=h password='p w'")
    (['pw1', 'pw2'], ["'p w'"])
    """
    if not isinstance(location, str):
        return []
    found = [m.group(2) for m in _KEYWORD_PASSWORD.finditer(location) if m.group(2)]
    if "://" in location:
        rest = location.split("://", 1)[1]
        userinfo = rest.split("?", 1)[0].rpartition("@")[0]
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            found += [password, unquote(password)]
        query = rest.partition("?")[2]
        for pair in re.split(r"[&;]", query):
            key, _, value = pair.partition("=")
            if key.strip().lower() in ("password", "sslpassword") and value:
                found.append(value)
                found.append(unquote(value))
    return sorted({s for s in found if s}, key=lambda s: (-len(s), s))


def shown(location: Location) -> str:
    """A store's location for messages and commands: no password is ever printed, in whichever
    form it was given (see :func:`secrets`).

    Examples
    --------
    >>> shown("postgresql://al:pw@db1:5432/inc?sslmode=require&password=pw2")
    'postgresql://al:***@db1:5432/inc?sslmode=require&password=***'
    >>> shown("host=db1 password=pw dbname=inc")
    'host=db1 password=*** dbname=inc'
    """
    if not isinstance(location, str):
        return str(location)
    return scrubbed(location, location)


def scrubbed(message: str, location: Location) -> str:
    """``message`` with every password of ``location`` replaced by ``***`` (for a driver's
    message, which may quote the location)."""
    for secret in secrets(location):
        message = message.replace(secret, "***")
    return message


def same_place(one: Location, other: Location) -> bool:
    """True when both name the same store."""
    if isinstance(one, Path) and isinstance(other, Path):
        return one.resolve() == other.resolve()
    return one == other
