"""The guards of the tracking actions, beyond what the stateful test draws: stale and pointless
requests are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.events import RunNotApplied
from planner.running import plan_of
from planner.running import run as run_command
from planner.tracking.domain import actions
from planner.tracking.domain.check_runs import Target, prepare
from planner.tracking.domain.guards import RefusedError
from planner.tracking.persistence.store import Store
from tests.helpers.incident_cli import at, restore, run, start


def test_a_check_that_passed_is_not_bypassed(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 30)
    assert run(capsys, "incident", "begin", incident, "db-primary", "--at", at(31))[0] == 0
    # a dialog opened now, before the check passed ...
    stale = actions.Bypass("db-primary", "storage-cluster", "storagectl hangs", None)
    code, _, err = run(
        capsys, "incident", "check", incident, "db-primary", "storage-cluster", "--pass", "--at", at(32)
    )
    assert code == 0, err
    code, _, err = run(
        capsys,
        "incident",
        "bypass",
        incident,
        "db-primary",
        "storage-cluster",
        "--reason",
        "x",
        "--at",
        at(33),
    )
    assert code == 1
    assert "has passed: nothing to bypass" in err
    # ... and confirmed after another terminal passed it: the same guard, inside the transaction
    when = datetime(2026, 11, 28, 2, 44, tzinfo=UTC)
    with Store(store) as db, pytest.raises(RefusedError, match="has passed"):
        db.act(incident, lambda view: stale.decide(view, "dave", when))
    assert not Store(store).snapshot(incident).wa_rows  # type: ignore[union-attr]


def test_a_run_whose_result_is_refused_is_kept_in_the_journal(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A verify run starts while storage-cluster is being restored; another terminal restores it
    meanwhile: the run's result changes nothing, and the journal keeps the run all the same."""
    incident = start(capsys)
    assert run(capsys, "incident", "begin", incident, "storage-cluster", "--at", at(5))[0] == 0
    target = Target("storage-cluster")
    when = datetime(2026, 11, 28, 2, 40, tzinfo=UTC)
    with Store(store) as db:
        snap = db.snapshot(incident)
        assert snap is not None
        planned = prepare(snap, target, "alice", when)  # the guard would take a pass now
    restore(capsys, incident, "storage-cluster", 29)  # meanwhile, from another terminal
    evidence = run_command(plan_of("false")).model_copy(update={"command": planned.command})
    with Store(store) as db:
        before = db.snapshot(incident)
        (kept,) = db.act(incident, lambda view: target.record(evidence).decide(view, "alice", when))
        assert isinstance(kept, RunNotApplied)
        assert "already restored" in kept.refused
        assert kept.run.command == planned.command
        after = db.snapshot(incident)
        assert before is not None
        assert after is not None
        assert (after.tasks, after.check_rows) == (before.tasks, before.check_rows)
    code, out, _ = run(capsys, "incident", "status", incident)
    assert code == 0
    assert "ran storage-cluster's own verify by" in out
    assert "not applied: storage-cluster is already restored" in out
