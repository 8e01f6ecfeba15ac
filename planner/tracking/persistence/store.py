"""The journal store: an append-only journal of events per incident, numbered 1, 2, 3... within
the incident, and beside it each incident's live rows, both written in one transaction per action
with the action's guard inside, so an acknowledged action survives a crash and two responders can
never both apply conflicting actions. The database is a :class:`~planner.tracking.persistence.db.Backend`: an
SQLite file (the default) or a PostgreSQL server; nothing here knows which.

The store also keeps the text of every plan an incident started from (by content hash), so an
incident stays readable when the plan file changes. The schema is versioned
(:mod:`planner.tracking.persistence.store_schema`) and brought up to date on open.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from models.events import Event, Voided, event_to_json
from planner.errors import UsageError
from planner.suggest import did_you_mean
from planner.tracking.domain.fold import apply
from planner.tracking.domain.state import IncidentRow, MemoryView, WorkaroundRow
from planner.tracking.persistence.backends import open_backend
from planner.tracking.persistence.damage import decode, refuse_fold, when
from planner.tracking.persistence.db import (
    LOCK_WAIT_SECONDS,
    Backend,
    Db,
    Location,
    StoreError,
    as_location,
)
from planner.tracking.persistence.store_schema import LATEST
from planner.tracking.persistence.tables import (
    SqlView,
    find_workaround,
    incident_row,
    incident_rows,
    insert_incident,
    open_workaround_rows,
    read_outline,
    snapshot,
)

if TYPE_CHECKING:
    from planner.engine.workarounds import OpenWorkaround
    from planner.tracking.domain.outline import Outline

__all__ = ["PlanHistory", "Store", "StoreError", "plan_hash"]

T = TypeVar("T")


@dataclass
class PlanHistory:
    """A plan's tracked history, as the audit reads it; also a ``WorkaroundSource``."""

    workarounds: list[OpenWorkaround]
    drills: list[date]
    reviews: tuple[int, int]
    """(resolved incidents whose review was held, resolved incidents)."""

    def open_workarounds(self) -> list[OpenWorkaround]:
        """Workarounds its incidents left open."""
        return self.workarounds


