"""``planner exercise score --write PLAN`` on the enterprise example: only the exercise lines
change (comments, key order and quotes kept), the audit findings they answer clear, and writing
the same exercise again changes nothing; and ``planner exercise plan`` ranks what to exercise."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from tests.helpers.incident_cli import ENTERPRISE, T0, at, restore, run


def exercise_findings(capsys: pytest.CaptureFixture[str], plan: Path) -> set[tuple[str, str | None]]:
    code, out, _ = run(
        capsys, "audit", str(plan), "--as-of", "2026-12-31", "--format", "json", "--fail-on", "never"
    )
    assert code == 0
    wanted = {"exercise-overdue", "escalation-untested"}
    return {(f["rule"], f.get("team")) for f in json.loads(out)["findings"] if f["rule"] in wanted}


def test_the_exercise_is_written_back_and_its_findings_clear(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = store.parent / "enterprise.yaml"
    shutil.copy(ENTERPRISE, plan)
    before_findings = exercise_findings(capsys, plan)
    assert {("exercise-overdue", None), ("escalation-untested", "storage")} <= before_findings
    code, out, _ = run(capsys, "exercise", "start", str(plan), "--scenario", "storage-outage", "--at", T0)
    drill = out.split()[-1]
    run(capsys, "incident", "begin", drill, "storage-cluster", "--at", at(2), "--as", "dave")
    run(capsys, "incident", "escalate", drill, "storage-cluster", "--at", at(5), "--as", "grace")
    restore(capsys, drill, "storage-cluster", 40)
    code, out, err = run(capsys, "exercise", "score", drill, "--format", "json", "--write", str(plan))
    assert code == 0, err
    total = json.loads(out)["score"]
    original = ENTERPRISE.read_text().splitlines()
    written = plan.read_text().splitlines()
    changed = [
        line for line in difflib.ndiff(original, written) if line.startswith(("- ", "+ "))
    ]  # the diff, shown when this fails
    assert changed == [
        "-     escalation_tested: 2026-09-30",  # team storage, paged in the drill
        "+     escalation_tested: 2026-11-28",
        "+   - scenario: storage-outage",
        "+     date: 2026-11-28",
        f"+     score: {total}",
    ]
    assert "+    escalation_tested: 2026-11-28" in err  # the diff, on standard error
    after_findings = exercise_findings(capsys, plan)
    assert after_findings == before_findings - {
        ("exercise-overdue", None),
        ("escalation-untested", "storage"),
    }
    code, _, err = run(capsys, "exercise", "score", drill, "--write", str(plan))
    assert code == 0
    assert "already records this exercise" in err
    assert plan.read_text().splitlines() == written


def test_exercise_plan_ranks_the_overdue_and_names_who_takes_part(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "exercise", "plan", str(ENTERPRISE), "--as-of", "2026-12-01", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    ranked = [(s["id"], s["overdue"], s["last_exercised"]) for s in data["scenarios"]]
    assert ranked[0] == ("storage-outage", True, "2026-08-20")  # overdue and misses an RTO
    assert {s for s, *_ in ranked} == {"storage-outage", "core-network", "dns-eu-outage", "identity-outage"}
    assert data["roles"]["incident_commander"] == "grace"
    assert {"team": "platform", "person": "ivan", "tested": "2026-03-12"} in data["untested_escalation"]
    assert "storage" in data["teams"]
    assert {"service": "storage-cluster", "dependency": None, "command": "storagectl health --all"} in data[
        "dry_run"
    ]
    code, out, _ = run(capsys, "exercise", "plan", str(ENTERPRISE), "--as-of", "2026-08-21")
    assert "1. core-network" in out  # storage-outage was exercised the day before: not first
    code, _, err = run(capsys, "exercise", "plan", str(ENTERPRISE), "--as-of", "tomorrow")
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_a_drill_is_written_back_only_into_its_own_plan(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = store.parent / "small.yaml"
    shutil.copy(ENTERPRISE.parent / "small.yaml", other)
    code, out, _ = run(
        capsys, "exercise", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--at", T0
    )
    drill = out.split()[-1]
    code, _, err = run(capsys, "exercise", "score", drill, "--write", str(other))
    assert code == 2
    assert "is a drill of the plan 'Acme" in err
    assert other.read_text() == (ENTERPRISE.parent / "small.yaml").read_text()
    code, out, _ = run(
        capsys, "incident", "start", str(ENTERPRISE), "--failed", "dns-internal", "--exercise", "--at", T0
    )
    plan = store.parent / "enterprise.yaml"
    shutil.copy(ENTERPRISE, plan)
    code, _, err = run(capsys, "exercise", "score", out.split()[-1], "--write", str(plan))
    assert code == 2
    assert "not a scenario of" in err
