"""Plausible journal times, and corrections recorded as events: ``amend`` (the start's detection
time and title) and ``void`` (an event declared a mistake, the rows folded again without it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models.events import Bypassed, IncidentStarted, Voided
from planner.planfile.loader import load_valid_plan
from planner.tracking.domain import actions
from planner.tracking.domain.guards import RefusedError
from planner.tracking.domain.opening import rebuild
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from tests.helpers.incident_cli import ENTERPRISE, at, restore, run, start


def _bypass(capsys: pytest.CaptureFixture[str], incident: str, minute: int) -> None:
    """db-primary goes on without the check of storage-cluster (a workaround opens)."""
    args = ["bypass", incident, "db-primary", "storage-cluster", "--reason", "r", "--at", at(minute)]
    code, _, err = run(capsys, "incident", *args)
    assert code == 0, err


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, _, err = run(capsys, "incident", *args)
    assert code == 1, err
    return err


def test_times_before_what_they_follow_are_refused(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    assert "before INC-1 started" in _refused(capsys, "note", incident, "early", "--at", at(-5))
    assert "before INC-1 started" in _refused(capsys, "update", incident, "--message", "x", "--at", at(-1))
    assert run(capsys, "incident", "begin", incident, "storage-cluster", "--at", at(20))[0] == 0
    restore(capsys, incident, "storage-cluster", 40)
    _bypass(capsys, incident, 41)
    wid = next(e.workaround for e in Store(store).events(incident) if isinstance(e, Bypassed))
    assert f"before {wid} was applied" in _refused(capsys, "remove-workaround", wid, "--at", at(30))
    err = _refused(capsys, "resolve", incident, "--accept-workarounds", "--at", at(35))
    assert "before the last restoration" in err


def test_work_restored_before_it_began_is_refused(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)  # begins and restores at minute 40
    assert run(capsys, "incident", "fail", incident, "storage-cluster", "--at", at(41))[0] == 0
    assert run(capsys, "incident", "begin", incident, "storage-cluster", "--at", at(50))[0] == 0
    code, _, err = run(
        capsys, "incident", "verify", incident, "storage-cluster", "--observed", "ok", "--at", at(51)
    )
    assert code == 0, err
    err = _refused(capsys, "restored", incident, "storage-cluster", "--at", at(45))
    assert "before work on storage-cluster began" in err


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "1970-01-01", "9999-12-31T00:00Z", "99999999d ago"])
def test_implausible_times_are_usage_errors(
    store: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    incident = start(capsys)
    code, _, err = run(capsys, "incident", "note", incident, "x", "--at", when)
    assert code == 2, err
    code, _, err = run(capsys, "incident", "start", str(ENTERPRISE), "--detected", when)
    assert code == 2, err
    assert "Traceback" not in err


def test_amend_corrects_mttd_and_keeps_both_in_the_journal(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys, "--detected", "2025-11-28T01:52:00Z")  # a year too early: a typo
    code, out, _ = run(capsys, "kpi", "--format", "json")
    assert json.loads(out)["real"]["mttd_minutes"] > 500_000
    code, _, err = run(
        capsys,
        "incident",
        "amend",
        incident,
        "--detected",
        "2026-11-28T01:52:00Z",
        "--reason",
        "wrong year",
        "--at",
        at(5),
    )
    assert code == 0, err
    code, out, _ = run(capsys, "kpi", "--format", "json")
    assert json.loads(out)["real"]["mttd_minutes"] == 18.0
    code, out, _ = run(capsys, "report", incident)
    assert "- detected: 2026-11-28 01:52 UTC" in out
    assert "corrected the start: detected at 2026-11-28 01:52 (wrong year)" in out
    started = Store(store).events(incident)[0]
    assert isinstance(started, IncidentStarted)
    assert started.detected is not None
    assert started.detected.year == 2025
    code, _, err = run(
        capsys, "incident", "amend", incident, "--detected", at(30), "--reason", "x", "--at", at(31)
    )
    assert code == 2
    assert "detection comes first" in err


def _scripted(store: Path, capsys: pytest.CaptureFixture[str]) -> str:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    run(capsys, "incident", "escalate", incident, "db-primary", "--at", at(42))
    run(capsys, "incident", "note", incident, "vendor called", "--at", at(43))
    run(capsys, "incident", "fail", incident, "storage-cluster", "--at", at(44))
    run(capsys, "incident", "update", incident, "--message", "still down", "--at", at(45))
    return incident


def test_voiding_any_event_leaves_the_rows_equal_to_the_fold_without_it(
    store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """For every event of a scripted incident, in a copy of the store: void it, and the rows are
    what folding the journal without it gives (the invariant that lets a void change the past)."""
    incident = _scripted(store, capsys)
    plan = load_valid_plan(ENTERPRISE)
    events = Store(store).events(incident)
    assert len(events) >= 8
    refused: list[str] = []
    for event in events[1:]:
        copy = tmp_path / f"void-{event.seq}.db"
        shutil.copy(store, copy)
        code, _, err = run(
            capsys,
            "incident",
            "void",
            incident,
            str(event.seq),
            "--reason",
            "test",
            "--store",
            str(copy),
            "--at",
            at(50),
        )
        db = Store(copy)
        if code == 1:  # a later event relied on it: refused, naming that event, nothing written
            assert "relies on it" in err, (event.kind, err)
            assert db.events(incident) == events
            refused.append(event.kind)
            continue
        assert code == 0, (event.kind, err)
        live = db.snapshot(incident)
        journal = db.events(incident)
        assert live is not None
        assert isinstance(journal[-1], Voided)
        assert journal[-1].target == event.seq
        folded = rebuild(plan, [e for e in journal if e.seq != event.seq])
        assert (live.row, live.tasks, live.check_rows, live.wa_rows) == (
            folded.row,
            folded.tasks,
            folded.check_rows,
            folded.wa_rows,
        ), event.kind
    # the begin and verify the restoration relied on; the rest (the restoration itself,
    # undone by the later failure anyway, the escalation, note, failure, update) can go
    assert refused == ["task_begun", "verified"], refused


def test_voiding_a_restoration_takes_it_out_of_the_report_and_kpis(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    restored = next(e for e in Store(store).events(incident) if e.kind == "restored")
    code, _, err = run(
        capsys, "incident", "void", incident, str(restored.seq), "--reason", "wrong one", "--at", at(41)
    )
    assert code == 0, err
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    (entry,) = [s for s in json.loads(out)["services"] if s["service"] == "storage-cluster"]
    assert entry["state"] == "restoring"
    code, out, _ = run(capsys, "report", incident)
    assert "| storage-cluster | " in out
    assert "never" in next(line for line in out.splitlines() if line.startswith("| storage-cluster |"))
    assert f"VOIDED \\#{restored.seq}" in out


def test_what_a_void_may_not_take_back(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    _bypass(capsys, incident, 41)
    events = Store(store).events(incident)
    bypass = next(e for e in events if isinstance(e, Bypassed))
    assert "never voided" in _refused(capsys, "void", incident, str(bypass.seq), "--reason", "x")
    assert "cannot be voided" in _refused(capsys, "void", incident, "1", "--reason", "x")
    note = events[-2].seq
    assert run(capsys, "incident", "void", incident, str(note), "--reason", "x", "--at", at(42))[0] == 0
    assert "already voided" in _refused(capsys, "void", incident, str(note), "--reason", "x", "--at", at(43))
    code, _, err = run(capsys, "incident", "void", incident, "999", "--reason", "x")
    assert code == 2
    assert "has no event #999" in err


def test_a_screen_following_the_incident_reloads_on_a_void(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another terminal voids a restoration: the screen's mirror (a session) folds the journal
    and ends up with the store's rows, not a restoration that no longer counts."""
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    screen = Session(store, incident, "ic")
    assert screen.load().tasks["storage-cluster"].state == "restored"
    restored = next(e for e in Store(store).events(incident) if e.kind == "restored")
    code, _, err = run(
        capsys, "incident", "void", incident, str(restored.seq), "--reason", "no", "--at", at(41)
    )
    assert code == 0, err
    screen.fold(screen.fetch())
    live = Store(store).snapshot(incident)
    assert live is not None
    assert screen.view().task("storage-cluster") == live.tasks["storage-cluster"]
    assert live.tasks["storage-cluster"].state == "restoring"