def plan_hash(text: str) -> str:
    """SHA-256 of a plan's text: the key an incident refers to its plan by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """An open journal store."""

    def __init__(
        self,
        where: Location,
        *,
        lock_wait: float = LOCK_WAIT_SECONDS,
        create: bool = True,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        """Open the store at ``where``: an SQLite file's path or a ``postgresql://`` URL (see
        :mod:`planner.tracking.persistence.db`). A missing file is created only with ``create`` (a read of a
        mistyped path must not answer from a new, empty store). A store the user may not write
        (an archived incident) is opened read-only: reads work, writes say why they cannot.

        What a read finds damaged and leaves out (see :mod:`planner.tracking.persistence.damage`) is said
        once to ``warn``, and kept in :attr:`warnings`."""
        self.warnings: list[str] = []
        """What the reads so far found damaged, once each."""
        self._warn = warn
        self.skipped: dict[str, int] = {}
        """Per incident, the newest event a read found unreadable and left out."""
        self.backend: Backend = open_backend(as_location(where), create=create, lock_wait=lock_wait)
        self.path = self.backend.where
        """Where the store is, for messages (a URL without its password)."""
        self.read_only = self.backend.read_only
        self.db: Db = self.backend.db
        try:
            self._migrate()
        except Exception as exc:
            self.backend.close()
            foreign = self.backend.not_a_store(exc)
            if foreign is None:
                raise
            raise foreign from None
        except BaseException:
            self.backend.close()
            raise

    def close(self) -> None:
        """Close the connection."""
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        """Schema version of the store."""
        return self.backend.version()

    def _migrate(self) -> None:
        """Bring the schema up to date. A current store is only read (no write lock): every
        read and every screen's poll opens a store, and none of them may queue behind a writer."""
        if self._current():
            return
        if self.read_only:
            raise StoreError(
                f"{self.path} is read-only and from an older planner: copy it somewhere writable"
            )
        with self.transaction():
            if self._current():  # another process migrated it while we waited for the lock
                return
            for version, step in self.backend.migrations():
                if callable(step):
                    step(self.db)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                self.backend.set_version(version)

    def _current(self) -> bool:
        """True when the schema is the newest; a store from a newer planner is refused."""
        current = self.version
        if current > LATEST:
            raise StoreError(
                f"{self.path} was written by a newer recovery-planner (schema {current}); upgrade"
            )
        return current == LATEST

    @contextmanager
    def transaction(self, incident: str | None = None) -> Iterator[Db]:
        """One write transaction, its locks taken up front (``incident``'s rows, or the whole
        store when None), so whatever the caller checks inside (a guard) still holds when it
        writes. Waits (bounded) for another writer instead of failing."""
        if self.read_only:
            raise StoreError(f"{self.path} is read-only (an archived store?): nothing can be recorded in it")
        self.backend.begin_write(incident)
        try:
            yield self.db
            self.backend.commit()  # a commit that fails (a full disk) is rolled back too
        except BaseException:
            self.backend.rollback()
            raise

    def keep_plan(self, name: str, text: str, stored: str) -> str:
        """Store a plan's text (once per content) and return its hash."""
        digest = plan_hash(text)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO plans (hash, name, text, stored) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (digest, name, text, stored),
            )
        return digest

    def plan_text(self, digest: str) -> str | None:
        """The text of a stored plan."""
        row = self.db.execute("SELECT text FROM plans WHERE hash = ?", (digest,)).fetchone()
        return None if row is None else str(row[0])

    def append(self, event: Event, db: Db | None = None) -> Event:
        """Write one event as the next of its incident's journal; inside :meth:`transaction` pass
        its connection, else one is opened. Returns the event with its sequence number."""
        if db is None:
            with self.transaction(event.incident) as conn:
                return self.append(event, conn)
        (seq,) = db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE incident = ?", (event.incident,)
        ).fetchone()
        db.execute(
            "INSERT INTO events (incident, seq, kind, at, actor, data) VALUES (?, ?, ?, ?, ?, ?)",
            (event.incident, seq, event.kind, event.at.isoformat(), event.actor, event_to_json(event)),
        )
        self.backend.notify(event.incident)
        return event.model_copy(update={"seq": int(seq)})

    def act(self, incident: str, decide: Callable[[SqlView], list[Event]]) -> list[Event]:
        """One action, in one transaction: ``decide`` runs the guard on the incident's rows (which
        nobody else can change meanwhile) and returns the events to record, or raises to refuse;
        each event is appended to the journal and applied to the rows before the commit."""
        with self.transaction(incident) as db:
            view = SqlView(db, incident)
            stored = []
            for decided in decide(view):
                event = self.append(decided, db)
                apply(view, event)
                stored.append(event)
            if any(isinstance(e, Voided) for e in stored):
                self._refold(view)
            return stored

    def _refold(self, view: SqlView) -> None:
        """Rewrite an incident's rows from its plan and its journal, voided events left out (a
        void changes the past). The plan is the copy the incident started from."""
        from planner.planfile.loader import load_source  # only a void gets here: the plan models
        from planner.planfile.source import Source
        from planner.tracking.domain.opening import rebuild
        from planner.tracking.domain.recheck import require_still_holds

        row = view.incident()
        text = self.plan_text(row.plan_hash)
        assert text is not None, "an incident keeps its plan"
        plan = load_source(Source(f"<plan of {row.id}>", text, "yaml")).require_valid()
        damaged: list[str] = []
        rows = self.db.execute("SELECT seq, data FROM events WHERE incident = ? ORDER BY seq", (row.id,))
        journal = decode(row.id, rows, damaged.append, after=0)  # inside the transaction: self.db is ``db``
        if damaged:
            raise refuse_fold(row.id, damaged)
        state = require_still_holds(
            lambda: rebuild(plan, journal[:1]), journal
        )  # or refuses: nothing written
        view.put_incident(state.row)
        for task in state.tasks.values():
            view.put_task(task)
        for check in state.check_rows.values():
            view.put_check(check)
        for workaround in state.wa_rows.values():
            view.put_workaround(workaround)

    def start(self, prefix: str, build: Callable[[str], tuple[MemoryView, Event]]) -> Event:
        """Open a new incident: ``build(id)`` gives its initial rows and its first event; the id is
        ``PREFIX-N``, N one more than the incidents the store holds."""
        with self.transaction() as db:
            count = int(db.execute("SELECT COUNT(*) FROM incidents").fetchone()[0])
            number = count + 1
            while db.execute("SELECT 1 FROM incidents WHERE id = ?", (f"{prefix}-{number}",)).fetchone():
                number += 1
            state, started = build(f"{prefix}-{number}")
            insert_incident(db, state)
            return self.append(started, db)

    def snapshot(self, incident: str) -> MemoryView | None:
        """A whole incident's rows (None for an unknown id), read in one consistent transaction."""
        return self._consistent(snapshot, incident)

    def outline(self, incident: str) -> Outline | None:
        """An incident in outline (None for an unknown id), read in one consistent transaction:
        what updates and the projection need, at a fraction of :meth:`snapshot`'s cost."""
        return self._consistent(read_outline, incident)

    def _consistent(self, read: Callable[[Db, str], T], incident: str) -> T:
        """``read`` inside one read transaction, so no other terminal's action lands halfway."""
        self.backend.begin_read()
        try:
            return read(self.db, incident)
        finally:
            self.backend.commit()

    def incident(self, incident: str) -> IncidentRow | None:
        """One incident's row."""
        return incident_row(self.db, incident)

    def require(self, incident: str) -> IncidentRow:
        """One incident's row; an unknown id is a usage error naming the closest one."""
        row = incident_row(self.db, incident)
        if row is None:
            known = [r.id for r in self.incident_rows()]
            raise UsageError(
                f"no incident {incident} in {self.path}{did_you_mean(incident, known)}"
                + ("" if known else " (the store has no incidents: `planner incident start PLAN`)")
            )
        return row

    def incident_rows(self) -> list[IncidentRow]:
        """Every incident, oldest first."""
        return incident_rows(self.db, self.said)

    def find_workaround(self, wid: str) -> WorkaroundRow | None:
        """A workaround of any incident."""
        return find_workaround(self.db, wid)

    def for_plan(self, plan_name: str) -> PlanHistory:
        """What the audit of a plan reads from the store: its incidents' open workarounds,
        its drills, and how many resolved incidents had their review held."""
        rows = [r for r in self.incident_rows() if r.plan_name == plan_name]
        ids = {r.id for r in rows}
        held = self.db.execute("SELECT DISTINCT incident FROM events WHERE kind = 'review_held'")
        reviewed = {str(r[0]) for r in held}
        resolved = [r.id for r in rows if r.resolved is not None]
        return PlanHistory(
            workarounds=[w for w in self.open_workarounds() if w.origin.split()[-1] in ids],
            drills=[r.started.date() for r in rows if r.exercise],
            reviews=(sum(1 for i in resolved if i in reviewed), len(resolved)),
        )

    def open_workarounds(self) -> list[OpenWorkaround]:
        """Workarounds left open by tracked incidents (the audit's ``--store``)."""
        from planner.engine.workarounds import OpenWorkaround  # it loads the plan models: ~55 ms

        return [
            OpenWorkaround(
                id=w.id,
                service=w.service,
                bypasses=w.dependency,
                reason=w.reason,
                owner=w.owner,
                applied_by=w.actor,
                applied=w.applied,
                expires=w.expires,
                origin=f"incident {w.incident}",
            )
            for w in open_workaround_rows(self.db, self.said)
        ]

    def events(self, incident: str, last: int | None = None) -> list[Event]:
        """An incident's journal, oldest first; only its ``last`` events when given (a screen's
        journal pane need not parse a long journal)."""
        if last is None:
            rows = self.db.execute(
                "SELECT seq, data FROM events WHERE incident = ? ORDER BY seq", (incident,)
            )
            return decode(incident, rows, self.said, after=0, skipped=self._skipping(incident))
        rows = self.db.execute(
            "SELECT seq, data FROM events WHERE incident = ? ORDER BY seq DESC LIMIT ?", (incident, last)
        )
        return decode(incident, reversed(list(rows)), self.said, skipped=self._skipping(incident))

    def events_since(self, incident: str, seq: int) -> list[Event]:
        """An incident's events after sequence number ``seq``, oldest first."""
        rows = self.db.execute(
            "SELECT seq, data FROM events WHERE incident = ? AND seq > ? ORDER BY seq", (incident, seq)
        )
        return decode(incident, rows, self.said, after=seq, skipped=self._skipping(incident))

    def _skipping(self, incident: str) -> Callable[[int], None]:
        def skip(seq: int) -> None:
            self.skipped[incident] = max(seq, self.skipped.get(incident, 0))

        return skip

    def said(self, line: str) -> None:
        """Say ``line`` (a damaged event or row left out) once: to the caller's ``warn``, and in
        :attr:`warnings`."""
        if line in self.warnings:
            return
        self.warnings.append(line)
        if self._warn is not None:
            self._warn(line)

    def latest_event(self, incident: str) -> tuple[int, datetime] | None:
        """The number and time of ``incident``'s event dated latest (an unreadable time is
        passed over)."""
        rows = self.db.execute(
            "SELECT seq, at FROM events WHERE incident = ? ORDER BY at DESC, seq DESC LIMIT 5", (incident,)
        )
        for seq, at in rows:
            try:
                return int(seq), when(at)
            except (ValueError, TypeError):
                continue
        return None

    def incidents(self) -> list[str]:
        """Every incident with a journal, in the order their journals began."""
        rows = self.db.execute(
            "SELECT incident FROM events WHERE seq = 1 ORDER BY at, length(incident), incident"
        )
        return [str(r[0]) for r in rows]

    def integrity(self) -> str:
        """``ok`` for a sound store: the database's own check, and every journal numbered 1..n."""
        found = self.backend.integrity()
        if found != "ok":
            return found
        gaps = self.db.execute(
            "SELECT incident, COUNT(*), MAX(seq) FROM events GROUP BY incident HAVING COUNT(*) != MAX(seq)"
        ).fetchall()
        return (
            "ok" if not gaps else f"journal of {gaps[0][0]} has {gaps[0][1]} events numbered to {gaps[0][2]}"
        )
