"""Schema migrations written as code (the SQL ones are in
:mod:`planner.tracking.persistence.store_schema`): each brings the
rows of an older store to what the newer schema holds."""

from __future__ import annotations

import json

from models.events import Voided, event_from_json, event_to_json
from planner.tracking.domain.outline import shape_json
from planner.tracking.persistence.db import Db
from planner.tracking.persistence.tables import snapshot


def add_shapes(db: Db) -> None:
    """Schema 3: the fixed shape of each incident's tasks, kept for outlines (written for the
    incidents already in the store from their rows)."""
    db.execute(
        "CREATE TABLE shapes (incident TEXT PRIMARY KEY REFERENCES incidents (id), data TEXT NOT NULL)"
    )
    for (incident,) in db.execute("SELECT id FROM incidents").fetchall():
        view = snapshot(db, incident, "service, dependency, command, state")  # as schema 2 has them
        assert view is not None, "listed just above"
        db.execute("INSERT INTO shapes (incident, data) VALUES (?, ?)", (incident, shape_json(view)))


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
    A void's target is renumbered with the event it names; every other event's text is unchanged."""
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
            event = event_from_json(text)
            assert isinstance(event, Voided)
            data = event_to_json(event.model_copy(update={"target": numbers.get(event.target, 0)}))
        db.execute(
            "INSERT INTO events (incident, seq, kind, at, actor, data) VALUES (?, ?, ?, ?, ?, ?)",
            (incident, counts[incident], kind, at, actor, data),
        )
    db.execute("DROP TABLE events_v4")
