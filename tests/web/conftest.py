"""A status page served from a thread on a free port of 127.0.0.1, over a store holding an
incident of a small plan (tests/web/data)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from planner.cli import main
from planner.tracking.persistence.db import as_location
from planner.web.reading import Reader
from planner.web.server import Address, StatusServer, status_server

HERE = Path(__file__).resolve().parent
TOKEN = "t0ken-for-the-internal-page-7f3a"


@contextmanager
def serving(
    store: str | Path,
    *,
    token: str | None = None,
    internal_bind: bool = False,
    incident: str | None = None,
) -> Iterator[StatusServer]:
    """``planner serve`` on ``store`` in a thread, stopped at the end of the block."""
    reader = Reader(as_location(str(store)), incident)
    reader.check()
    server = status_server(
        reader,
        bind=Address("127.0.0.1", 0),
        internal_bind=Address("127.0.0.1", 0) if internal_bind else None,
        token=token,
        access_log=False,
    )
    thread = threading.Thread(target=server.run, name="test-serve", daemon=True)
    thread.start()
    try:
        assert server.started.wait(20), "the server did not start"
        yield server
    finally:
        server.stop()
        thread.join(20)
        assert not thread.is_alive(), "the server did not stop"


def planner(*args: str | Path) -> int:
    """``planner ARGS`` in this process (its output is not looked at)."""
    return main([str(a) for a in args])


def customer_update(store: str | Path, incident: str = "INC-1") -> None:
    """Record the drafted update to customers."""
    assert (
        planner("incident", "update", incident, "--store", store, "--audience", "customer", "--as", "cl") == 0
    )


def start_incident(plan: Path, store: str | Path, *more: str) -> str:
    """Start an incident of ``plan`` in ``store``; its id."""
    assert planner("incident", "start", plan, "--store", store, "--as", "ic", *more) == 0
    return "INC-1"


@pytest.fixture
def small_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An SQLite store with one open incident of ``examples/small.yaml`` (every service down)."""
    store = tmp_path / "incidents.db"
    start_incident(HERE.parent.parent / "examples" / "small.yaml", store)
    capsys.readouterr()
    return store
