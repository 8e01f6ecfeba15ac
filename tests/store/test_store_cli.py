"""``planner store migrate`` and ``planner store copy``, and what a user sees when a PostgreSQL
store cannot be used (no driver, no server, no such database)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from planner.tracking.persistence.copying import journal_rows
from planner.tracking.persistence.store import Store
from tests.conftest import EXAMPLES

ENTERPRISE = EXAMPLES / "enterprise.yaml"


def _incident_with_history(run_cli, where: str) -> str:  # type: ignore[no-untyped-def]
    """An incident with actions, a workaround and a voided event in the store ``where``."""
    assert (
        run_cli("incident", "start", ENTERPRISE, "--scenario", "storage-outage", "--store", where).code == 0
    )
    for args in (
        ["begin", "INC-1", "storage-cluster"],
        ["note", "INC-1", "vendor on the phone: \u00e9t\u00e9 \u2013 50% done"],
        ["verify", "INC-1", "storage-cluster"],
        ["restored", "INC-1", "storage-cluster"],
        ["note", "INC-1", "typo"],
        ["void", "INC-1", "6", "--reason", "typo"],
    ):
        result = run_cli("incident", *args, "--store", where, "--as", "bob")
        assert result.code == 0, result.err
    return "INC-1"


def test_an_incident_goes_to_the_server_and_back_byte_for_byte(run_cli, tmp_path: Path, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    laptop, back = str(tmp_path / "laptop.db"), str(tmp_path / "back.db")
    incident = _incident_with_history(run_cli, laptop)
    there = run_cli("store", "copy", laptop, pg_url)
    assert there.code == 0, there.err
    assert "copied INC-1: 7 journal events (identical, numbered 1-7)" in there.out
    assert run_cli("store", "copy", pg_url, back).code == 0
    stores = [Store(s) for s in (laptop, pg_url, back)]
    journals = [journal_rows(s.db, incident) for s in stores]
    assert journals[0] == journals[1] == journals[2]
    assert len(journals[0]) == 7
    snapshots = [s.snapshot(incident) for s in stores]
    assert snapshots[0] == snapshots[1] == snapshots[2]
    statuses = [run_cli("incident", "status", incident, "--store", s).out for s in (laptop, pg_url, back)]
    assert statuses[0] == statuses[1] == statuses[2]
    # on the server it is a live incident: the next action follows on
    assert run_cli("incident", "note", incident, "from the server", "--store", pg_url, "--as", "al").code == 0
    assert [e.seq for e in Store(pg_url).events(incident)][-1] == 8


def test_a_copy_never_overwrites(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    _incident_with_history(run_cli, one)
    assert run_cli("incident", "start", ENTERPRISE, "--store", two).code == 0
    before = journal_rows(Store(two).db, "INC-1")
    refused = run_cli("store", "copy", one, two)
    assert refused.code == 2
    assert "already has INC-1: nothing was copied" in refused.err
    assert journal_rows(Store(two).db, "INC-1") == before
    assert run_cli("store", "copy", one, one).code == 2
    mistyped = run_cli("store", "copy", one, str(tmp_path / "three.db"), "--incident", "INC-l")
    assert mistyped.code == 2
    assert "did you mean INC-1" in mistyped.err.replace("'", "")


def test_migrate_prepares_a_new_server_database_and_upgrades_a_file(
    run_cli, tmp_path: Path, pg_url: str
) -> None:  # type: ignore[no-untyped-def]
    from planner.tracking.persistence.store_schema import LATEST, MIGRATIONS

    status = run_cli("incident", "list", "--store", pg_url)
    assert status.code == 2
    assert "no incident store in" in status.err  # a read does not create one
    made = run_cli("store", "migrate", "--store", pg_url)
    assert made.code == 0, made.err
    assert f"schema {LATEST} (the newest is {LATEST}), 0 incidents" in made.out
    old = tmp_path / "old.db"
    db = sqlite3.connect(old, isolation_level=None)
    for statement in str(MIGRATIONS[0]).split(";"):
        db.execute(statement)
    db.execute("PRAGMA user_version=1")
    db.close()
    assert f"schema {LATEST}" in run_cli("store", "migrate", "--store", str(old)).out


def test_without_the_driver_the_error_names_the_extra(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    result = run_cli("incident", "list", "--store", "postgresql://planner@localhost/incidents")
    assert result.code == 2
    assert "pip install 'recovery-planner[postgres]'" in result.err


def test_an_unreachable_server_is_a_clear_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_cli("incident", "list", "--store", f"postgresql://planner:secret@127.0.0.1:{port}/x")
    assert result.code == 2
    assert f"cannot reach the incident store postgresql://planner:***@127.0.0.1:{port}/x" in result.err
    assert "secret" not in result.err


def test_a_damaged_journal_is_not_copied(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source, target = str(tmp_path / "one.db"), tmp_path / "two.db"
    _incident_with_history(run_cli, source)
    db = sqlite3.connect(source, isolation_level=None)
    db.execute("UPDATE events SET data = '{\"kind\": \"note\"' WHERE incident = 'INC-1' AND seq = 3")
    db.close()
    refused = run_cli("store", "copy", source, str(target))
    assert refused.code == 2
    assert "event #3 of INC-1 cannot be read" in refused.err
    assert Store(str(target)).incident_rows() == []  # nothing was copied


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://planner:s3cret@[::1",
        "postgresql://planner:s3cret@127.0.0.1:99999/x",
        "postgresql://planner:s3cret@127.0.0.1:5432/x?sslmode=bogus",
        "postgresql://planner:s3cret@host:port/x",
        "postgres://",
    ],
)
def test_a_strange_url_is_a_clear_error_that_keeps_the_password(run_cli, url: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("incident", "list", "--store", url)
    assert result.code == 2, result.err
    assert result.err.startswith("error: ")
    assert "s3cret" not in result.err + result.out
