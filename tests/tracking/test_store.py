"""The journal store: round trips, atomic actions, crash safety and concurrent writers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.planfile.loader import load_plan
from planner.tracking.domain import actions, comms
from planner.tracking.domain.state import MemoryView
from planner.tracking.persistence.db import locate
from planner.tracking.persistence.starting import open_incident
from planner.tracking.persistence.store import Store, StoreError
from planner.tracking.persistence.store_schema import MIGRATIONS
from tests.conftest import EXAMPLES
from tests.helpers.journal import enterprise_incident, incident_started

AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_schema_is_versioned_and_newer_stores_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    assert Store(path).version == len(MIGRATIONS)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer recovery-planner"):
        Store(path)


def test_opening_a_current_store_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    """Reads and screen polls open a store while another terminal holds the write lock: only a
    store that needs migrating takes the lock on open."""
    path = tmp_path / "s.db"
    with Store(path) as writer:
        writer.db.execute("BEGIN IMMEDIATE")  # another terminal's action, in flight
        with Store(path, lock_wait=0.05) as reader:  # a migration would time out here
            assert reader.incident_rows() == []
        writer.db.execute("COMMIT")


def test_a_store_closes_as_a_context_manager(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.version == len(MIGRATIONS)
    with pytest.raises(sqlite3.ProgrammingError):
        store.db.execute("SELECT 1")


def _storage_outage(store: Store) -> MemoryView:
    """The enterprise example's storage outage, opened in ``store``."""
    loaded = load_plan(EXAMPLES / "enterprise.yaml")
    return open_incident(
        store,
        loaded.plan,
        loaded.source.text,
        scenario="storage-outage",
        failed=None,
        title=None,
        exercise=False,
        actor="ic",
        at=AT,
    )


def test_a_schema_2_store_gets_the_outlines_of_its_incidents(tmp_path: Path) -> None:
    """Opening a store written before outlines existed adds them, from the rows."""
    path = tmp_path / "s.db"
    store = Store(path)
    first = _storage_outage(store)
    store.act(first.row.id, lambda view: actions.Begin("storage-cluster").decide(view, "ic", AT))
    expected = store.outline(first.row.id)
    store.db.execute("DROP TABLE shapes")
    store.db.execute("ALTER TABLE checks DROP COLUMN observed")
    store.db.execute("PRAGMA user_version=2")
    store.close()
    reopened = Store(path)
    assert reopened.version == len(MIGRATIONS)
    assert reopened.outline(first.row.id) == expected


def test_a_schema_3_store_gets_what_each_check_showed_from_its_journal(tmp_path: Path) -> None:
    """Opening a store written before checks kept their evidence fills it from the journal,
    leaving out what was voided."""
    from planner.tracking.domain import corrections

    path = tmp_path / "s.db"
    store = Store(path)
    first = _storage_outage(store)
    incident = first.row.id
    for action in (
        actions.Begin("storage-cluster"),
        actions.Verify("storage-cluster", None),
        actions.Restore("storage-cluster"),
    ):
        store.act(incident, lambda view, a=action: a.decide(view, "ic", AT))
    view = store.snapshot(incident)
    assert view is not None
    dependents = list(view.dependents("storage-cluster"))
    seen, slip = dependents[0], dependents[1]
    store.act(
        incident,
        lambda v: actions.Check(seen.service, "storage-cluster", False, "I/O errors").decide(v, "ic", AT),
    )
    store.act(
        incident,
        lambda v: actions.Check(slip.service, "storage-cluster", False, "wrong one").decide(v, "ic", AT),
    )
    target = store.events(incident)[-1]
    store.act(incident, lambda v: corrections.Void(target, "slip").decide(v, "ic", AT))
    expected = store.snapshot(incident)
    assert expected is not None
    assert expected.check_rows[seen.service, "storage-cluster"].observed == "I/O errors"
    assert expected.check_rows[slip.service, "storage-cluster"].observed is None
    store.db.execute("ALTER TABLE checks DROP COLUMN observed")
    store.db.execute("ALTER TABLE shapes DROP COLUMN rows")  # schema 6's
    store.db.execute("PRAGMA user_version=3")  # schema 5's numbering of a lone incident is the same
    store.close()
    reopened = Store(path)
    assert reopened.version == len(MIGRATIONS)
    assert reopened.snapshot(incident) == expected


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not sqlite at all\n" * 100)
    with pytest.raises(StoreError, match="is not an incident store"):
        Store(path)
    assert path.read_text().startswith("not sqlite"), "the file is left as it was"


