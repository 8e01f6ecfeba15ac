"""How long a PostgreSQL connection is waited for: four seconds, or libpq's own
``PGCONNECT_TIMEOUT`` (a slow VPN), never for ever."""

from __future__ import annotations

from typing import Any

import pytest

from planner.tracking.persistence import pg_backend
from planner.tracking.persistence.pg_backend import CONNECT_TIMEOUT, connect, connect_timeout


@pytest.mark.parametrize(
    ("given", "seconds"),
    [
        (None, CONNECT_TIMEOUT),
        ("15", 15),
        (" 9 ", 9),
        ("1", 2),
        ("0", CONNECT_TIMEOUT),
        ("-3", CONNECT_TIMEOUT),
        ("soon", CONNECT_TIMEOUT),
        ("nan", CONNECT_TIMEOUT),
        ("", CONNECT_TIMEOUT),
    ],
)
def test_pgconnect_timeout_is_honoured_but_never_unbounded(
    monkeypatch: pytest.MonkeyPatch, given: str | None, seconds: int
) -> None:
    if given is None:
        monkeypatch.delenv("PGCONNECT_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("PGCONNECT_TIMEOUT", given)
    assert connect_timeout() == seconds


def test_connect_waits_as_long_as_said(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []

    class Driver:
        class OperationalError(Exception):
            pass

        Error = OperationalError

        @staticmethod
        def connect(url: str, **how: Any) -> str:
            asked.append(how["connect_timeout"])
            return "connection"

    monkeypatch.setattr(pg_backend, "driver", lambda: Driver)
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "12")
    connect("postgresql://planner@db1/inc")
    connect("postgresql://planner@db1/inc", timeout=2)
    assert asked == [12, 2]
