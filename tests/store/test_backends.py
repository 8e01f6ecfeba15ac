"""The journal store on both backends (an SQLite file, a PostgreSQL database: the ``where``
fixture): round trips, numbering, atomic actions, schema versions, kill -9 and racing writers."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from collections import Counter

import pytest

from models.events import Event, IncidentStarted, Note, TaskBegun
from planner.tracking.domain.opening import rebuild
from planner.tracking.domain.state import View
from planner.tracking.persistence.store import Store, StoreError
from planner.tracking.persistence.store_schema import LATEST
from tests.helpers.journal import AT, ENTERPRISE, enterprise_incident, incident_started


def _note(incident: str, text: str) -> Note:
    return Note(incident=incident, at=AT, actor="bob", text=text)


def test_events_round_trip_in_order_with_numbers(where: str) -> None:
    store = Store(where)
    written = [
        store.append(incident_started()),
        store.append(_note("INC-1", "a")),
        store.append(_note("INC-1", "b")),
    ]
    assert [e.seq for e in written] == [1, 2, 3]
    assert store.events("INC-1") == written
    assert store.incidents() == ["INC-1"]
    assert Store(where).events("INC-1") == written  # another connection sees the same
    assert store.events("INC-1", last=2) == written[1:]
    assert store.events_since("INC-1", 1) == written[1:]


def test_each_incident_is_numbered_on_its_own(where: str) -> None:
    """Interleaved journals: each counts 1, 2, 3... (so an incident keeps its numbers when it
    moves to another store), and the store stays sound."""
    store = Store(where)
    store.append(incident_started("INC-1"))
    store.append(incident_started("INC-2"))
    for i in range(3):
        store.append(_note("INC-2", f"two {i}"))
        store.append(_note("INC-1", f"one {i}"))
    assert [e.seq for e in store.events("INC-1")] == [1, 2, 3, 4]
    assert [e.seq for e in store.events("INC-2")] == [1, 2, 3, 4]
    assert [e.text for e in store.events_since("INC-2", 2) if isinstance(e, Note)] == ["two 1", "two 2"]
    assert store.integrity() == "ok"


def test_plan_text_kept_by_hash(where: str) -> None:
    store = Store(where)
    digest = store.keep_plan("plan.yaml", "version: 1\nname: x\n", AT.isoformat())
    assert store.keep_plan("plan.yaml", "version: 1\nname: x\n", AT.isoformat()) == digest
    assert store.plan_text(digest) == "version: 1\nname: x\n"


def test_an_action_is_atomic(where: str) -> None:
    store = Store(where)
    store.append(incident_started())

    def decide(view: View) -> list[Event]:
        raise RuntimeError("guard refused")

    with pytest.raises(RuntimeError):
        store.act("INC-1", decide)
    assert len(store.events("INC-1")) == 1
    added = store.act("INC-1", lambda view: [_note("INC-1", "after")])
    assert added[0].seq == 2


def test_the_schema_is_versioned_and_a_newer_store_refused(where: str) -> None:
    with Store(where) as store:
        assert store.version == LATEST
        with store.transaction():
            store.backend.set_version(LATEST + 1)
    with pytest.raises(StoreError, match="newer recovery-planner"):
        Store(where)


def test_a_real_incident_reads_the_same_on_every_connection(where: str) -> None:
    incident = enterprise_incident(where)
    with Store(where, create=False) as store:
        live = store.snapshot(incident)
        outline = store.outline(incident)
        journal = store.events(incident)
    assert live is not None
    assert outline is not None
    assert [r.id for r in Store(where).incident_rows()] == [incident]
    assert len(journal) == 1
    assert isinstance(journal[0], IncidentStarted)


WRITER = """
import sys
from datetime import datetime, UTC
from planner.tracking.domain import actions, comms
from planner.tracking.persistence.store import Store
store = Store(sys.argv[1])
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


def test_every_acknowledged_action_survives_sigkill(where: str) -> None:
    """Kill a writer in the middle of real actions, many times: every action it acknowledged
    is in the journal, the store is sound, and the rows agree with the journal's fold."""
    from planner.planfile.loader import load_valid_plan

    assert enterprise_incident(where) == "INC-1"
    acked: set[str] = set()
    rng = random.Random(7)
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, where, f"w{round_}", "100000"], stdout=subprocess.PIPE, text=True
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
    store = Store(where)
    assert store.integrity() == "ok"
    journal = store.events("INC-1")
    notes = Counter(e.text for e in journal if isinstance(e, Note))
    assert acked, "the writers never got going"
    assert {a for a in acked if not a.endswith(("-begin", "-fail"))} <= set(notes)
    assert max(notes.values()) == 1
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
for k, service in enumerate(services):
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["incident", "begin", "INC-1", service, "--store", store, "--as", name])
        note = main(["incident", "note", "INC-1", f"{name}-{k}", "--store", store, "--as", name])
    print(service, code, note, err.getvalue().strip().replace("\\n", " "), flush=True)
