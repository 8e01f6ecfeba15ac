"""Answers on examples/enterprise.yaml checked by hand (reasoning in the comments)."""

from __future__ import annotations

import json

import pytest

from planner.engine.planning import plan_recovery
from planner.planfile.loader import load_valid_plan
from tests.conftest import EXAMPLES

PLAN = EXAMPLES / "enterprise.yaml"


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return load_valid_plan(PLAN)


def test_storage_outage_impact(plan) -> None:  # type: ignore[no-untyped-def]
    p = plan_recovery(plan, scenario="storage-outage")
    # everything with a volume on the cluster, and what hard-depends on those
    assert set(p.impact.impacted) == {
        "storage-cluster",
        "object-store",
        "file-share",
        "backup-vault",
        "db-primary",
        "db-replica",
        "message-queue",
        "secrets-vault",
        "ldap-directory",
        "sso-idp",
        "api-gateway",
        "app-api",
        "orders-service",
        "payments-gateway",
        "fraud-scoring",
        "billing-batch",
        "service-desk",
        "metrics-tsdb",
        "log-pipeline",
        "web-frontend",
        "mobile-bff",
    }
    # alerting only soft-depends on metrics-tsdb: it keeps paging, without graphs
    assert p.impact.degraded == ("alerting",)
    assert p.impact.path("web-frontend") == ("storage-cluster", "db-primary", "app-api", "web-frontend")
    assert len(p.impact.critical) == 11


def test_storage_outage_waves(plan) -> None:  # type: ignore[no-untyped-def]
    p = plan_recovery(plan, scenario="storage-outage")
    assert p.waves == [
        ["storage-cluster"],
        # critical by RTO (45m, 1h30m, 2h, 2h), then high (2h, 3h, 12h), then medium
        [
            "secrets-vault",
            "ldap-directory",
            "db-primary",
            "message-queue",
            "metrics-tsdb",
            "object-store",
            "backup-vault",
            "file-share",
        ],
        ["sso-idp", "payments-gateway", "orders-service", "db-replica", "log-pipeline"],
        ["api-gateway", "fraud-scoring", "service-desk", "billing-batch"],
        ["app-api"],
        ["web-frontend", "mobile-bff"],
    ]