def test_undo_takes_back_ones_own_last_action_within_ten_minutes(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    assert run(capsys, "incident", "begin", incident, "storage-cluster", "--as", "bob", "--at", at(5))[0] == 0
    assert run(capsys, "incident", "note", incident, "alice's note", "--as", "alice", "--at", at(6))[0] == 0
    code, out, err = run(capsys, "incident", "undo", incident, "--as", "bob", "--at", at(7))
    assert code == 0, err
    assert "VOIDED" in out
    assert "began restoring storage-cluster" in out
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    (entry,) = [s for s in json.loads(out)["services"] if s["service"] == "storage-cluster"]
    assert entry["state"] == "down"
    assert entry["reopened"] == 0  # a slip, not a failure
    code, _, err = run(capsys, "incident", "undo", incident, "--as", "bob", "--at", at(8))
    assert code == 2
    assert "nothing of bob's to undo" in err
    code, _, err = run(capsys, "incident", "undo", incident, "--as", "alice", "--at", at(30))
    assert code == 2  # over ten minutes: void it, with a reason
    assert "planner incident void" in err


def test_reopen_voids_the_resolution(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    code, _, err = run(capsys, "incident", "reopen", incident, "--reason", "x", "--at", at(1))
    assert code == 2
    assert "not resolved" in err
    assert run(capsys, "incident", "resolve", incident, "--accept-down", "--at", at(2))[0] == 0
    code, _, err = run(capsys, "incident", "reopen", incident, "--reason", "wrong incident", "--at", at(3))
    assert code == 0, err
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    assert json.loads(out)["state"] == "open"


def test_rtos_run_from_the_detection_when_recorded(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Declared 40 minutes after detection: storage-cluster's RTO (1h30m) has 50 minutes left at
    the declaration, not 1h30m."""
    incident = start(capsys, "--detected", "2026-11-28T01:30:00Z")
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json", "--at", at(0))
    assert code == 0
    (entry,) = [s for s in json.loads(out)["services"] if s["service"] == "storage-cluster"]
    assert entry["rto_left_minutes"] == 50


def test_an_escalation_confirmed_after_another_terminal_paged_is_refused(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One terminal is asked to page the first on dba's path; another pages them meanwhile: the
    first's confirmation is refused naming who is next now, and nothing is recorded."""
    incident = start(capsys)
    first, second = Session(store, incident, "alice"), Session(store, incident, "bob")
    first.load()
    second.load()
    preview = first.view().meta().teams["dba"].escalation[0].id
    second.act(actions.Escalate("db-primary"))
    before = len(Store(store).events(incident))
    with pytest.raises(RefusedError, match="the next on the path is now"):
        first.act(actions.Escalate("db-primary", preview))
    assert len(Store(store).events(incident)) == before


def test_undoing_a_verify_another_terminal_restored_on_is_refused(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terminal A verifies db-primary, terminal B declares it restored, A undoes its verify: the
    undo is refused, naming B's restoration (db-primary must never be restored unverified)."""
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 30)
    assert run(capsys, "incident", "begin", incident, "db-primary", "--as", "bob", "--at", at(31))[0] == 0
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    entry = next(s for s in json.loads(out)["services"] if s["service"] == "db-primary")
    for dep in entry["checks"]:
        code, _, err = run(
            capsys, "incident", "check", incident, "db-primary", dep, "--pass", "--as", "bob", "--at", at(31)
        )
        assert code == 0, err
    code, _, err = run(capsys, "incident", "verify", incident, "db-primary", "--as", "alice", "--at", at(32))
    assert code == 0, err
    code, _, err = run(capsys, "incident", "restored", incident, "db-primary", "--as", "bob", "--at", at(33))
    assert code == 0, err
    restored = Store(store).events(incident)[-1]
    err = _refused(capsys, "undo", incident, "--as", "alice", "--at", at(34))
    assert f"#{restored.seq}" in err
    assert "db-primary restored" in err
    assert "relies on it" in err
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    entry = next(s for s in json.loads(out)["services"] if s["service"] == "db-primary")
    assert (entry["state"], entry["verified"]) == ("restored", True)
    # voiding the restoration first, then the verify, is accepted: db-primary is back to restoring
    for seq in (restored.seq, restored.seq - 1):
        code, _, err = run(capsys, "incident", "void", incident, str(seq), "--reason", "x", "--at", at(35))
        assert code == 0, err
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    entry = next(s for s in json.loads(out)["services"] if s["service"] == "db-primary")
    assert (entry["state"], entry["verified"]) == ("restoring", False)


def test_a_wrong_bypass_expiry_or_reason_is_corrected_as_an_event(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bypass recorded with the default 24 h where 2 h was meant, and a wrong reason: amended
    (the journal keeps both); the audit and status read the corrected workaround."""
    incident = start(capsys)
    _bypass(capsys, incident, 10)  # reason "r", expiry 24h
    wid = f"{incident}-WA1"
    code, _, err = run(capsys, "incident", "amend-workaround", wid, "--reason", "x", "--at", at(11))
    assert code == 2
    assert "say what to correct" in err
    code, out, err = run(
        capsys,
        "incident",
        "amend-workaround",
        wid,
        "--expires",
        "2h",
        "--bypass-reason",
        "storagectl hangs",
        "--reason",
        "Enter skipped the expiry",
        "--at",
        at(12),
    )
    assert code == 0, err
    assert f"corrected workaround {wid}: expires 2026-11-28 04:20, reason 'storagectl hangs'" in out
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json", "--at", at(13))
    (wa,) = json.loads(out)["workarounds"]
    assert (wa["expires"], wa["reason"]) == ("2026-11-28T04:20:00+00:00", "storagectl hangs")
    assert [e.kind for e in Store(store).events(incident)][-2:] == ["bypassed", "workaround_amended"]
    code, out, _ = run(capsys, "audit", str(ENTERPRISE), "--store", str(store), "--format", "json")
    (found,) = [
        f for f in json.loads(out)["findings"] if f["rule"] == "bypassed-check" and wid in f["message"]
    ]
    assert "storagectl hangs" in found["message"]
    code, _, err = run(
        capsys, "incident", "amend-workaround", "INC-9-WA1", "--expires", "1h", "--reason", "x"
    )
    assert code == 2
    assert "no workaround INC-9-WA1" in err
