"""Clock skew between responders (see :mod:`planner.tracking.persistence.clock`): on a PostgreSQL store the
server's clock dates every action taken without ``--at``, so a responder whose clock is ten
minutes fast or slow neither blocks the others nor is refused; on an SQLite store an event dated
ahead of the machine's clock is said, with how to record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.tracking.domain.actions import Begin, Restore, Verify
from planner.tracking.domain.guards import RefusedError
from planner.tracking.persistence.clock import Now
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from tests.conftest import EXAMPLES

ENTERPRISE = EXAMPLES / "enterprise.yaml"
SKEW = timedelta(minutes=10)


def _skewed(by: timedelta) -> Now:
    """What a machine whose clock is off by ``by`` reads as now."""
    return Now.fromtimestamp((datetime.now(UTC) + by).timestamp(), UTC)


def _start(run_cli, where: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(
        "incident", "start", ENTERPRISE, "--scenario", "storage-outage", "--store", where, "--at", "20m ago"
    )
    assert result.code == 0, result.err


def test_on_a_server_a_fast_clock_blocks_nobody_and_a_slow_one_is_not_refused(run_cli, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    _start(run_cli, pg_url)
    fast = Session(pg_url, "INC-1", "fast", clock=lambda: _skewed(SKEW))
    slow = Session(pg_url, "INC-1", "slow", clock=lambda: _skewed(-SKEW))
    for session in (fast, slow):
        session.load()
    (begun,), _ = fast.act(Begin("storage-cluster"))
    assert begun.at < datetime.now(UTC) + SKEW / 2  # dated by the server, not the fast clock
    slow.act(Verify("storage-cluster", observed=None))  # the slow clock is not "before it began"
    for args in (["restored", "INC-1", "storage-cluster"], ["note", "INC-1", "all good"]):
        result = run_cli("incident", *args, "--store", pg_url, "--as", "al")
        assert result.code == 0, result.err
    with Store(pg_url) as store:
        times = [e.at for e in store.events("INC-1")]
    assert times == sorted(times)


def test_on_a_server_an_explicit_time_ahead_of_its_clock_is_refused_saying_its_time(
    run_cli, pg_url: str
) -> None:  # type: ignore[no-untyped-def]
    _start(run_cli, pg_url)
    scribe = Session(pg_url, "INC-1", "scribe", clock=lambda: datetime.now(UTC) + SKEW)  # a time given
    scribe.load()
    with pytest.raises(Exception, match="in the future: the server's time is") as refused:
        scribe.act(Begin("storage-cluster"))
    assert "nothing was recorded" in str(refused.value)
    with Store(pg_url) as store:
        assert len(store.events("INC-1")) == 1


def test_on_a_file_an_event_ahead_of_the_clock_is_said_with_how_to_record(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    where = str(tmp_path / "incidents.db")
    _start(run_cli, where)
    ahead = Session(where, "INC-1", "fast", clock=lambda: datetime.now(UTC) + SKEW)  # logged ahead
    ahead.load()
    ahead.act(Begin("storage-cluster"))
    ahead.act(Verify("storage-cluster", observed=None))
    result = run_cli("incident", "restored", "INC-1", "storage-cluster", "--store", where, "--as", "al")
    assert result.code == 1
    assert "event #3 of INC-1 is dated" in result.err
    assert "min ahead of this machine's clock" in result.err
    assert "check the clock" in result.err
    assert "record with --at TIME" in result.err
    here = Session(where, "INC-1", "al")
    here.load()
    with pytest.raises(RefusedError, match="ahead of this machine's clock"):
        here.act(Restore("storage-cluster"))
    noted = run_cli("incident", "note", "INC-1", "clock checked", "--store", where, "--at", "1m ago")
    assert noted.code == 0, noted.err  # a time given is recorded as given
