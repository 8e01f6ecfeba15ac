"""The store's tables come from one description: a new SQLite store, a new PostgreSQL store and an
old SQLite store brought up to date by the frozen migrations all have the same tables and columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from planner.tracking.persistence.store import Store
from planner.tracking.persistence.store_schema import LATEST, MIGRATIONS
from planner.tracking.persistence.store_tables import TABLES

Columns = dict[str, list[tuple[str, str, bool]]]
"""Each table's columns in order: name, type, NOT NULL (a primary key's columns count as such)."""


def _sqlite_columns(path: Path) -> Columns:
    db = sqlite3.connect(path)
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        table: [
            (name, kind.lower(), bool(notnull or pk))
            for _, name, kind, notnull, _, pk in db.execute(f"PRAGMA table_info({table})")
        ]
        for table in sorted(tables)
        if table != "sqlite_sequence"
    }


def _postgres_columns(url: str) -> Columns:
    import psycopg

    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name != 'planner_schema' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    columns: Columns = {}
    for table, name, kind, nullable in rows:
        columns.setdefault(table, []).append((name, kind, nullable == "NO"))
    return columns


def _new_sqlite(tmp_path: Path) -> Columns:
    path = tmp_path / "new.db"
    assert Store(path).version == LATEST
    return _sqlite_columns(path)


def test_a_new_store_has_every_described_table(tmp_path: Path) -> None:
    described = {t.name: [c.name for c in t.columns] for t in TABLES}
    assert {t: [c[0] for c in cols] for t, cols in _new_sqlite(tmp_path).items()} == described


def test_new_sqlite_and_postgresql_stores_have_the_same_tables(tmp_path: Path, pg_url: str) -> None:
    assert Store(pg_url).version == LATEST
    assert _postgres_columns(pg_url) == _new_sqlite(tmp_path)


@pytest.mark.parametrize("version", range(1, LATEST))
def test_an_old_sqlite_store_migrates_to_the_tables_of_a_new_one(tmp_path: Path, version: int) -> None:
    """The frozen steps from any old version end where the description starts a new store."""
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        if callable(step):
            step(db)
        else:
            for statement in step.split(";"):
                if statement.strip():
                    db.execute(statement)
    db.execute(f"PRAGMA user_version={version}")
    db.close()
    assert Store(path).version == LATEST
    assert _sqlite_columns(path) == _new_sqlite(tmp_path)


def test_states_read_back_as_their_closed_sets(where: str) -> None:
    """A row read from either backend holds the enum members the fold writes, not bare text."""
    from datetime import UTC, datetime

    from planner.planfile.loader import load_plan
    from planner.tracking.domain.state import CheckState, IncidentState, TaskState
    from planner.tracking.persistence.starting import open_incident
    from tests.conftest import EXAMPLES

    loaded = load_plan(EXAMPLES / "enterprise.yaml")
    store = Store(where)
    at = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    opened = open_incident(
        store,
        loaded.plan,
        loaded.source.text,
        scenario="storage-outage",
        failed=None,
        title=None,
        exercise=False,
        actor="ic",
        at=at,
    )
    view = store.snapshot(opened.row.id)
    assert view is not None
    assert type(view.row.state) is IncidentState
    assert {type(t.state) for t in view.tasks.values()} == {TaskState}
    assert {type(c.state) for c in view.check_rows.values()} == {CheckState}
    outline = store.outline(opened.row.id)
    assert outline is not None
    assert {type(s) for s in outline.state.values()} == {TaskState}
