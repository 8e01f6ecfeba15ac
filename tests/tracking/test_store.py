"""The journal store: round trips, atomic actions, crash safety and concurrent writers."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.events import Bypassed, Event, IncidentStarted, Note, TaskBegun
from planner.planfile.loader import load_plan
from planner.tracking import actions, comms
from planner.tracking.opening import open_incident
from planner.tracking.schema import MIGRATIONS
from planner.tracking.state import MemoryView, View
from planner.tracking.store import Store, StoreError, default_store_path
from tests.conftest import EXAMPLES

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
    assert store.events("INC-1", last=2) == written[1:]  # the tail, still oldest first
    assert store.events_since("INC-1", 1) == written[1:]


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
    from planner.tracking import corrections

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


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLANNER_STORE", raising=False)
    assert default_store_path() == Path(".planner/incidents.db")
    monkeypatch.setenv("PLANNER_STORE", str(tmp_path / "x.db"))
    assert default_store_path() == tmp_path / "x.db"


ENTERPRISE = Path(__file__).parents[2] / "examples" / "enterprise.yaml"


def _enterprise_incident(path: Path) -> str:
    """A real incident (the enterprise storage outage) in the store at ``path``."""
    import contextlib
    import io

    from planner.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["incident", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--store", str(path)]
        )
    assert code == 0
    return out.getvalue().split()[-1]


WRITER = """
import sys
from datetime import datetime, UTC
from pathlib import Path
from planner.tracking import actions, comms
from planner.tracking.store import Store
store = Store(Path(sys.argv[1]))
name = sys.argv[2]
for i in range(int(sys.argv[3])):
    now = datetime.now(UTC)
    store.act("INC-1", lambda v: actions.Begin("storage-cluster").decide(v, name, now))
    print(f"ack {name}-{i}-begin", flush=True)
    store.act("INC-1", lambda v: comms.AddNote(f"{name}-{i}").decide(v, name, now))
    print(f"ack {name}-{i}", flush=True)
    store.act("INC-1", lambda v: actions.Fail("storage-cluster").decide(v, name, now))
    print(f"ack {name}-{i}-fail", flush=True)
"""


def test_every_acknowledged_action_survives_sigkill(tmp_path: Path) -> None:
    """Kill a process in the middle of real actions, many times: every action it acknowledged
    is in the journal, the file is sound, and the rows agree with the journal's fold."""
    from planner.planfile.loader import load_valid_plan
    from planner.tracking.opening import rebuild

    path = tmp_path / "s.db"
    assert _enterprise_incident(path) == "INC-1"
    acked: set[str] = set()
    rng = random.Random(7)
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"w{round_}", "100000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        # kill it after a random number of acknowledgements, while it is writing the next ones
        assert proc.stdout is not None
        target, lines = rng.randint(3, 300), []
        while len(lines) < target and (line := proc.stdout.readline()):
            lines.append(line)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        lines += out.splitlines()
        acked |= {line.split()[1] for line in lines if line.startswith("ack ")}
    store = Store(path)
    assert store.integrity() == "ok"
    journal = store.events("INC-1")
    notes = {e.text for e in journal if isinstance(e, Note)}
    assert acked, "the writers never got going"
    assert {a for a in acked if not a.endswith(("-begin", "-fail"))} <= notes
    begun = sum(1 for e in journal if isinstance(e, TaskBegun))
    assert begun >= sum(1 for a in acked if a.endswith("-begin"))
    live = store.snapshot("INC-1")
    assert live is not None
    folded = rebuild(load_valid_plan(ENTERPRISE), journal)
    assert (folded.tasks, folded.check_rows) == (live.tasks, live.check_rows)


RACER = """
import contextlib, io, sys
from planner.cli import main
store, name, services = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
for service in services:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["incident", "begin", "INC-1", service, "--store", store, "--as", name])
        note = main(["incident", "note", "INC-1", f"{name} on {service}", "--store", store, "--as", name])
    print(service, code, note, err.getvalue().strip().replace("\\n", " "), flush=True)
"""


def test_concurrent_responders_conflict_through_the_guard(tmp_path: Path) -> None:
    """Four terminals try to begin every service at once: each service is begun exactly once,
    the others are refused by the guard (exit 1, "already being restored"), nobody sees
    "database is locked", and no note is lost."""
    path = tmp_path / "s.db"
    _enterprise_incident(path)
    snap = Store(path).snapshot("INC-1")
    assert snap is not None
    services = list(snap.tasks)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(path), f"r{i}", ",".join(services[i:] + services[:i])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    results: dict[str, list[int]] = {s: [] for s in services}
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            service, code, note, *said = line.split(" ")
            assert "locked" not in " ".join(said)
            assert note == "0"
            results[service].append(int(code))
            if code == "1":
                assert "already being restored" in " ".join(said)
    assert all(sorted(codes) == [0, 1, 1, 1] for codes in results.values()), results
    journal = Store(path).events("INC-1")
    assert sum(1 for e in journal if isinstance(e, TaskBegun)) == len(services)
    assert sum(1 for e in journal if isinstance(e, Note)) == 4 * len(services)


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
    from planner.tracking import sqlite_backend as store_module

    path = tmp_path / "s.db"
    incident = _enterprise_incident(path)
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
