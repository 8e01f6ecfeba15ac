"""The journal store on a PostgreSQL server, for responders on many machines.

Conflicts: an action's transaction locks its incident's row (``SELECT ... FOR UPDATE``) before its
guard reads anything, at READ COMMITTED. Two terminals acting on one incident therefore queue: the
second one's guard runs on the rows the first one committed, and refuses (naming what changed)
when the first action made it wrong. This was chosen over SERIALIZABLE, which would abort the
second transaction and need a retry loop around every guard, and is backed by the journal's
primary key ``(incident, seq)``: two events can never take one place in a journal. Actions on
different incidents do not wait for each other; a new incident takes a transaction-level advisory
lock (its id counts the incidents).

Live updates: every action sends ``NOTIFY planner_events, '<incident>'`` inside its transaction
(delivered at the commit); :class:`Listener` waits for them, so screens do not poll the server.

The connection is the ``psycopg`` 3 driver, an optional extra: ``pip install
'recovery-planner[postgres]'``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planner.tracking.persistence.db import Db, OfflineError, Rows, Step, StoreError, scrubbed, shown
from planner.tracking.persistence.pg_deadline import SILENCE, Deadline
from planner.tracking.persistence.store_schema import (
    LATEST,
    POSTGRES_BASELINE,
    POSTGRES_SCHEMA,
    POSTGRES_STEPS,
)

if TYPE_CHECKING:
    import psycopg

CHANNEL = "planner_events"
CONNECT_TIMEOUT = 4
"""Seconds to wait for the server before saying it cannot be reached (a hung server accepts the
connection and never answers: an action on it fails within this). Two seconds, libpq's least,
refused a busy but healthy server (a database being created beside it) as offline."""


def connect_timeout() -> int:
    """:data:`CONNECT_TIMEOUT`, or libpq's own ``PGCONNECT_TIMEOUT`` when it holds a whole number
    of seconds (a slow VPN, a server across an ocean): at least 2, libpq's least. Zero, which
    libpq takes as "wait for ever", and anything that is not a number are not taken: an action
    on a hung server must end."""
    given = os.environ.get("PGCONNECT_TIMEOUT", "").strip()
    return max(2, int(given)) if given.isdigit() and int(given) > 0 else CONNECT_TIMEOUT


LISTEN_CONNECT_TIMEOUT = 2
"""The same for a screen's listener, which retries by itself (and must let the screen quit)."""
HEARTBEAT_DEADLINE = 2.0
"""Seconds a screen's heartbeat waits for the server's answer before showing it offline."""
IDLE_IN_TRANSACTION = 30
"""Seconds a connection may sit idle inside a transaction before the server ends it."""
_WHOLE_STORE_LOCK = 7_151_983_001
"""The advisory lock a new incident or a migration takes (any fixed number of our own)."""


def driver() -> Any:
    """The ``psycopg`` module, or an error naming the extra that installs it."""
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "a postgresql:// store needs the PostgreSQL driver: pip install 'recovery-planner[postgres]'"
        ) from None
    return psycopg


@lru_cache(maxsize=256)
def _dialect(sql: str) -> str:
    """The store's SQL (``?`` placeholders) as psycopg takes it (``%s``)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def translated(exc: Exception, where: str) -> StoreError:
    """A driver error as the store's: what happened, and whether anything was written."""
    errors = driver().errors
    if isinstance(exc, errors.LockNotAvailable):
        return StoreError(
            f"{where}: the incident stayed locked by another terminal's action; try again "
            "(nothing was written)"
        )
    if isinstance(exc, errors.UniqueViolation):
        return StoreError(
            f"{where}: another terminal recorded an event in the same place at the same moment; "
            "nothing was written, try again"
        )
    if isinstance(exc, driver().OperationalError):
        return OfflineError(f"lost the incident store {where}: {_first_line(exc)} (nothing was written)")
    return StoreError(f"{where}: {_first_line(exc)}")


