"""The guards of the tracking actions, beyond what the stateful test draws: stale and pointless
requests are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.tracking import actions
from planner.tracking.guards import RefusedError
from planner.tracking.store import Store
from tests.tracking.test_incident_cli import at, restore, run, start


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