def test_storage_outage_schedule(plan) -> None:  # type: ignore[no-untyped-def]
    p = plan_recovery(plan, scenario="storage-outage")
    t = {task.service: task for task in p.schedule.tasks()}
    minutes = {s: (task.start // 60, task.finish // 60) for s, task in t.items()}
    assert minutes["storage-cluster"] == (0, 45)  # restore_time 45m
    # storage team has one slot: object-store (deadline 3h) before file-share (8h), backup (12h)
    assert minutes["object-store"] == (45, 50)
    assert minutes["file-share"] == (50, 55)
    assert minutes["backup-vault"] == (55, 55)  # no restart_time: instant once storage is back
    # identity has one slot: the vault (RTO 45m) first, then LDAP, then SSO once both are back
    assert minutes["secrets-vault"] == (45, 50)
    assert minutes["ldap-directory"] == (50, 55)
    assert minutes["sso-idp"] == (55, 60)
    assert p.schedule.makespan == 75 * 60
    assert p.schedule.critical_path == [
        "storage-cluster",
        "ldap-directory",
        "sso-idp",
        "api-gateway",
        "app-api",
        "mobile-bff",
    ]
    # the vault's RTO (45m) is below storage restore + its own restart (45m + 5m)
    [miss] = p.rto.all
    assert (miss.service, miss.unachievable, miss.late_by) == ("secrets-vault", True, 5 * 60)
    [lever] = miss.levers
    assert (lever.kind, lever.target, lever.amount, lever.verified) == (
        "shorten",
        "storage-cluster",
        300,
        True,
    )


def test_full_outage_rto_analysis(plan) -> None:  # type: ignore[no-untyped-def]
    p = plan_recovery(plan)
    by = {m.service: m for m in p.rto.all}
    assert set(by) == {"secrets-vault", "ldap-directory", "sso-idp"}
    # network 20m + dns 10m + storage 45m + vault 20m = 95m > 45m: no single task absorbs 50m
    vault = by["secrets-vault"]
    assert vault.unachievable
    assert vault.earliest_finish == 95 * 60
    assert p.rto.chain(vault) == ("network-core", "dns-internal", "storage-cluster", "secrets-vault")
    assert vault.levers[0].kind == "relax-rto"
    # LDAP: 20 + 10 + 45 + 25 = 100m > 90m: cutting the storage restore by 10m fixes it
    ldap = by["ldap-directory"]
    assert ldap.unachievable
    assert ldap.levers[0].describe() == "shorten storage-cluster's task by 10m"
    # SSO could make 2h with unlimited staff, but identity's single slot runs vault and LDAP first
    sso = by["sso-idp"]
    assert not sso.unachievable
    assert sso.earliest_finish == 120 * 60
    assert sso.finish == 135 * 60
    assert (sso.levers[0].kind, sso.levers[0].target, sso.levers[0].amount) == ("capacity", "identity", 1)
    assert sso.levers[0].verified


def test_regional_dns_outage(plan) -> None:  # type: ignore[no-untyped-def]
    p = plan_recovery(plan, scenario="dns-eu-outage")
    assert p.waves == [["dns-eu-resolver"], ["status-page", "email-relay"], ["service-desk"]]
    t = {task.service: task for task in p.schedule.tasks()}
    assert t["dns-eu-resolver"].team == "(unowned)"  # nobody owns it
    assert p.schedule.makespan == 27 * 60
    assert not p.rto.all


def test_order_json_shape(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("order", PLAN, "--scenario", "storage-outage", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert set(data) >= {"scenario", "failed", "impacted", "degraded", "waves"}
    assert data["scenario"] == "storage-outage"
    assert data["failed"] == ["storage-cluster"]


def test_schedule_json_shape(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schedule", PLAN, "--scenario", "storage-outage", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["makespan"] == 75
    assert data["critical_path"][0] == "storage-cluster"
    task = next(t for t in data["tasks"] if t["service"] == "db-primary")
    assert set(task) >= {"service", "team", "start", "finish", "rto", "meets_rto", "earliest_finish"}
    assert (task["team"], task["start"], task["finish"], task["rto"], task["meets_rto"]) == (
        "dba",
        45,
        55,
        120,
        True,
    )
    assert data["rto_misses"][0]["service"] == "secrets-vault"


def test_schedule_text(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schedule", PLAN)
    assert result.code == 0
    assert "RTO misses: 3 (2 unachievable even with unlimited staff, 1 from team capacity)" in result.out
    assert "fix: raise team identity's capacity by 1" in result.out
    assert "\x1b[" not in result.out  # piped: no colour codes


def test_impact_text_and_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("impact", PLAN, "dns-eu-resolver")
    assert result.code == 0
    assert "4 services down" in result.out
    assert "NO OWNER" in result.out
    data = json.loads(run_cli("impact", PLAN, "storage-cluster", "--format", "json").out)
    assert data["paths"]["app-api"] == ["storage-cluster", "db-primary", "app-api"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["order", PLAN, "--scenario", "storage-outgae"],
            "unknown scenario 'storage-outgae'; did you mean 'storage-outage'?",
        ),
        (
            ["order", PLAN, "--failed", "storage-clustr"],
            "unknown service 'storage-clustr'; did you mean 'storage-cluster'?",
        ),
        (["schedule", PLAN, "--scenario", "x", "--failed", "dns-internal"], "not both"),
        (["impact", PLAN, "nope"], "unknown service 'nope'"),
        (["order", EXAMPLES / "missing.yaml"], "no such file"),
    ],
)
def test_bad_arguments_exit_2(run_cli, args, words) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*args)
    assert result.code == 2
    assert words in result.err
    assert "Traceback" not in result.err


def test_invalid_plan_is_never_half_used(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("schedule", EXAMPLES.parent / "tests" / "data" / "bad" / "cycle.yaml")
    assert result.code == 2
    assert result.out == ""
    assert "cycle" in result.err


def test_failed_accepts_comma_list_and_repeats(run_cli) -> None:  # type: ignore[no-untyped-def]
    a = json.loads(run_cli("order", PLAN, "--failed", "ntp,cdn-edge", "--format", "json").out)
    b = json.loads(run_cli("order", PLAN, "--failed", "ntp", "--failed", "cdn-edge", "--format", "json").out)
    assert a == b
    assert a["failed"] == ["cdn-edge", "ntp"]
