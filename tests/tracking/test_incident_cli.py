"""``planner incident``, ``report`` and ``kpi`` on the enterprise example, as a scribe uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.plan import Plan
from planner.planfile.loader import load_valid_plan
from planner.tracking.domain.opening import rebuild
from planner.tracking.persistence.store import Store
from tests.helpers.incident_cli import ENTERPRISE, at, restore, run, start


def journal(path: Path, incident: str) -> list[object]:
    return list(Store(path).events(incident))


def test_start_prints_the_id_last_and_list_shows_it(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys, "--title", "Storage cluster down in DC-A")
    assert incident == "INC-1"
    drill = start(capsys, "--exercise")
    assert drill == "DRILL-2"
    code, out, _ = run(capsys, "incident", "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)["incidents"]
    assert [(i["id"], i["title"], i["scenario"], i["state"]) for i in listed] == [
        ("INC-1", "Storage cluster down in DC-A", "storage-outage", "open"),
        ("DRILL-2", "Recovery of Acme Corp production: Storage cluster failure", "storage-outage", "open"),
    ]
    assert listed[0]["started"] == "2026-11-28T02:10:00+00:00"


def test_status_json_has_services_with_checks_and_the_whole_journal(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    run(capsys, "incident", "begin", incident, "storage-cluster", "--at", at(2), "--as", "alice")
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    assert code == 0
    data = json.loads(out)
    services = {s["service"]: s for s in data["services"]}
    assert len(services) == 21
    assert services["storage-cluster"]["state"] == "restoring"
    assert services["db-primary"]["checks"] == {"storage-cluster": "pending"}
    assert services["db-primary"]["blocked_by"] == ["storage-cluster"]
    assert [e["kind"] for e in data["journal"]] == ["incident_started", "task_begun"]
    assert data["journal"][1]["text"] == "began restoring storage-cluster"
    assert data["journal"][1]["actor"] == "alice"


def test_restored_is_refused_until_dependencies_checks_and_verify(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    run(capsys, "incident", "begin", incident, "storage-cluster", "--at", at(1))
    run(capsys, "incident", "begin", incident, "db-primary", "--at", at(2))
    before = len(journal(store, incident))
    code, _, err = run(capsys, "incident", "restored", incident, "db-primary", "--at", at(3))
    assert code == 1
    assert err.startswith("refused: db-primary: waiting on storage-cluster (restoring), check ")
    assert "'storagectl volume status orders' not passed" in err
    assert "own verify 'pg_isready" in err
    assert len(journal(store, incident)) == before, "a refusal wrote to the journal"
    code, _, err = run(capsys, "incident", "check", incident, "db-primary", "storage-cluster", "--pass")
    assert code == 1
    assert "storage-cluster is restoring; restore it first" in err
    restore(capsys, incident, "storage-cluster", 40)
    restore(capsys, incident, "db-primary", 55)
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    assert {s["service"]: s["state"] for s in json.loads(out)["services"]}["db-primary"] == "restored"


def test_a_check_without_a_command_needs_what_was_observed(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    restore(capsys, incident, "file-share", 45)
    run(capsys, "incident", "begin", incident, "billing-batch", "--at", at(46))
    plan = load_valid_plan(ENTERPRISE)
    batch = next(s for s in plan.services if s.id == "billing-batch")
    assert next(d for d in batch.depends_on if d.service == "file-share").check is None
    code, _, err = run(capsys, "incident", "check", incident, "billing-batch", "file-share", "--pass")
    assert code == 1
    assert "no check command" in err
    assert "--observed" in err
    code, out, _ = run(
        capsys,
        "incident",
        "check",
        incident,
        "billing-batch",
        "file-share",
        "--pass",
        "--observed",
        "smb ls ok",
    )
    assert code == 0
    assert "passed (smb ls ok)" in out


def test_bypass_is_a_tracked_workaround_until_removed(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    code, _, err = run(
        capsys, "incident", "bypass", incident, "db-primary", "storage-cluster", "--reason", " "
    )
    assert code == 1
    assert "needs a reason" in err
    code, out, err = run(
        capsys,
        "incident",
        "bypass",
        incident,
        "db-primary",
        "storage-cluster",
        "--reason",
        "storagectl hangs; volume mounted by hand",
        "--expires",
        "12h",
        "--as",
        "dave",
        "--at",
        at(20),
    )
    assert code == 0, err
    assert "INC-1-WA1" in out
    assert "remove-workaround INC-1-WA1" in err
    code, out, _ = run(capsys, "audit", str(ENTERPRISE), "--store", str(store), "--format", "json")
    found = [
        f
        for f in json.loads(out)["findings"]
        if f["rule"] == "bypassed-check" and "INC-1-WA1" in f["message"]
    ]
    assert len(found) == 1
    assert found[0]["service"] == "db-primary"
    assert "applied by dave" in found[0]["message"]
    assert "team dba must remove it" in found[0]["message"]
    code, _, err = run(capsys, "incident", "remove-workaround", "INC-1-WA1")
    assert code == 1
    assert "still bypassed by INC-1-WA1: pass it first" in err
    code, _, err = run(capsys, "incident", "resolve", incident)
    assert code == 1
    assert "INC-1-WA1: db-primary bypasses the check of storage-cluster" in err
    code, _, err = run(capsys, "incident", "resolve", incident, "--accept-workarounds", "--at", at(300))
    assert code == 1
    assert "services are not restored" in err
    code, _, _ = run(
        capsys, "incident", "resolve", incident, "--accept-workarounds", "--accept-down", "--at", at(300)
    )
    assert code == 0
    code, out, _ = run(capsys, "report", incident)
    assert "- [ ] remove INC-1-WA1: db-primary without the check of storage-cluster (owner dba)" in out
    assert "**still open" in out  # with EXPIRED once its 12 hours are over
    code, _, _ = run(capsys, "incident", "remove-workaround", "INC-1-WA1", "--as", "dave")
    assert code == 0
    code, out, _ = run(capsys, "audit", str(ENTERPRISE), "--store", str(store), "--format", "json")
    assert not [f for f in json.loads(out)["findings"] if "INC-1-WA1" in f["message"]]


def test_a_dependency_failing_again_reopens_its_restored_dependents(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    restore(capsys, incident, "db-primary", 55)
    restore(capsys, incident, "db-replica", 70)
    code, out, _ = run(capsys, "incident", "fail", incident, "storage-cluster", "--at", at(80))
    assert code == 0
    assert "storage-cluster FAILED AGAIN; reopened db-primary, db-replica" in out
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    services = {s["service"]: s for s in json.loads(out)["services"]}
    assert services["db-primary"]["state"] == "down"
    assert services["db-primary"]["reopened"] == 1
    assert services["db-primary"]["checks"] == {"storage-cluster": "pending"}
    assert services["db-replica"]["checks"] == {"db-primary": "pending", "storage-cluster": "pending"}
    code, out, _ = run(capsys, "incident", "status", incident)
    assert "reopened" in out
    code, out, _ = run(capsys, "report", incident, "--format", "json")
    review = json.loads(out)
    assert review["reopened"][0]["reopened"] == ["db-primary", "db-replica"]
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    services = {s["service"]: s for s in json.loads(out)["services"]}
    assert services["db-primary"]["restored"] is None  # down again: its restoration no longer holds
    code, out, _ = run(capsys, "kpi", "--format", "json")
    real = json.loads(out)["real"]
    assert real["failed_again_share"] == real["reopened_share"] == 1.0
    code, out, _ = run(capsys, "kpi")
    assert "failed again after restore: 100%" in out
    assert "reopened" not in out  # no incident was reopened


def test_the_fold_of_the_journal_equals_the_stored_state(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    run(
        capsys,
        "incident",
        "bypass",
        incident,
        "db-primary",
        "storage-cluster",
        "--reason",
        "r",
        "--at",
        at(41),
    )
    run(capsys, "incident", "escalate", incident, "db-primary", "--at", at(42))
    run(capsys, "incident", "fail", incident, "storage-cluster", "--at", at(43))
    run(capsys, "incident", "update", incident, "--at", at(44))
    db = Store(store)
    live = db.snapshot(incident)
    assert live is not None
    plan_text = db.plan_text(live.row.plan_hash)
    assert plan_text is not None
    plan = load_valid_plan(ENTERPRISE)
    assert isinstance(plan, Plan)
    folded = rebuild(plan, db.events(incident))
    assert (folded.row, folded.tasks, folded.check_rows, folded.wa_rows) == (
        live.row,
        live.tasks,
        live.check_rows,
        live.wa_rows,
    )


def test_update_drafts_from_the_state_and_resets_the_cadence(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    restore(capsys, incident, "storage-cluster", 40)
    run(capsys, "incident", "begin", incident, "db-primary", "--at", at(45), "--as", "dave")
    code, out, _ = run(capsys, "incident", "status", incident)
    assert "stakeholder update OVERDUE" in out
    code, draft, _ = run(capsys, "incident", "update", incident, "--draft", "--at", at(50))
    assert code == 0
    assert draft.startswith("[technical] Incident INC-1:")
    for part in (
        "Conditions: 20 of 21 impacted services not restored",
        "critical: ",
        "Actions: restoring db-primary by dba since 02:55",
        "Needs:",
        "Restored so far: Primary storage cluster.",
        "ETA: all services back by about",
        "Next update by 03:30 UTC.",
    ):
        assert part in draft, part
    assert len(journal(store, incident)) == 1 + 3 + 1, "--draft logged something"
    code, out, err = run(capsys, "incident", "update", incident, "--audience", "customer", "--at", at(50))
    assert code == 0
    assert "We are experiencing a disruption affecting" in out
    assert "customer update sent" in err or "customer update sent" in out
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    assert json.loads(out)["next_update_due"] == "2026-11-28T03:30:00+00:00"


def test_escalation_follows_the_path_then_refuses(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    plan = load_valid_plan(ENTERPRISE)
    path = next(t for t in plan.teams if t.id == "dba").escalation
    paged = []
    for _ in path:
        code, out, _ = run(capsys, "incident", "escalate", incident, "db-primary")
        assert code == 0
        first, how = out.splitlines()
        paged.append(first.split()[-1])
        assert how.startswith("page ")
    assert paged == list(path)
    code, _, err = run(capsys, "incident", "escalate", incident, "db-primary")
    assert code == 1
    assert "everyone on dba's escalation path was paged" in err
    assert "page the incident commander (" in err  # what to do next, and who that is


def test_bad_input_is_a_clear_error(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys)
    code, _, err = run(capsys, "incident", "begin", "INC-9", "db-primary")
    assert code == 2
    assert "no incident INC-9" in err
    code, _, err = run(capsys, "incident", "begin", incident, "db-primry")
    assert code == 2
    assert "did you mean 'db-primary'" in err
    code, _, err = run(capsys, "incident", "begin", incident, "db-primary", "--at", "yesterday-ish")
    assert code == 2
    assert "--at 'yesterday-ish'" in err
    code, _, err = run(capsys, "incident", "begin", incident, "db-primary", "--at", "2099-01-01T00:00Z")
    assert code == 2
    assert "in the future" in err
    code, _, err = run(capsys, "incident", "begin", incident, "db-primary", "--at", "2026-11-28T01:00Z")
    assert code == 1
    assert "before INC-1 started" in err
    code, _, err = run(capsys, "incident", "check", incident, "db-primary", "storage-cluster")
    assert code == 2
    assert "--pass, --fail or --run" in err
    code, _, err = run(capsys, "incident", "start", str(ENTERPRISE), "--scenario", "storage-outag")
    assert code == 2
    assert "storage-outage" in err


def test_report_and_kpis_after_a_resolved_drill(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incident = start(capsys, "--exercise", "--detected", "2026-11-28T02:02:00Z")
    restore(capsys, incident, "storage-cluster", 50)
    run(capsys, "incident", "note", incident, "storage alert fired at 02:02, paged alice", "--at", at(1))
    run(capsys, "incident", "update", incident, "--at", at(55))
    run(capsys, "incident", "resolve", incident, "--accept-down", "--at", at(110))
    code, out, _ = run(capsys, "report", incident)
    assert code == 0
    for heading in (
        "## Timeline",
        "## Downtime against RTO",
        "## Reopened",
        "## Bypasses and workarounds",
        "## Stakeholder updates",
        "## Escalations",
        "## Estimate vs actual",
        "### Which decisions slowed recovery?",
        "### Which alerts helped?",
        "### Which teams lacked information?",
        "### What action prevents recurrence?",
    ):
        assert heading in out, heading
    assert "- declared: 2026-11-28 02:10 UTC (8m after detection)" in out
    assert "| storage-cluster | storage | 03:00 | 58m | 1h30m | yes |" in out  # from the detection at 02:02
    assert "gap of 55m: 02:10 to 03:05" in out
    assert "storage alert fired" in out
    code, out, _ = run(capsys, "report", incident, "--format", "json")
    review = json.loads(out)
    assert review["detection_to_declaration_minutes"] == 8.0
    assert review["updates"]["kept"] is False
    code, out, _ = run(capsys, "kpi", "--format", "json")
    data = json.loads(out)
    assert data["exercises"]["incidents"] == 1
    assert data["real"]["incidents"] == 0
    assert data["exercises"]["mttd_minutes"] == 8.0
    assert data["exercises"]["mttr_minutes"] == 110.0
    assert data["by_quarter"][0]["quarter"] == "2026-Q4"
    assert data["by_quarter"][0]["exercises"] == 1
    code, _, err = run(capsys, "incident", "reviewed", incident, "--summary", "wiki/PIR-1")
    assert code == 0, err
    code, out, _ = run(capsys, "audit", str(ENTERPRISE), "--store", str(store), "--format", "json")
    answers = {r["question"]: r["answer"] for r in json.loads(out)["readiness"]}
    assert (
        answers["Are post-incident reviews mandatory (done for every resolved incident in the journal)?"]
        == "yes"
    )
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "exercise-overdue"]


def test_track_needs_a_terminal(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "track", str(ENTERPRISE), "--scenario", "storage-outage")
    assert code == 2
    assert "needs a terminal" in err
    assert not store.exists(), "no incident is started without a screen to track it"


def test_track_resuming_from_a_mistyped_store_is_an_error_not_a_new_store(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.cli import track_command

    monkeypatch.setattr(track_command, "_require_terminal", lambda: None)
    typo = store.parent / "incidnets.db"
    code, _, err = run(capsys, "track", str(ENTERPRISE), "--store", str(typo), "--incident", "INC-1")
    assert code == 2
    assert f"no incident store at {typo}" in err
    assert not typo.exists()


def test_a_role_goes_to_one_of_the_plans_people_unless_outside_plan(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = start(capsys)
    code, _, err = run(capsys, "incident", "role", incident, "scribe", "alcie", "--at", at(1))
    assert code == 2
    assert "alcie is not one of the plan's people" in err
    assert "did you mean 'alice'?" in err
    code, _, err = run(
        capsys, "incident", "role", incident, "scribe", "vendor-joe", "--outside-plan", "--at", at(2)
    )
    assert code == 0, err
