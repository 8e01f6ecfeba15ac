"""How ``--store`` text is read: every form of a PostgreSQL server is a server (never a local file
named like one), and no form of a password is ever printed."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from planner.tracking.persistence.db import as_location, is_url, shown

SMALL = Path(__file__).resolve().parents[2] / "examples" / "small.yaml"


def _closed_port() -> int:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("given", "secret"),
    [
        ("postgresql://planner:pw-one@db1/inc", "pw-one"),
        ("postgresql://planner@db1/inc?password=pw-two", "pw-two"),
        ("postgresql://planner@db1/inc?sslmode=require&password=pw%20three", "pw three"),
        ("postgresql://planner@db1/inc?sslpassword=pw-four", "pw-four"),
        ("host=db1 dbname=inc password=pw-five", "pw-five"),
        ("host=db1 password = 'pw six' dbname=inc", "pw six"),
        ("POSTGRESQL://planner:pw-seven@db1/inc", "pw-seven"),
    ],
)
def test_no_form_of_a_password_is_shown(given: str, secret: str) -> None:
    text = shown(as_location(given))
    assert secret not in text
    assert secret.replace(" ", "%20") not in text
    assert "***" in text


@pytest.mark.parametrize(
    "given",
    [
        "host=127.0.0.1 dbname=inc user=postgres",
        "  dbname=inc",
        "POSTGRESQL://planner@127.0.0.1/inc",
        "Postgres://planner@127.0.0.1/inc",
    ],
)
def test_every_form_of_a_server_is_a_server(given: str) -> None:
    assert is_url(given)
    location = as_location(given)
    assert isinstance(location, str)
    assert location.startswith(("host=", "  dbname", "postgresql://", "postgres://"))


@pytest.mark.parametrize("given", ["incidents.db", "host.db", "./hostname=x", "postgresql.db"])
def test_a_file_name_stays_a_file(given: str) -> None:
    assert isinstance(as_location(given), Path)


@pytest.mark.parametrize(
    "form",
    [
        "host=127.0.0.1 port={port} dbname=inc user=planner password=hunter2",
        "POSTGRESQL://planner:hunter2@127.0.0.1:{port}/inc",
        "postgresql://planner@127.0.0.1:{port}/inc?password=hunter2",
    ],
)
def test_a_server_in_any_form_is_reached_never_a_file_and_never_shows_the_password(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    store = form.format(port=_closed_port())
    for args in (["incident", "list"], ["incident", "start", str(SMALL)]):
        result = run_cli(*args, "--store", store)
        assert result.code == 2, result.err
        assert "hunter2" not in result.err + result.out
        assert "***" in result.err
    assert os.listdir(tmp_path) == []  # no SQLite file named like the server


def test_a_store_another_program_locks_says_locked_and_by_whom(tmp_path: Path) -> None:
    import subprocess
    import sys

    from planner.errors import PlannerError
    from planner.tracking.persistence.store import Store

    path = tmp_path / "incidents.db"
    Store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute('CREATE TABLE held (x)')\n"
            "print('held', flush=True); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(PlannerError) as refused:
            Store(path, lock_wait=0.2, create=False)
    finally:
        holder.kill()
        holder.wait()
    said = str(refused.value)
    assert "is locked by another program" in said
    assert f"held by process {holder.pid}" in said
    assert "not an incident store" not in said
    assert "start afresh" not in said


def test_a_full_disk_records_nothing_and_says_so(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    store = str(tmp_path / "incidents.db")
    assert run_cli("incident", "start", str(SMALL), "--store", store).code == 0
    before = sqlite3.connect(store).execute("SELECT COUNT(*), MAX(seq) FROM events").fetchone()
    connect = sqlite3.connect

    def full(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: a full disk
        return conn

    monkeypatch.setattr(sqlite3, "connect", full)
    long_note = "x" * 200_000
    result = run_cli("incident", "note", "INC-1", long_note, "--store", store, "--as", "bob")
    monkeypatch.undo()
    assert result.code == 2, result.err
    assert "the disk is full: nothing was recorded" in result.err
    after = sqlite3.connect(store).execute("SELECT COUNT(*), MAX(seq) FROM events").fetchone()
    assert after == before


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["incident", "start", str(SMALL), "--store", "-"], "--store (or PLANNER_STORE)"),
        (["incident", "list", "--store", "-"], "--store (or PLANNER_STORE)"),
        (["audit", str(SMALL), "--store", "-"], "--store (or PLANNER_STORE)"),
        (["store", "copy", "-", "to.db"], "SRC"),
        (["store", "copy", "from.db", "-"], "DST"),
        (["incident", "list"], "--store (or PLANNER_STORE)"),
    ],
)
def test_a_store_named_dash_is_refused_and_no_file_is_made(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], named: str
) -> None:
    """``-`` is standard input or output everywhere else: as a store it made an SQLite file named
    "-" in the current directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_STORE", "-")
    (tmp_path / "from.db").touch()
    result = run_cli(*args)
    assert result.code == 2, result.err
    (line,) = result.err.strip().splitlines()
    assert line.startswith(f"error: {named} is '-': a store cannot be standard input or output"), line
    assert not (tmp_path / "-").exists()
