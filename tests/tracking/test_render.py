"""What ``incident status`` says (text, JSON, Markdown): true, and the same in each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.tracking.test_incident_cli import at, restore, run, start


def test_late_is_not_at_risk_and_the_counts_agree(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """storage-cluster (RTO 1h30m) still down two hours in is late: its RTO is missed, not at risk."""
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 100)  # restored 10 minutes after its RTO
    assert run(capsys, "incident", "fail", incident, "storage-cluster", "--at", at(110))[0] == 0
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json", "--at", at(120))
    assert code == 0
    status = json.loads(out)
    late = status["rto_late"]
    assert "storage-cluster" in late
    assert set(late) <= set(status["rto_missed"])
    assert not set(late) & set(status["rto_at_risk"])
    entry = next(s for s in status["services"] if s["service"] == "storage-cluster")
    assert entry["rto_status"] == "late"
    assert entry["rto_left_minutes"] == -30
    missed, risk = len(status["rto_missed"]), len(status["rto_at_risk"])
    summary = f"RTO missed: {missed} ({len(late)} still down: late), at risk: {risk}"
    code, text, _ = run(capsys, "incident", "status", incident, "--at", at(120))
    assert summary in text
    row = next(line for line in text.splitlines() if re.match(r"\s+1\s+storage-cluster ", line))
    assert "LATE 30m" in row
    assert "-30m" not in row
    code, md, _ = run(capsys, "incident", "status", incident, "--format", "markdown", "--at", at(120))
    assert summary in md
    assert "| LATE 30m |" in md
