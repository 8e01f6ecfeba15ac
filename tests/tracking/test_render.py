"""What ``incident status`` says (text, JSON, Markdown): true, and the same in each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.plan import Plan
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.state import RESTORED
from planner.tracking.reports.progress import Projection
from planner.tracking.reports.status_json import status_json
from planner.tracking.reports.status_text import rto_status
from tests.helpers.incident_cli import ENTERPRISE, at, restore, run, start


def start_at(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The enterprise storage outage, started with ``args`` (its time, its detection)."""
    code, out, err = run(capsys, "incident", "start", str(ENTERPRISE), "--scenario", "storage-outage", *args)
    assert code == 0, err
    return out.split()[-1]


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


LONG = """\
version: 1
name: Long restore
people: [{id: ann, name: Ann}]
teams: [{id: ops, name: Ops, members: [ann], escalation: [ann]}]
roles: {incident_commander: ann, communications_lead: ann}
services:
  - {id: archive, name: Tape archive, owner: ops, rto: 2h, restore_time: 4d16h, verify: "tapectl ok"}
"""


def test_times_on_another_day_carry_their_date(
    store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A finish 112 hours away is not '04:10': the status and the customer draft give its date."""
    plan = tmp_path / "long.yaml"
    plan.write_text(LONG)
    code, out, err = run(capsys, "incident", "start", str(plan), "--at", "2026-11-28T12:10:00Z")
    assert code == 0, err
    incident = out.split()[-1]
    code, out, _ = run(capsys, "incident", "status", incident, "--at", "2026-11-28T12:10:00Z")
    assert "projected finish 2026-12-03 04:10 UTC" in out
    assert "next stakeholder update due 12:40 UTC" in out  # today: the time alone
    code, out, err = run(
        capsys, "incident", "update", incident, "--audience", "customer", "--at", "2026-11-28T12:10:00Z"
    )
    assert code == 0, err
    assert "full recovery by about 2026-12-03 04:10 UTC" in out
    assert run(capsys, "incident", "begin", incident, "archive", "--at", "2026-11-28T12:20:00Z")[0] == 0
    code, out, _ = run(capsys, "incident", "status", incident, "--at", "2026-11-29T09:00:00Z")
    assert "#3 2026-11-28 12:20 " in out  # the journal, the day after: its lines carry their date
    code, out, err = run(
        capsys, "incident", "update", incident, "--audience", "technical", "--at", "2026-11-29T09:00:00Z"
    )
    assert code == 0, err
    assert "archive by ops since 2026-11-28 12:20" in out
    for step in (["verify", incident, "archive"], ["restored", incident, "archive"]):
        code, _, err = run(capsys, "incident", *step, "--as", "ann", "--at", "2026-11-29T09:10:00Z")
        assert code == 0, err
    code, out, _ = run(capsys, "report", incident)
    assert "- 2026-11-29 09:10 ann: archive restored" in out  # the review's day is the start's
    assert "- 12:20 " in out


def test_relative_detection_counts_from_now_and_status_shows_it(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--at '50m ago' --detected '53m ago': detected 3 minutes before the declaration (not 103
    minutes ago), and status says when."""
    before = datetime.now(UTC)
    incident = start_at(capsys, "--at", "50m ago", "--detected", "53m ago")
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    status = json.loads(out)
    started, detected = (datetime.fromisoformat(status[k]) for k in ("started", "detected"))
    assert started - detected == timedelta(minutes=3)
    assert timedelta(minutes=52) < before - detected < timedelta(minutes=54)
    code, out, _ = run(capsys, "incident", "status", incident)
    assert code == 0
    assert f"detected {detected:%Y-%m-%d %H:%M} UTC, 3m before it was declared" in out


def test_expired_workarounds_say_so_and_the_plans_own_are_shown(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bypass past its expiry is EXPIRED in status, the executive draft and the report; the
    plan's own open workaround WA-17 (app-api without db-primary's check, expired) is shown."""
    incident = start(capsys)
    args = ["db-primary", "storage-cluster", "--reason", "hangs", "--expires", "1h", "--at", at(10)]
    assert run(capsys, "incident", "bypass", incident, *args)[0] == 0
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json", "--at", at(120))
    status = json.loads(out)
    assert [w["expired"] for w in status["workarounds"]] == [True]
    (planned,) = status["plan_workarounds"]
    assert (planned["id"], planned["service"], planned["expired"]) == ("WA-17", "app-api", True)
    code, text, _ = run(capsys, "incident", "status", incident, "--at", at(120))
    assert "WA-17: app-api runs without the check of db-primary" in text
    assert "EXPIRED 2026-11-11 02:40" in text
    code, md, _ = run(capsys, "incident", "status", incident, "--format", "markdown", "--at", at(120))
    assert "## Open workarounds from the plan" in md
    code, out, _ = run(capsys, "incident", "update", incident, "--audience", "executive", "--at", at(120))
    assert code == 0
    assert "db-primary without the check of storage-cluster EXPIRED since 03:20" in out
    assert "app-api without the check of db-primary (plan WA-17) EXPIRED since 2026-11-11 02:40" in out
    code, _, err = run(
        capsys, "incident", "resolve", incident, "--accept-down", "--accept-workarounds", "--at", at(130)
    )
    assert code == 0, err
    code, out, _ = run(capsys, "report", incident)
    assert "**still open, EXPIRED 2026-11-28 03:20**" in out
    code, out, _ = run(capsys, "report", incident, "--format", "json")
    assert [b["expired"] for b in json.loads(out)["bypasses"]] == [True]


class CountedList(list[str]):
    """A list that counts how often it is searched or walked."""

    reads = 0

    def __contains__(self, item: object) -> bool:
        CountedList.reads += 1
        return super().__contains__(item)

    def __iter__(self) -> Iterator[str]:
        CountedList.reads += 1
        return super().__iter__()


def test_status_json_reads_the_projections_lists_once_not_once_per_task() -> None:
    """Asking each list of the projection for each of 10,000 tasks took 5 s: they are read once."""
    services = [{"id": f"s{i}", "restore_time": "10m", "rto": "1h"} for i in range(40)]
    plan = Plan.model_validate({"version": 1, "name": "wide", "services": services})
    now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    state, _ = initial_state(
        plan, "h", "INC-1", scenario=None, failed=None, title=None, exercise=False, actor="a", at=now
    )
    state.tasks["s3"].state = RESTORED
    state.tasks["s3"].restored = now
    lists = [CountedList(["s1", "s2"]), CountedList(["s2", "s3"]), CountedList(["s2"])]
    projection = Projection(now, {}, now, *lists)
    CountedList.reads = 0
    doc = status_json(state, [], projection, now)
    assert CountedList.reads <= 3
    words = {s["service"]: s["rto_status"] for s in doc["services"]}
    assert (words["s1"], words["s2"], words["s3"], words["s4"]) == ("at risk", "late", "missed", "on track")
    assert all(rto_status(state, t, projection, now) == words[t.service] for t in state.tasks.values())
