"""Schema migrations written as code (the SQL ones are in
:mod:`planner.tracking.persistence.store_schema`): each brings the
rows of an older store to what the newer schema holds.

Each step is frozen: it reads and writes the tables as they were at its version, with its own SQL
and JSON, and imports nothing of today's rows, events or outlines (which change after it)."""

from __future__ import annotations

import json

from planner.tracking.persistence.db import Db


def add_shapes(db: Db) -> None:
    """Schema 3: the fixed shape of each incident's tasks, kept for outlines (written for the
    incidents already in the store from their rows, as schema 2 holds them)."""
    db.execute(
        "CREATE TABLE shapes (incident TEXT PRIMARY KEY REFERENCES incidents (id), data TEXT NOT NULL)"
    )
    for (incident,) in db.execute("SELECT id FROM incidents").fetchall():
        tasks = db.execute(
            "SELECT service, name, owner, criticality, rto, duration FROM tasks WHERE incident = ? "
            "ORDER BY position",
            (incident,),
        ).fetchall()
        checks = sorted(
            (service, dependency)
            for service, dependency in db.execute(
                "SELECT service, dependency FROM checks WHERE incident = ?", (incident,)
            )
        )
        index = {t[0]: i for i, t in enumerate(tasks)}
        shape = {
            "services": [t[0] for t in tasks],
            "name": [t[1] for t in tasks],
            "owner": [t[2] for t in tasks],
            "criticality": [t[3] for t in tasks],
            "rto": [t[4] for t in tasks],
            "duration": [t[5] for t in tasks],
            "deps": [[index[d] for s, d in checks if s == t[0]] for t in tasks],
        }
        db.execute(
            "INSERT INTO shapes (incident, data) VALUES (?, ?)",
            (incident, json.dumps(shape, separators=(",", ":"))),
        )


def add_check_evidence(db: Db) -> None:
    """Schema 4: what the responder saw when a check last passed or failed, filled for the
    incidents already in the store from their journals (voided events left out)."""
    db.execute("ALTER TABLE checks ADD COLUMN observed TEXT")
    rows = db.execute(
        "SELECT seq, incident, kind, data FROM events WHERE kind IN ('check_passed', 'check_failed', "
        "'bypassed', 'voided') ORDER BY seq"
    ).fetchall()
    voided = {json.loads(data)["target"] for _, _, kind, data in rows if kind == "voided"}
    for seq, incident, kind, data in rows:
        if kind == "voided" or seq in voided:
            continue
        event = json.loads(data)
        db.execute(
            "UPDATE checks SET observed = ? WHERE incident = ? AND service = ? AND dependency = ?",
            (event.get("observed"), incident, event["service"], event["dependency"]),
        )


def number_per_incident(db: Db) -> None:
    """Schema 5: each incident's journal numbered 1, 2, 3... of its own (it was one count over the
    whole store), keyed by ``(incident, seq)``. An incident then keeps its numbers when it moves to
    another store (``planner store copy``), and two events can never take one place in a journal.
    A void's target is renumbered with the event it names (its JSON rewritten compactly, keys in
    their order, as the planner wrote it); every other event's text is unchanged."""
    db.execute("ALTER TABLE events RENAME TO events_v4")
    db.execute(
        "CREATE TABLE events (incident TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, "
        "at TEXT NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (incident, seq))"
    )
    numbers: dict[int, int] = {}
    counts: dict[str, int] = {}
    rows = db.execute("SELECT seq, incident, kind, at, actor, data FROM events_v4 ORDER BY seq").fetchall()
    for old, incident, kind, at, actor, text in rows:
        data = text
        counts[incident] = counts.get(incident, 0) + 1
        numbers[old] = counts[incident]
        if kind == "voided":
            event = json.loads(text)
            event["target"] = numbers.get(event["target"], 0)
            data = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        db.execute(
            "INSERT INTO events (incident, seq, kind, at, actor, data) VALUES (?, ?, ?, ?, ?, ?)",
            (incident, counts[incident], kind, at, actor, data),
        )
    db.execute("DROP TABLE events_v4")
