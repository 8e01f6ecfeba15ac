"""Damaged and hostile stores: one event that cannot be read (bad JSON, an unknown kind, a bad
time, invalid UTF-8, deep nesting...) or a garbage value in an incident's row never makes a reader
crash. The reader says which event or row it is (incident, #seq, why, on one line) and works on
the rest; a gap in a journal's numbering is said on every read of the journal.

Each case damages one thing of a store holding two incidents (INC-1 with a short history, and a
healthy drill) and runs the readers and an action through the CLI, on both backends."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from planner.cli import main
from planner.tracking.persistence.store import Store
from tests.conftest import EXAMPLES, Result

ENTERPRISE = EXAMPLES / "enterprise.yaml"
SMALL = EXAMPLES / "small.yaml"

NOTE = 3
RESTORED = 5
"""Event numbers in INC-1's journal (see :func:`_history`)."""
UNREAD = f"INC-1 #{NOTE} cannot be read"
ROW = "INC-1: its row in the store is damaged"


def _history(run_cli, where: str) -> None:  # type: ignore[no-untyped-def]
    """INC-1: started, storage-cluster begun (#2), a note (#3), verified (#4), restored (#5), a
    note (#6), a bypass (#7); and a healthy drill on the small plan (DRILL-2)."""
    start = ["incident", "start", ENTERPRISE, "--scenario", "storage-outage", "--at", "30m ago"]
    assert run_cli(*start, "--store", where).code == 0
    for args in (
        ["begin", "INC-1", "storage-cluster"],
        ["note", "INC-1", "vendor on the phone"],
        ["verify", "INC-1", "storage-cluster"],
        ["restored", "INC-1", "storage-cluster"],
        ["note", "INC-1", "next: the databases"],
        ["bypass", "INC-1", "db-primary", "storage-cluster", "--reason", "vendor says it holds"],
    ):
        result = run_cli("incident", *args, "--store", where, "--as", "bob", "--at", "10m ago")
        assert result.code == 0, result.err
    assert run_cli("incident", "start", SMALL, "--exercise", "--store", where).code == 0


def _event_data(where: str, seq: int) -> dict[str, object]:
    with Store(where) as store:
        query = "SELECT data FROM events WHERE incident = 'INC-1' AND seq = ?"
        (data,) = store.db.execute(query, (seq,)).fetchone()
    return dict(json.loads(data))


def _set_event(where: str, seq: int, data: object, kind: str | None = None) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    with Store(where) as store, store.transaction() as db:
        db.execute("UPDATE events SET data = ? WHERE incident = 'INC-1' AND seq = ?", (text, seq))
        if kind is not None:
            db.execute("UPDATE events SET kind = ? WHERE incident = 'INC-1' AND seq = ?", (kind, seq))


def _edit_event(seq: int, **changes: object) -> Callable[[str], None]:
    def damage(where: str) -> None:
        _set_event(where, seq, {**_event_data(where, seq), **changes})

    return damage


def _raw_event(seq: int, text: str) -> Callable[[str], None]:
    return lambda where: _set_event(where, seq, text)


def _set_incident(column: str, value: object) -> Callable[[str], None]:
    def damage(where: str) -> None:
        with Store(where) as store, store.transaction() as db:
            db.execute(f"UPDATE incidents SET {column} = ? WHERE id = 'INC-1'", (value,))

    return damage


def _set_row(table: str, column: str, value: object) -> Callable[[str], None]:
    def damage(where: str) -> None:
        with Store(where) as store, store.transaction() as db:
            db.execute(f"UPDATE {table} SET {column} = ? WHERE incident = 'INC-1'", (value,))

    return damage


def _set_one_task(column: str, value: object) -> Callable[[str], None]:
    """One task's ``column`` (the others' stay as written: a status sorts them around it)."""

    def damage(where: str) -> None:
        with Store(where) as store, store.transaction() as db:
            db.execute(
                f"UPDATE tasks SET {column} = ? WHERE incident = 'INC-1' AND service = 'db-primary'", (value,)
            )

    return damage


def _gap(where: str) -> None:
    with Store(where) as store, store.transaction() as db:
        db.execute("DELETE FROM events WHERE incident = 'INC-1' AND seq = ?", (NOTE,))


