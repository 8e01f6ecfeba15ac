"""The journal store: SQLite in WAL mode, ``synchronous=FULL``, one ``BEGIN IMMEDIATE``
transaction per action, so an acknowledged action survives a crash of the process or the
machine and two responders can never interleave conflicting writes.

The store also keeps the text of every plan an incident started from (by content hash), so an
incident stays readable when the plan file changes. The schema is versioned; :data:`MIGRATIONS`
brings an older store up to date on open.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from models.events import Event, event_from_json, event_to_json
from planner.errors import PlannerError

DEFAULT_STORE = Path(".planner") / "incidents.db"
"""Relative to the current directory, as the spec says."""
LOCK_WAIT_SECONDS = 10.0
"""How long an action waits for another terminal's transaction before giving up with a message."""

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE plans (hash TEXT PRIMARY KEY, name TEXT NOT NULL, text TEXT NOT NULL, stored TEXT NOT NULL);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        incident TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX events_incident ON events (incident, seq);
    """,
]

T = TypeVar("T")


class StoreError(PlannerError):
    """The store cannot be opened or written (with what to do)."""


def default_store_path() -> Path:
    """``$PLANNER_STORE``, else ``.planner/incidents.db`` under the current directory."""
    env = os.environ.get("PLANNER_STORE")
    return Path(env) if env else DEFAULT_STORE


def plan_hash(text: str) -> str:
    """SHA-256 of a plan's text: the key an incident refers to its plan by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """An open journal store."""

    def __init__(self, path: Path, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = path
        self.lock_wait = lock_wait
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=lock_wait, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the incident store {path}: {exc}") from None
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @property
    def version(self) -> int:
        """Schema version of the store."""
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self.transaction():
            current = self.version
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path} was written by a newer recovery-planner (schema {current}); upgrade"
                )
            for number in range(current, len(MIGRATIONS)):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: the write lock is taken up front, so whatever the
        caller checks inside (a guard) still holds when it writes. Waits (bounded) for another
        writer instead of failing with "database is locked"."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"{self.path}: {exc}") from None
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.path} stayed locked by another terminal for {self.lock_wait:.0f} s; "
                        "try again (nothing was written)"
                    ) from None
                time.sleep(0.05)
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def keep_plan(self, name: str, text: str, stored: str) -> str:
        """Store a plan's text (once per content) and return its hash."""
        digest = plan_hash(text)
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO plans (hash, name, text, stored) VALUES (?, ?, ?, ?)",
                (digest, name, text, stored),
            )
        return digest

    def plan_text(self, digest: str) -> str | None:
        """The text of a stored plan."""
        row = self.db.execute("SELECT text FROM plans WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])

    def append(self, event: Event, db: sqlite3.Connection | None = None) -> Event:
        """Write one event; inside :meth:`transaction` pass its connection, else one is opened.
        Returns the event with its sequence number."""
        if db is None:
            with self.transaction() as conn:
                return self.append(event, conn)
        cursor = db.execute(
            "INSERT INTO events (incident, kind, at, actor, data) VALUES (?, ?, ?, ?, ?)",
            (event.incident, event.kind, event.at.isoformat(), event.actor, event_to_json(event)),
        )
        assert cursor.lastrowid is not None
        return event.model_copy(update={"seq": int(cursor.lastrowid)})

    def act(self, decide: Callable[[list[Event]], list[Event]], incident: str) -> list[Event]:
        """Read an incident's journal and append what ``decide`` returns, in one transaction:
        ``decide`` is where guards run, on a journal nobody else can change meanwhile."""
        with self.transaction() as db:
            journal = self._events(db, incident)
            return [self.append(e, db) for e in decide(journal)]

    def events(self, incident: str) -> list[Event]:
        """An incident's journal, oldest first."""
        return self._events(self.db, incident)

    @staticmethod
    def _events(db: sqlite3.Connection, incident: str) -> list[Event]:
        rows = db.execute("SELECT seq, data FROM events WHERE incident = ? ORDER BY seq", (incident,))
        out = []
        for seq, data in rows:
            event = event_from_json(data)
            out.append(event.model_copy(update={"seq": int(seq)}))
        return out

    def incidents(self) -> list[str]:
        """Every incident id, in the order they started."""
        rows = self.db.execute("SELECT incident, MIN(seq) FROM events GROUP BY incident ORDER BY MIN(seq)")
        return [str(r[0]) for r in rows]

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: ``ok`` for a sound file."""
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])