def test_another_programs_database_is_a_clear_error(tmp_path: Path) -> None:
    """An SQLite file that opens but whose tables collide with the store's (another program's
    database): the migration fails, and says the file is not an incident store."""
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE plans (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="is not an incident store"):
        Store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 0  # left as it was


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLANNER_STORE", raising=False)
    assert locate(None) == Path(".planner/incidents.db")
    monkeypatch.setenv("PLANNER_STORE", str(tmp_path / "x.db"))
    assert locate(None) == tmp_path / "x.db"


@pytest.mark.parametrize(
    "args",
    [
        ["incident", "list"],
        ["incident", "status", "INC-1"],
        ["kpi"],
        ["report", "INC-1"],
        ["incident", "note", "INC-1", "x"],
    ],
)
def test_a_mistyped_store_is_an_error_not_a_new_empty_store(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main

    missing = tmp_path / "incidnets.db"
    assert main([*args, "--store", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"no incident store at {missing}" in err
    assert "`planner incident start` creates one" in err
    assert not missing.exists()


def test_a_read_only_store_can_be_read_but_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An archived store (a file this user may not write): every read works, and an action
    says why it cannot be recorded. (Tests run as root, who may write anything, so the check of
    the file's permissions is what is replaced here.)"""
    from planner.cli import main
    from planner.tracking.persistence import sqlite_backend as store_module

    path = tmp_path / "s.db"
    incident = enterprise_incident(str(path))
    capsys.readouterr()
    monkeypatch.setattr(store_module, "_writable", lambda _path: False)
    with Store(path) as archived:
        assert archived.read_only
        assert [r.id for r in archived.incident_rows()] == [incident]
        assert archived.snapshot(incident) is not None
        with pytest.raises(StoreError, match="read-only"):
            archived.act(incident, lambda view: comms.AddNote("x").decide(view, "a", datetime.now(UTC)))
    for args in (["incident", "status", incident], ["incident", "list"], ["report", incident], ["kpi"]):
        assert main([*args, "--store", str(path)]) == 0, capsys.readouterr().err
    assert main(["incident", "note", incident, "late note", "--store", str(path), "--as", "a"]) == 2
    assert "read-only" in capsys.readouterr().err


def test_a_schema_4_store_numbers_each_journal_on_its_own(tmp_path: Path) -> None:
    """Schema 4 counted events over the whole store; opening it renumbers each incident's journal
    1..n in the same order, moves a void's target with the event it names, and leaves every
    other event's stored text as it was."""
    from models.events import Note, Voided, event_to_json

    path = tmp_path / "s.db"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:4]:
        if callable(step):
            step(db)
        else:
            for statement in step.split(";"):
                if statement.strip():
                    db.execute(statement)
    db.execute("PRAGMA user_version=4")
    written = [
        incident_started("INC-1"),
        incident_started("INC-2"),
        Note(incident="INC-2", at=AT, actor="b", text="two"),
        Note(incident="INC-1", at=AT, actor="a", text="one"),
        Voided(incident="INC-1", at=AT, actor="a", target=4, what="note", reason="slip"),
    ]
    for event in written:
        db.execute(
            "INSERT INTO events (incident, kind, at, actor, data) VALUES (?, ?, ?, ?, ?)",
            (event.incident, event.kind, event.at.isoformat(), event.actor, event_to_json(event)),
        )
    db.close()
    store = Store(path)
    assert store.version == len(MIGRATIONS)
    one, two = store.events("INC-1"), store.events("INC-2")
    assert [(e.seq, e.kind) for e in one] == [(1, "incident_started"), (2, "note"), (3, "voided")]
    assert [(e.seq, e.kind) for e in two] == [(1, "incident_started"), (2, "note")]
    assert isinstance(one[2], Voided)
    assert one[2].target == 2  # the note it voided, renumbered with it
    texts = dict(store.db.execute("SELECT incident || ':' || seq, data FROM events").fetchall())
    assert texts["INC-2:2"] == event_to_json(written[2])
    assert texts["INC-1:2"] == event_to_json(written[3])
    assert store.integrity() == "ok"
