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

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planner.tracking.db import Db, OfflineError, Rows, Step, StoreError, shown
from planner.tracking.schema import LATEST, POSTGRES_SCHEMA

if TYPE_CHECKING:
    import psycopg

CHANNEL = "planner_events"
CONNECT_TIMEOUT = 5
"""Seconds to wait for the server before saying it cannot be reached."""
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


class _Connection:
    """A psycopg connection that runs the store's SQL (see :class:`planner.tracking.db.Db`)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Rows:
        return self.conn.execute(_dialect(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> object:
        with self.conn.cursor() as cursor:
            cursor.executemany(_dialect(sql), rows)
        return None


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection (transactions are begun explicitly), or :class:`OfflineError`."""
    psycopg = driver()
    try:
        conn = psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name="recovery-planner"
        )
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OfflineError(f"cannot reach the incident store {shown(url)}: {first}") from None
    return conn  # type: ignore[no-any-return]


class PostgresBackend:
    """A store in a PostgreSQL database (see the module's text)."""

    def __init__(self, url: str, *, lock_wait: float) -> None:
        self.url = url
        self.where = shown(url)
        self.read_only = False
        self.conn = connect(url)
        self.db: Db = _Connection(self.conn)
        self.conn.execute(f"SET lock_timeout = '{int(lock_wait * 1000)}ms'")

    def version(self) -> int:
        (table,) = self._one("SELECT to_regclass('planner_schema')")
        return 0 if table is None else int(self._one("SELECT version FROM planner_schema")[0])

    def _one(self, sql: str) -> Any:
        return self.conn.execute(sql).fetchone()

    def migrations(self) -> list[tuple[int, Step]]:
        """A new database gets the newest schema at once; later versions will add their steps."""
        return [(LATEST, POSTGRES_SCHEMA)] if self.version() == 0 else []

    def set_version(self, version: int) -> None:
        self.conn.execute("UPDATE planner_schema SET version = %s", (version,))

    def begin_write(self, incident: str | None) -> None:
        self.conn.execute("BEGIN")
        if incident is None:
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WHOLE_STORE_LOCK,))
        else:
            self.conn.execute("SELECT 1 FROM incidents WHERE id = %s FOR UPDATE", (incident,))

    def begin_read(self) -> None:
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if not self.conn.closed:
            self.conn.execute("ROLLBACK")

    def notify(self, incident: str) -> None:
        self.conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, incident))

    def integrity(self) -> str:
        """The server keeps its own files sound; this checks it answers."""
        self.conn.execute("SELECT 1").fetchone()
        return "ok"

    def close(self) -> None:
        self.conn.close()


class Listener:
    """A connection that waits for the store's notifications (one per screen)."""

    def __init__(self, url: str) -> None:
        self.conn = connect(url)
        self.conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> Iterator[str]:
        """The incidents whose journals grew, as they are announced, for ``timeout`` seconds.
        A lost connection raises :class:`OfflineError`."""
        psycopg = driver()
        try:
            for note in self.conn.notifies(timeout=timeout):
                yield note.payload
        except psycopg.OperationalError as exc:
            raise OfflineError(f"lost the incident store: {exc}".strip()) from None

    def close(self) -> None:
        self.conn.close()