def _deeply_nested(where: str) -> None:
    data = json.dumps({**_event_data(where, NOTE), "text": "@"})
    _set_event(where, NOTE, data.replace('"@"', "[" * 100_000 + "]" * 100_000))


def _invalid_utf8(where: str) -> None:
    conn = sqlite3.connect(where)
    with conn:
        conn.execute(
            "UPDATE events SET data = CAST(? AS TEXT) WHERE incident = 'INC-1' AND seq = ?",
            (b'{"kind": "note", "text": "\xff\xfe"}', NOTE),
        )
    conn.close()


@dataclass(frozen=True)
class Case:
    damage: Callable[[str], None]
    said: str
    """What every reader of INC-1's journal says about it (on standard error)."""
    row: bool = False
    """The incident's row is damaged (not its journal): INC-1 cannot be shown."""
    refused: bool = True
    """With ``row``: actions are refused too (the guards read what is damaged)."""
    sqlite_only: bool = False


CASES = {
    "bad JSON": Case(_raw_event(NOTE, '{"kind": "note", "text": '), UNREAD),
    "empty text": Case(_raw_event(NOTE, ""), UNREAD),
    "JSON null": Case(_raw_event(NOTE, "null"), UNREAD),
    "JSON list": Case(_raw_event(NOTE, "[1, 2]"), UNREAD),
    "unknown kind": Case(_edit_event(NOTE, kind="teleported"), UNREAD),
    "bad time": Case(_edit_event(NOTE, at="yesterday, roughly"), UNREAD),
    "time as a number": Case(_edit_event(NOTE, at=1e300), UNREAD),
    "missing actor": Case(
        lambda w: _set_event(w, NOTE, {k: v for k, v in _event_data(w, NOTE).items() if k != "actor"}),
        UNREAD,
    ),
    "unknown field": Case(_edit_event(NOTE, rm_rf=True), UNREAD),
    "of another incident": Case(_edit_event(NOTE, incident="INC-9"), UNREAD),
    "deep nesting": Case(_deeply_nested, UNREAD),
    "damaged restore": Case(_edit_event(RESTORED, service=["x"]), f"INC-1 #{RESTORED} cannot be read"),
    "damaged start": Case(_raw_event(1, "{"), "INC-1 #1 cannot be read"),
    "last event damaged": Case(_raw_event(6, "}"), "INC-1 #6 cannot be read"),
    "a gap in the numbering": Case(_gap, f"the journal of INC-1 skips from #{NOTE - 1} to #{NOTE + 1}"),
    "invalid UTF-8": Case(_invalid_utf8, UNREAD, sqlite_only=True),
    "started garbage": Case(_set_incident("started", "soon"), ROW, row=True),
    "started empty": Case(_set_incident("started", ""), ROW, row=True),
    "roles garbage": Case(_set_incident("roles", "{"), ROW, row=True),
    "roles a list": Case(_set_incident("roles", "[1, 2]"), ROW, row=True),
    "roles not names": Case(_set_incident("roles", '{"incident_commander": {"a": 1}}'), ROW, row=True),
    "detected garbage": Case(_set_incident("detected", "2026-13-45"), ROW, row=True),
    "resolved garbage": Case(_set_incident("resolved", "x"), ROW, row=True),
    "task begun garbage": Case(_set_row("tasks", "begun", "x"), ROW, row=True, refused=False),
    "task state unknown": Case(_set_row("tasks", "state", "exploded"), ROW, row=True, refused=False),
    "task duration text": Case(
        _set_row("tasks", "duration", "long"), ROW, row=True, refused=False, sqlite_only=True
    ),
    "task position text": Case(
        _set_one_task("position", "first"), ROW, row=True, refused=False, sqlite_only=True
    ),
    "workaround applied garbage": Case(_set_row("workarounds", "applied", "x"), ROW, row=True, refused=False),
    "workaround expires garbage": Case(_set_row("workarounds", "expires", "x"), ROW, row=True, refused=False),
    "meta garbage": Case(_set_incident("meta", "[]"), ROW, row=True, refused=False),
}


