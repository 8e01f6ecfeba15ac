"""The journal store: round trips, atomic actions, crash safety and concurrent writers."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.events import Bypassed, Event, IncidentStarted, Note, TaskBegun
from planner.tracking.state import View
from planner.tracking.store import MIGRATIONS, Store, StoreError, default_store_path

AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _start(incident: str = "INC-1") -> IncidentStarted:
    return IncidentStarted(
        incident=incident,
        at=AT,
        actor="alice",
        title="storage down",
        plan_hash="x",
        scenario="storage-outage",
        failed=["storage-cluster"],
    )


def test_events_round_trip_in_order_with_sequence_numbers(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    written = [
        store.append(_start()),
        store.append(TaskBegun(incident="INC-1", at=AT, actor="bob", service="storage-cluster")),
        store.append(
            Bypassed(
                incident="INC-1",
                at=AT,
                actor="bob",
                service="app-api",
                dependency="db",
                reason="replica lag",
                workaround="INC-1/WA-1",
            )
        ),
    ]
    assert [e.seq for e in written] == [1, 2, 3]
    assert store.events("INC-1") == written
    assert store.incidents() == ["INC-1"]
    assert Store(tmp_path / "s.db").events("INC-1") == written  # another connection sees the same


def test_plan_text_kept_by_hash(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    digest = store.keep_plan("plan.yaml", "version: 1\nname: x\n", AT.isoformat())
    assert store.keep_plan("plan.yaml", "version: 1\nname: x\n", AT.isoformat()) == digest
    assert store.plan_text(digest) == "version: 1\nname: x\n"


def test_action_is_atomic(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.append(_start())

    def decide(view: View) -> list[Event]:
        raise RuntimeError("guard refused")

    with pytest.raises(RuntimeError):
        store.act("INC-1", decide)
    assert len(store.events("INC-1")) == 1
    added = store.act("INC-1", lambda view: [Note(incident="INC-1", at=AT, actor="c", text="after")])
    assert added[0].seq == 2


def test_schema_is_versioned_and_newer_stores_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    assert Store(path).version == len(MIGRATIONS)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer recovery-planner"):
        Store(path)


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLANNER_STORE", raising=False)
    assert default_store_path() == Path(".planner/incidents.db")
    monkeypatch.setenv("PLANNER_STORE", str(tmp_path / "x.db"))
    assert default_store_path() == tmp_path / "x.db"


WRITER = """
import sys
from datetime import datetime, UTC
from models.events import Note
from planner.tracking.state import View
from planner.tracking.store import Store
store = Store(__import__("pathlib").Path(sys.argv[1]))
name = sys.argv[2]
for i in range(int(sys.argv[3])):
    e = store.append(Note(incident="INC-1", at=datetime.now(UTC), actor=name, text=f"{name}-{i}"))
    print(f"ack {name}-{i}", flush=True)
"""


def test_every_acknowledged_action_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).append(_start())
    acked: set[str] = set()
    rng = random.Random(7)
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"w{round_}", "100000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.5, 1.2))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        acked |= {line.split()[1] for line in out.splitlines() if line.startswith("ack ")}
    store = Store(path)
    assert store.integrity() == "ok"
    stored = {e.text for e in store.events("INC-1") if isinstance(e, Note)}
    assert acked, "the writers never got going"
    assert acked <= stored


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store(path).append(_start())
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"p{i}", "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    texts = [e.text for e in Store(path).events("INC-1") if isinstance(e, Note)]
    assert sorted(texts) == sorted(f"p{i}-{n}" for i in range(4) for n in range(40))