def silent(where: str, seconds: float) -> OfflineError:
    """What a statement cut by its :class:`~planner.tracking.persistence.pg_deadline.Deadline` says."""
    return OfflineError(
        f"the incident store {where} did not answer for {seconds:.0f} s (a hung server?): offline, "
        "nothing was written"
    )


class _Connection:
    """A psycopg connection that runs the store's SQL (see
    :class:`planner.tracking.persistence.db.Db`); a server that stops answering fails a statement
    within :data:`~planner.tracking.persistence.pg_deadline.SILENCE` seconds (more where it waits
    for a lock: :attr:`patience`)."""

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        self.conn = conn
        self.where = where
        self.error = driver().Error
        self.patience = SILENCE

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows:
        with Deadline(self.conn, self.patience) as deadline:
            try:
                return self.conn.execute(_dialect(sql), params)
            except self.error as exc:
                if deadline.fired:
                    raise silent(self.where, self.patience) from None
                raise translated(exc, self.where) from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object:
        with Deadline(self.conn, self.patience) as deadline:
            try:
                with self.conn.cursor() as cursor:
                    cursor.executemany(_dialect(sql), rows)
            except self.error as exc:
                if deadline.fired:
                    raise silent(self.where, self.patience) from None
                raise translated(exc, self.where) from None
        return None


def connect(url: str, timeout: int | None = None) -> psycopg.Connection[Any]:
    """An autocommit connection (transactions are begun explicitly), or :class:`OfflineError`;
    ``timeout`` seconds to wait (:func:`connect_timeout` by default)."""
    psycopg = driver()
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=connect_timeout() if timeout is None else timeout,
            application_name="recovery-planner",
            keepalives=1,  # a server gone without a word is noticed, not waited on for ever
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=2,
        )
    except psycopg.OperationalError as exc:
        first = scrubbed(_first_line(exc), url)
        raise OfflineError(
            f"cannot reach the incident store {shown(url)}: {first} (offline: nothing was recorded)"
        ) from None
    except (psycopg.Error, ValueError) as exc:  # not a URL it can read, and the like
        raise StoreError(f"--store {shown(url)}: {scrubbed(_first_line(exc), url)}") from None
    return conn  # type: ignore[no-any-return]