def _quiet_cli(*args: object) -> Result:
    """``planner ARGS...`` in-process, its output kept (for a module's fixture: no capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two incidents' history in an SQLite store, made once (the CLI runs of
    :func:`_history` were two thirds of each SQLite case's time) and copied into each case's."""
    store = str(tmp_path_factory.mktemp("history") / "incidents.db")
    _history(_quiet_cli, store)
    return store


@pytest.fixture
def damaged(where: str, request: pytest.FixtureRequest) -> tuple[str, Case]:
    case = CASES[request.param]
    if "://" not in where:
        with (
            contextlib.closing(sqlite3.connect(request.getfixturevalue("history"))) as source,
            contextlib.closing(sqlite3.connect(where)) as copy,
        ):
            source.backup(copy)
    elif case.sqlite_only:
        pytest.skip("the server's types refuse it (text not UTF-8, text for a number)")
    else:  # a copy of a database (CREATE DATABASE ... TEMPLATE) costs more than making it again
        _history(_quiet_cli, where)
    case.damage(where)
    return where, case


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert result.code in (0, 2), result.err
    assert "Traceback" not in result.err
    assert "internal error" not in result.err


@pytest.mark.parametrize("damaged", list(CASES), indirect=True)
def test_readers_say_what_is_damaged_and_go_on(run_cli, damaged: tuple[str, Case]) -> None:  # type: ignore[no-untyped-def]
    where, case = damaged
    listed = run_cli("incident", "list", "--store", where)
    assert listed.code == 0, listed.err
    assert "DRILL-2" in listed.out  # the healthy incident is listed
    kpi = run_cli("kpi", "--store", where)
    assert kpi.code == 0, kpi.err
    audit = run_cli("audit", SMALL, "--store", where, "--fail-on", "never")
    assert audit.code == 0, audit.err
    assert run_cli("incident", "status", "DRILL-2", "--store", where).code == 0
    for args in (
        ["incident", "status", "INC-1"],
        ["incident", "status", "INC-1", "--format", "json"],
        ["report", "INC-1"],
        ["report", "INC-1", "--format", "json"],
    ):
        result = run_cli(*args, "--store", where)
        _clean(result)
        assert case.said in result.err, (args, result.err)
        assert len([line for line in result.err.splitlines() if case.said in line]) == 1
        if not case.row:
            assert result.code == 0, result.err
    if case.row and case.refused:  # the list cannot read it either
        assert case.said in listed.err
        assert "INC-1" not in listed.out


@pytest.mark.parametrize("damaged", list(CASES), indirect=True)
def test_an_action_on_a_damaged_incident_is_recorded_or_refused_never_a_crash(  # type: ignore[no-untyped-def]
    run_cli, damaged: tuple[str, Case]
) -> None:
    where, case = damaged
    with Store(where) as store:
        before = store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    note = run_cli("incident", "note", "INC-1", "still here", "--store", where, "--as", "al")
    _clean(note)
    with Store(where) as store:
        after = store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    if case.row and case.refused:  # the rows the guards read are damaged: refused, nothing recorded
        assert note.code == 2
        assert case.said in note.err
        assert "nothing was recorded" in note.err
        assert after == before
    else:  # the guards read the rows, not the journal: the action is recorded
        assert note.code == 0, note.err
        assert after == before + 1
    # a correction folds the whole journal again: never with an event it cannot read
    undo = run_cli("incident", "undo", "INC-1", "--store", where, "--as", "al")
    _clean(undo)
    if not case.row and "cannot be read" in case.said:
        assert undo.code == 2
        assert case.said in undo.err
        assert "nothing was recorded" in undo.err
    assert run_cli("incident", "note", "DRILL-2", "fine", "--store", where).code == 0


def test_a_screen_reads_the_rows_again_rather_than_skip_an_event_it_cannot_read(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from planner.tracking.domain.actions import Begin
    from planner.tracking.session import Session

    where = str(tmp_path / "incidents.db")
    _history(run_cli, where)
    screen, other = Session(where, "INC-1", "al"), Session(where, "INC-1", "bob")
    screen.load()
    other.load()
    other.act(Begin("db-primary"))
    _raw_event(8, "{")(where)  # the begin: recorded in the rows, unreadable in the journal
    screen.fold(screen.fetch())
    assert screen.view().task("db-primary").state == "restoring"  # type: ignore[union-attr]
