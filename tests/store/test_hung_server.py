"""A PostgreSQL server that hangs (SIGSTOP: its connections stay up, the kernel still acknowledges
every packet, nothing ever answers): a screen's heartbeat shows it offline, and an action on it
fails within the bound (:data:`planner.tracking.persistence.pg_deadline.SILENCE`, the connect timeout) saying
it is offline and nothing was recorded. The server here is the test server, stopped for real."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.tracking.domain.actions import Begin
from planner.tracking.persistence.db import OfflineError
from planner.tracking.persistence.store import Store
from planner.tracking.persistence.watching import Watch
from planner.tracking.session import Session
from tests.conftest import EXAMPLES

ENTERPRISE = EXAMPLES / "enterprise.yaml"
PATIENCE = 60
"""How long a test waits for what must come within seconds, before calling it a hang."""


@contextmanager
def stopped(pid: int) -> Iterator[None]:
    """Process ``pid`` stopped (SIGSTOP) for the block, continued after it whatever happens."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@pytest.fixture(autouse=True)
def _the_planners_own_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound tested here is the planner's own (scripts/test gives other tests a longer one)."""
    monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)


def _backend(url: str, query_like: str) -> int:
    """The server process serving the planner connection whose last query is like ``query_like``."""
    with Store(url) as store:
        row = store.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'recovery-planner' "
            "AND query LIKE ? AND pid != pg_backend_pid()",
            (query_like,),
        ).fetchone()
    assert row is not None, f"no planner connection running {query_like}"
    return int(row[0])


def _postmaster(url: str) -> int:
    with Store(url) as store:  # its backend ends with the connection: read its parent meanwhile
        (backend,) = store.db.execute("SELECT pg_backend_pid()").fetchone()
        status = Path(f"/proc/{backend}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def _start(run_cli, url: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("incident", "start", ENTERPRISE, "--scenario", "storage-outage", "--store", url)
    assert result.code == 0, result.err


def test_a_hung_server_is_shown_offline_by_the_heartbeat(run_cli, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(run_cli, pg_url)
    listening, offline, done = threading.Event(), threading.Event(), threading.Event()
    said: list[str | None] = []

    def status(why: str | None) -> None:
        said.append(why)
        if why is not None:
            offline.set()

    watch = Watch(pg_url, "INC-1", news=listening.set, status=status, stopped=done.is_set)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()
    try:
        assert listening.wait(PATIENCE)
        with stopped(_backend(pg_url, "LISTEN%")):
            assert offline.wait(PATIENCE), "a hung server was never shown offline"
    finally:
        done.set()
        thread.join(PATIENCE)
    assert not thread.is_alive()
    assert any(why and "no answer for" in why for why in said), said


def test_an_action_on_a_server_that_hangs_midway_fails_saying_offline(run_cli, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(run_cli, pg_url)
    store = Store(pg_url)
    outcome: list[BaseException | None] = []

    def act() -> None:
        try:
            store.act("INC-1", lambda view: Begin("storage-cluster").decide(view, "al", datetime.now(UTC)))
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - what the test is looking for
            outcome.append(exc)

    (mine,) = store.db.execute("SELECT pg_backend_pid()").fetchone()
    try:
        with stopped(int(mine)):
            thread = threading.Thread(target=act, daemon=True)
            thread.start()
            thread.join(PATIENCE)
            assert not thread.is_alive(), "the action hung with the server"
    finally:
        store.close()
    (failed,) = outcome
    assert isinstance(failed, OfflineError)
    assert "did not answer" in str(failed)
    assert "nothing was written" in str(failed)
    with Store(pg_url) as store:
        assert len(store.events("INC-1")) == 1


def test_an_action_on_a_hung_server_fails_saying_offline_nothing_recorded(run_cli, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(run_cli, pg_url)
    session = Session(pg_url, "INC-1", "al")
    session.load()
    with stopped(_postmaster(pg_url)):
        result = run_cli("incident", "note", "INC-1", "anyone?", "--store", pg_url, "--as", "al")
        with pytest.raises(OfflineError, match="offline: nothing was recorded"):
            session.act(Begin("storage-cluster"))
    assert result.code == 2, result.err
    assert "offline: nothing was recorded" in result.err
    with Store(pg_url) as store:
        assert len(store.events("INC-1")) == 1
