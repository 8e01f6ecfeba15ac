"""The journal store's schema, by version. A new store of either kind is created at the newest
version from the tables' one description (:mod:`planner.tracking.persistence.store_tables`);
:data:`MIGRATIONS` brings any older SQLite store up to date (``PRAGMA user_version`` counts the
steps applied), :data:`POSTGRES_STEPS` any older PostgreSQL one (its ``planner_schema`` table holds
the version). A later version changes the description and adds one frozen step to each: its own
SQL, never today's code, since it must do tomorrow what it does today."""

from __future__ import annotations

from planner.tracking.persistence.db import Step
from planner.tracking.persistence.migrations import add_check_evidence, add_shapes, number_per_incident
from planner.tracking.persistence.store_tables import schema_ddl

ADD_FIXED_ROWS = "ALTER TABLE shapes ADD COLUMN rows TEXT"
"""Schema 6, the same on both backends."""

MIGRATIONS: list[Step] = [
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
    # version 2: the live state of each incident, kept beside the journal so that an action reads
    # and writes only the rows it concerns (see planner.tracking.domain.state)
    """
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        scenario TEXT NOT NULL,
        plan_hash TEXT NOT NULL REFERENCES plans (hash),
        plan_name TEXT NOT NULL,
        exercise INTEGER NOT NULL,
        started TEXT NOT NULL,
        detected TEXT,
        roles TEXT NOT NULL,
        state TEXT NOT NULL,
        resolved TEXT,
        last_update TEXT,
        updates INTEGER NOT NULL,
        meta TEXT NOT NULL
    );
    CREATE TABLE tasks (
        incident TEXT NOT NULL REFERENCES incidents (id),
        service TEXT NOT NULL,
        position INTEGER NOT NULL,
        wave INTEGER NOT NULL,
        name TEXT NOT NULL,
        owner TEXT,
        criticality TEXT NOT NULL,
        rto INTEGER,
        duration INTEGER NOT NULL,
        verify TEXT,
        runbook TEXT,
        state TEXT NOT NULL,
        verified INTEGER NOT NULL,
        reopened INTEGER NOT NULL,
        begun TEXT,
        restored TEXT,
        escalations INTEGER NOT NULL,
        PRIMARY KEY (incident, service)
    ) WITHOUT ROWID;
    CREATE TABLE checks (
        incident TEXT NOT NULL REFERENCES incidents (id),
        service TEXT NOT NULL,
        dependency TEXT NOT NULL,
        command TEXT,
        state TEXT NOT NULL,
        PRIMARY KEY (incident, service, dependency)
    ) WITHOUT ROWID;
    CREATE INDEX checks_dependency ON checks (incident, dependency, service);
    CREATE TABLE workarounds (
        id TEXT PRIMARY KEY,
        incident TEXT NOT NULL REFERENCES incidents (id),
        service TEXT NOT NULL,
        dependency TEXT NOT NULL,
        reason TEXT NOT NULL,
        actor TEXT NOT NULL,
        applied TEXT NOT NULL,
        expires TEXT,
        owner TEXT,
        removed TEXT,
        removed_by TEXT
    );
    CREATE INDEX workarounds_incident ON workarounds (incident, id);
    """,
    # version 3: each incident's fixed task shape, so updates read an outline instead of every row
    add_shapes,
    # version 4: what was observed when a check last passed or failed (shown beside the check)
    add_check_evidence,
    # version 5: each incident's journal numbered on its own (see number_per_incident)
    number_per_incident,
    # version 6: the fixed columns of each incident's task and check rows as the start wrote them,
    # so a status reads one record and the rows that changed (see fixed_rows; NULL for incidents
    # started before it: those are read row by row, as before)
    ADD_FIXED_ROWS,
]
LATEST = len(MIGRATIONS)
POSTGRES_BASELINE = 5
"""The first schema PostgreSQL stores had: the oldest one :data:`POSTGRES_STEPS` start from."""

SQLITE_SCHEMA = schema_ddl("sqlite")
"""A new SQLite store, at the newest schema (an older one gets the steps of :data:`MIGRATIONS`
from its version on)."""
POSTGRES_SCHEMA = (
    "CREATE TABLE planner_schema (version INTEGER NOT NULL);\n"
    f"INSERT INTO planner_schema (version) VALUES ({LATEST});\n" + schema_ddl("postgres")
)
"""A new PostgreSQL store, at the newest schema (the same tables as an SQLite store's)."""
POSTGRES_STEPS: dict[int, Step] = {6: ADD_FIXED_ROWS}
"""Each later version's step for a PostgreSQL store (the SQLite one is in :data:`MIGRATIONS`);
a test checks that every version has both."""
