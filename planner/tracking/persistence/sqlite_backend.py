"""The journal store in an SQLite file: WAL mode, ``synchronous=FULL``, one ``BEGIN IMMEDIATE``
transaction per action, so an acknowledged action survives a crash of the process or the machine
and two terminals on one machine can never interleave conflicting writes. Other terminals learn of
new events by polling (SQLite has no notifications)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.tracking.persistence.damage import Garbled
from planner.tracking.persistence.db import Db, Rows, Step, StoreError
from planner.tracking.persistence.store_schema import LATEST, MIGRATIONS, SQLITE_SCHEMA


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; where SQLite cannot share the store's WAL index (a read-only
    folder), the file is read as immutable: nobody can be writing it there."""
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        db.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError:
        db.close()
        db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
    return db


def _writable(path: Path) -> bool:
    """Whether this process may write the store file and its folder (for the WAL files)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _not_a_store(path: Path, exc: Exception) -> StoreError:
    return StoreError(
        f"{path} is not an incident store ({exc}); point --store (or PLANNER_STORE) at the "
        "right file, or at a new one to start afresh"
    )


def holders(path: Path) -> list[str]:
    """Other processes that have ``path`` open (``1234 (sqlite3)``), as far as ``/proc`` tells:
    where a store is locked, who holds it is the first question. Empty where unknown."""
    try:
        target = path.resolve()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if any(Path(os.readlink(fd)) == target for fd in (entry / "fd").iterdir()):
                    found.append(f"{entry.name} ({(entry / 'comm').read_text().strip()})")
            except OSError:  # gone, or not ours to read
                continue
    except OSError:
        return []
    return sorted(found, key=lambda s: int(s.split()[0]))


def translated(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """What an SQLite error on an ordinary fault means to a responder (nothing was written in
    each case: the action's transaction is rolled back); None for any other error."""
    text = str(exc)
    if "full" in text:
        return StoreError(f"{path}: the disk is full: nothing was recorded (free some space and try again)")
    if "locked" in text or "busy" in text:
        held = holders(path)
        by = f" (held by process {', '.join(held)})" if held else ""
        return StoreError(
            f"{path} is locked by another program{by}: nothing was read or written; try again once "
            "it lets go (a new store would split the journal)"
        )
    if "disk I/O error" in text:
        return StoreError(f"{path}: the disk reported an I/O error: nothing was recorded ({text})")
    return None


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return Garbled(raw.decode("utf-8", errors="replace"))


class _Rows:
    """A query's rows; a value that is not UTF-8 (a damaged or hostile store) reads as
    :class:`Garbled` instead of failing the whole query (see :mod:`planner.tracking.persistence.damage`)."""

    def __init__(self, conn: _Connection, sql: str, params: Sequence[Any], cursor: sqlite3.Cursor) -> None:
        self.conn, self.sql, self.params, self.cursor = conn, sql, params, cursor
        self.taken = 0

    def _again(self) -> list[Any]:
        return self.conn.reread(self.sql, self.params)[self.taken :]

    def fetchone(self) -> Any:
        try:
            row = self.cursor.fetchone()
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise (translated(exc, self.conn.path) or exc) from None
            rest = self._again()
            row = rest[0] if rest else None
        self.taken += 1
        return row

    def fetchall(self) -> list[Any]:
        try:
            return self.cursor.fetchall()
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise (translated(exc, self.conn.path) or exc) from None
            return self._again()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class _Connection:
    """The SQLite connection as the store's :class:`Db`: ordinary faults (a full disk, a lock
    another program holds) become the store's errors, with what to do."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows:
        try:
            return _Rows(self, sql, params, self.conn.execute(sql, params))
        except sqlite3.OperationalError as exc:
            raise (translated(exc, self.path) or exc) from None

    def reread(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows of a query again, text that is not UTF-8 read as :class:`Garbled` (the
        default reading fails the whole query on one such value)."""
        self.conn.text_factory = _text
        try:
            return self.conn.execute(sql, params).fetchall()
        finally:
            self.conn.text_factory = str

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object:
        try:
            return self.conn.executemany(sql, rows)
        except sqlite3.OperationalError as exc:
            raise (translated(exc, self.path) or exc) from None


class SqliteBackend:
    """An SQLite store file (see the module's text)."""

    def __init__(self, path: Path, *, create: bool, lock_wait: float) -> None:
        """Open the file; a missing one is created only with ``create`` (a read of a mistyped path
        must not answer from a new, empty store). A file the user may not write (an archived
        incident) is opened read-only: reads work, writes say why they cannot."""
        self.path = path
        self.where = str(path)
        self.lock_wait = lock_wait
        if not create and not path.is_file():
            raise StoreError(
                f"no incident store at {path}: check --store (or PLANNER_STORE); "
                "`planner incident start` creates one"
            )
        self.read_only = path.is_file() and not _writable(path)
        try:
            if self.read_only:
                self.conn = _read_only(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(path, timeout=lock_wait, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the incident store {path}: {exc}") from None
        self.db: Db = _Connection(self.conn, path)
        try:
            if not self.read_only:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.version()
        except StoreError:
            self.conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise _not_a_store(path, exc) from None

    def not_a_store(self, exc: Exception) -> StoreError | None:
        """A database error on opening or migrating: the file is not an incident store (another
        program's database, or not a database at all)."""
        return _not_a_store(self.path, exc) if isinstance(exc, sqlite3.DatabaseError) else None

    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrations(self) -> list[tuple[int, Step]]:
        """A new file gets the newest schema at once; an older store each step after its own."""
        current = self.version()
        if current == 0:
            return [(LATEST, SQLITE_SCHEMA)]
        return [(number + 1, MIGRATIONS[number]) for number in range(current, len(MIGRATIONS))]

    def set_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version={int(version)}")

    def begin_write(self, incident: str | None) -> None:
        """``BEGIN IMMEDIATE``: the file's write lock is taken up front (whichever incident), so
        whatever the caller checks inside (a guard) still holds when it writes. Waits (bounded)
        for another writer instead of failing with "database is locked"."""
        del incident  # SQLite locks the whole file
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise (translated(exc, self.path) or StoreError(f"{self.path}: {exc}")) from None
                if time.monotonic() > deadline:
                    held = holders(self.path)
                    by = f" (held by process {', '.join(held)})" if held else ""
                    raise StoreError(
                        f"{self.path} stayed locked by another terminal for {self.lock_wait:.0f} s{by}; "
                        "try again (nothing was written)"
                    ) from None
                time.sleep(0.05)

    def begin_read(self) -> None:
        self.db.execute("BEGIN")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def notify(self, incident: str) -> None:
        """Nothing to send: screens on an SQLite store poll it."""

    def now(self) -> datetime | None:
        """None: the file is on this machine, and so is the clock every terminal on it reads."""
        return None

    def integrity(self) -> str:
        """``PRAGMA integrity_check``."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self.conn.close()