"""
WRITERS, ACTIONS = 10, 50


def test_racing_writers_lose_nothing_and_duplicate_nothing(where: str) -> None:
    """10 writer processes x 50 actions on one incident, half of them racing to begin the same
    services: every note is in the journal exactly once, every service is begun exactly once,
    every other attempt is refused by the guard (exit 1, "already being restored"), nobody sees
    a lock error, and the journal is numbered 1..n without a gap."""
    enterprise_incident(where)
    snap = Store(where).snapshot("INC-1")
    assert snap is not None
    services = list(snap.tasks)
    plans = [[services[(i + k) % len(services)] for k in range(ACTIONS // 2)] for i in range(WRITERS)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, where, f"r{i}", ",".join(plan)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, plan in enumerate(plans)
    ]
    codes: dict[str, list[int]] = {s: [] for s in services}
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            service, code, note, *said = line.split(" ")
            assert "lock" not in " ".join(said)
            assert note == "0", said
            codes[service].append(int(code))
            assert code == "0" or "already being restored" in " ".join(said), said
    tried = {s for plan in plans for s in plan}
    assert all(sorted(codes[s])[:2] == [0, 1] or codes[s] == [0] for s in tried), codes
    store = Store(where)
    journal = store.events("INC-1")
    begun = Counter(e.service for e in journal if isinstance(e, TaskBegun))
    assert begun == dict.fromkeys(tried, 1)
    notes = Counter(e.text for e in journal if isinstance(e, Note))
    assert notes == {f"r{i}-{k}": 1 for i in range(WRITERS) for k in range(ACTIONS // 2)}
    assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
    assert store.integrity() == "ok"


STARTER = """
import contextlib, io, sys
from planner.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["incident", "start", sys.argv[2], "--store", sys.argv[1], "--as", "ic"])
print(code, out.getvalue().split()[-1])
"""


def test_incidents_started_at_once_get_different_ids(where: str) -> None:
    """Four responders declare an incident at the same moment: four incidents, four ids."""
    Store(where).close()  # the schema exists before they race (as after any first command)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, where, str(ENTERPRISE)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    said = [proc.communicate(timeout=120)[0].split() for proc in procs]
    assert sorted(said) == [["0", f"INC-{n}"] for n in range(1, 5)]
    assert sorted(Store(where).incidents()) == [f"INC-{n}" for n in range(1, 5)]


def test_a_refusal_names_what_another_terminal_did_meanwhile(where: str) -> None:
    """Two screens on one incident; bob begins a task alice has not seen yet begun: alice's
    refusal says what blocks and what bob did meanwhile (with its number)."""
    from planner.tracking.domain import actions
    from planner.tracking.domain.guards import RefusedError
    from planner.tracking.session import Session

    incident = enterprise_incident(where)
    alice, bob = Session(where, incident, "alice"), Session(where, incident, "bob")
    alice.load()
    bob.load()
    bob.act(actions.Begin("storage-cluster"))
    with pytest.raises(RefusedError) as refused:
        alice.act(actions.Begin("storage-cluster"))
    said = str(refused.value)
    assert said.startswith("storage-cluster is already being restored")
    assert "Meanwhile, from other terminals:\n#2 " in said
    assert "bob: began restoring storage-cluster" in said
    alice.fold(alice.fetch())
    with pytest.raises(RefusedError) as again:  # seen now: nothing 'meanwhile' to name
        alice.act(actions.Begin("storage-cluster"))
    assert "Meanwhile" not in str(again.value)


def test_every_schema_version_has_a_step_on_both_backends() -> None:
    """A new schema version adds an SQLite migration and a PostgreSQL step; forgetting the
    second would leave every PostgreSQL store trying to migrate on every open."""
    from planner.tracking.persistence.store_schema import MIGRATIONS, POSTGRES_BASELINE, POSTGRES_STEPS

    assert set(POSTGRES_STEPS) == set(range(POSTGRES_BASELINE + 1, len(MIGRATIONS) + 1))