class PostgresBackend:
    """A store in a PostgreSQL database (see the module's text)."""

    def __init__(self, url: str, *, create: bool, lock_wait: float) -> None:
        """Connect; a database without a store gets one only with ``create`` (a read of a
        mistyped database must not answer from a new, empty store)."""
        self.url = url
        self.where = shown(url)
        self.read_only = False
        self.conn = connect(url)
        self.lock_wait = lock_wait
        self.sql = _Connection(self.conn, self.where)
        self.db: Db = self.sql
        self.db.execute(f"SET lock_timeout = '{int(lock_wait * 1000)}ms'")
        # a planner frozen inside a transaction (Ctrl-Z, a hung laptop) must not hold the
        # incident's lock for ever: the server ends its transaction (nothing of it is recorded)
        self.db.execute(f"SET idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION * 1000}ms'")
        if not create and self.version() == 0:
            self.conn.close()
            raise StoreError(
                f"no incident store in {self.where}: check --store (or PLANNER_STORE); "
                "`planner incident start` (or `planner store migrate`) creates one"
            )

    def version(self) -> int:
        (table,) = self.db.execute("SELECT to_regclass('planner_schema')").fetchone()
        return (
            0 if table is None else int(self.db.execute("SELECT version FROM planner_schema").fetchone()[0])
        )

    def migrations(self) -> list[tuple[int, Step]]:
        """A new database gets the newest schema at once; an older store each later step."""
        current = self.version()
        if current == 0:
            return [(LATEST, POSTGRES_SCHEMA)]
        start = max(current, POSTGRES_BASELINE) + 1
        return [(version, POSTGRES_STEPS[version]) for version in range(start, LATEST + 1)]

    def set_version(self, version: int) -> None:
        self.db.execute("UPDATE planner_schema SET version = ?", (version,))

    def not_a_store(self, exc: Exception) -> StoreError | None:
        """Nothing to add: the connection already says what the server refused."""
        del exc
        return None

    def begin_write(self, incident: str | None) -> None:
        self.db.execute("BEGIN")
        self.sql.patience = SILENCE + self.lock_wait  # waiting for another terminal is not silence
        try:
            if incident is None:
                self.db.execute("SELECT pg_advisory_xact_lock(?)", (_WHOLE_STORE_LOCK,))
            else:
                self.db.execute("SELECT 1 FROM incidents WHERE id = ? FOR UPDATE", (incident,))
        finally:
            self.sql.patience = SILENCE

    def begin_read(self) -> None:
        self.db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def commit(self) -> None:
        """``COMMIT``; a connection lost at that moment leaves the outcome unknown, and says so."""
        psycopg = driver()
        try:
            with Deadline(self.conn) as deadline:
                self.conn.execute("COMMIT")
        except psycopg.Error as exc:
            if not isinstance(exc, psycopg.OperationalError):
                raise translated(exc, self.where) from None
            why = f"no answer for {SILENCE:.0f} s" if deadline.fired else _first_line(exc)
            raise OfflineError(
                f"lost the incident store {self.where} while committing ({why}): the "
                "action may or may not be recorded; look at the journal once the store is back"
            ) from None

    def rollback(self) -> None:
        """Undo the open transaction (nothing to undo on a lost connection: the server did)."""
        if self.conn.closed or self.conn.broken:
            return
        with contextlib.suppress(driver().Error), Deadline(self.conn):
            self.conn.execute("ROLLBACK")

    def notify(self, incident: str) -> None:
        self.db.execute("SELECT pg_notify(?, ?)", (CHANNEL, incident))

    def now(self) -> datetime | None:
        """The server's clock now (``clock_timestamp()``: within the action's transaction, after
        its lock was granted), in UTC."""
        (when,) = self.db.execute("SELECT clock_timestamp()").fetchone()
        return when.astimezone(UTC)  # type: ignore[no-any-return]

    def integrity(self) -> str:
        """The server keeps its own files sound; this checks it answers."""
        self.db.execute("SELECT 1").fetchone()
        return "ok"

    def close(self) -> None:
        self.conn.close()


class Listener:
    """A connection that waits for the store's notifications (one per screen)."""

    def __init__(self, url: str) -> None:
        self.conn = connect(url, timeout=LISTEN_CONNECT_TIMEOUT)
        try:
            with Deadline(self.conn, HEARTBEAT_DEADLINE) as deadline:
                self.conn.execute(f"LISTEN {CHANNEL}")
        except driver().Error as exc:  # lost between connecting and listening
            self.conn.close()
            why = f"no answer for {HEARTBEAT_DEADLINE:.0f} s" if deadline.fired else _first_line(exc)
            raise OfflineError(f"lost the incident store: {why}") from None

    def wait(self, timeout: float) -> Iterator[str]:
        """The incidents whose journals grew, as they are announced, for ``timeout`` seconds.
        A lost connection raises :class:`OfflineError`."""
        psycopg = driver()
        try:
            for note in self.conn.notifies(timeout=timeout):
                yield note.payload
        except psycopg.Error as exc:
            raise OfflineError(f"lost the incident store: {_first_line(exc)}") from None

    def alive(self) -> None:
        """Ask the server whether it is still there (:class:`OfflineError` when not, or when it
        does not answer within :data:`HEARTBEAT_DEADLINE`: a hung server keeps its connections)."""
        try:
            with Deadline(self.conn, HEARTBEAT_DEADLINE) as deadline:
                self.conn.execute("SELECT 1")
        except driver().Error as exc:
            why = (
                f"no answer for {HEARTBEAT_DEADLINE:.0f} s (a hung server?)"
                if deadline.fired
                else _first_line(exc)
            )
            raise OfflineError(f"lost the incident store: {why}") from None

    def close(self) -> None:
        self.conn.close()
