"""Copy incidents between stores (``planner store copy``): from a laptop's SQLite file to the
team's PostgreSQL server and back. Rows are copied as stored, not folded again: the journal
arrives byte for byte (the same numbers, the same text), with the plan it started from and its
live rows, in one transaction on the destination (all of it, or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import UsageError
from planner.suggest import did_you_mean
from planner.tracking.persistence.db import Db
from planner.tracking.persistence.store import Store
from planner.tracking.persistence.store_tables import PLANS
from planner.tracking.persistence.store_tables import TABLES as STORE_TABLES

TABLES: dict[str, tuple[str, str]] = {
    # table: (its columns, the column naming the incident)
    t.name: (t.names, t.incident)
    for t in STORE_TABLES
    if t.incident is not None
}
"""What an incident is made of in a store, in the order it is written (references first)."""


@dataclass(frozen=True)
class Copied:
    """One incident copied."""

    incident: str
    events: int
    tasks: int


def journal_rows(db: Db, incident: str) -> list[tuple[object, ...]]:
    """An incident's journal as stored (number, kind, time, actor, text): what a copy keeps."""
    rows = db.execute(
        "SELECT seq, kind, at, actor, data FROM events WHERE incident = ? ORDER BY seq", (incident,)
    )
    return [tuple(r) for r in rows]


def copy_incidents(source: Store, target: Store, wanted: list[str] | None) -> list[Copied]:
    """Copy ``wanted`` (every incident when None) from ``source`` to ``target``. An incident the
    target already has is refused before anything is written (nothing is overwritten)."""
    known = [r.id for r in source.incident_rows()]
    chosen = known if wanted is None else wanted
    for incident in chosen:
        if incident not in known:
            raise UsageError(f"no incident {incident} in {source.path}{did_you_mean(incident, known)}")
    taken = [i for i in chosen if target.incident(i) is not None]
    if taken:
        raise UsageError(
            f"{target.path} already has {', '.join(taken)}: nothing was copied "
            "(an incident is never overwritten; copy the others with --incident)"
        )
    source.backend.begin_read()
    try:
        rows = {incident: _rows(source.db, incident) for incident in chosen}
        for incident in chosen:
            _check_journal(source.path, incident, rows[incident]["events"])
        plans = {
            incident: source.db.execute(
                "SELECT p.hash, p.name, p.text, p.stored FROM plans p "
                "JOIN incidents i ON i.plan_hash = p.hash WHERE i.id = ?",
                (incident,),
            ).fetchone()
            for incident in chosen
        }
    finally:
        source.backend.commit()
    copied = []
    with target.transaction() as db:
        for incident in chosen:
            db.execute(
                PLANS.insert(" ON CONFLICT DO NOTHING"),
                tuple(plans[incident]),
            )
            for table, (columns, _) in TABLES.items():
                marks = ", ".join("?" * len(columns.split(", ")))
                db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[incident][table])
            target.backend.notify(incident)
            copied.append(Copied(incident, len(rows[incident]["events"]), len(rows[incident]["tasks"])))
    return copied


def _check_journal(where: str, incident: str, events: list[tuple[object, ...]]) -> None:
    """Refuse to copy a journal that is not what the planner wrote: every event must read back,
    belong to its incident and be numbered 1..n (a damaged store is not spread to another)."""
    from pydantic import ValidationError

    from models.events import event_from_json

    for number, (_, seq, kind, _at, _actor, data) in enumerate(events, start=1):
        if seq != number:
            raise UsageError(
                f"{where}: the journal of {incident} skips from #{number - 1} to #{seq}: not copied"
            )
        try:
            event = event_from_json(str(data))
        except ValidationError as exc:
            first = exc.errors()[0]["msg"] if exc.errors() else str(exc)
            raise UsageError(
                f"{where}: event #{seq} of {incident} cannot be read ({first}): not copied"
            ) from None
        if event.incident != incident or event.kind != kind:
            raise UsageError(
                f"{where}: event #{seq} of {incident} says it is {event.kind} of {event.incident}"
            )


def _rows(db: Db, incident: str) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [tuple(r) for r in db.execute(f"SELECT {columns} FROM {table} WHERE {key} = ?", (incident,))]
        for table, (columns, key) in TABLES.items()
    }
