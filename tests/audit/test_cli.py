"""``planner audit`` on the enterprise example, its output formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import DATA, EXAMPLES

PLAN = EXAMPLES / "enterprise.yaml"
AS_OF = "2026-11-28"


def findings(run_cli, *extra: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    result = run_cli("audit", PLAN, "--as-of", AS_OF, "--format", "json", *extra)
    assert result.code == 1, result.err
    return json.loads(result.out)["findings"]  # type: ignore[no-any-return]


def test_enterprise_findings_written_down(run_cli) -> None:  # type: ignore[no-untyped-def]
    got = {(f["rule"], f.get("service") or f.get("team") or "") for f in findings(run_cli)}
    expected = {
        # the open, expired workaround from INC-2211
        ("bypassed-check", "app-api"),
        ("expired-workaround", "app-api"),
        # the contractor-built resolvers nobody owns
        ("missing-owner", "dns-eu-resolver"),
        ("missing-runbook", "dns-eu-resolver"),
        # 20m + 10m + 45m + 20m = 95m against 45m; 100m against 90m
        ("rto-unachievable", "secrets-vault"),
        ("rto-unachievable", "ldap-directory"),
        ("rto-inversion", "secrets-vault"),
        # identity's single slot runs vault and LDAP first
        ("rto-at-risk", "sso-idp"),
        ("unchecked-dependency", "api-gateway"),
        ("unchecked-dependency", "billing-batch"),
        ("unchecked-dependency", "file-share"),
        ("unchecked-dependency", "metrics-tsdb"),
        ("unchecked-dependency", "mobile-bff"),
        ("unchecked-dependency", "ntp"),
        ("unchecked-dependency", "payments-gateway"),
        ("stale-runbook", "billing-batch"),
        ("stale-runbook", "file-share"),
        ("stale-runbook", "ntp"),
        ("stale-runbook", "service-desk"),
        ("missing-runbook", "fraud-scoring"),
        ("missing-runbook", "mobile-bff"),
        ("escalation-untested", "itsm"),
        ("escalation-untested", "platform"),
        ("no-escalation", "itsm"),
        ("single-contact", "identity"),
        ("single-contact", "itsm"),
        ("exercise-overdue", ""),
        ("single-point-of-failure", "network-core"),
        ("single-point-of-failure", "dns-internal"),
        ("single-point-of-failure", "storage-cluster"),
    }
    assert got == expected


def test_enterprise_workaround_finding_names_who_why_when(run_cli) -> None:  # type: ignore[no-untyped-def]
    expired = next(f for f in findings(run_cli) if f["rule"] == "expired-workaround")
    assert "WA-17" in expired["message"]
    assert "lena" in expired["message"]
    assert "2026-11-11" in expired["message"]
    assert "team web" in expired["message"]
    assert expired["location"].startswith(f"{PLAN}:")


def test_regional_dns_scenario_flags_the_unowned_resolver(run_cli) -> None:  # type: ignore[no-untyped-def]
    got = findings(run_cli, "--scenario", "dns-eu-outage")
    owner = [f for f in got if f["rule"] == "missing-owner"]
    assert [f["service"] for f in owner] == ["dns-eu-resolver"]
    assert owner[0]["severity"] == "error"
    assert "nobody owns dns-eu-resolver restoration during Regional DNS outage (EU)" in owner[0]["message"]
    assert {f.get("service") for f in got} <= {
        "dns-eu-resolver",
        "email-relay",
        "status-page",
        "service-desk",
        None,
    }


def test_json_shape_summary_readiness_coverage(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", PLAN, "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.out)
    assert data["summary"] == {"error": 5, "warning": 20, "info": 5}
    assert [a["answer"] for a in data["readiness"]] == ["yes", "no", "no", "no", "unknown", "no"]
    assert data["needs_work"] is True
    assert data["coverage"]["checked hard dependencies"] == {"covered": 53, "total": 60, "share": 0.8833}
    first = data["findings"][0]
    assert set(first) >= {"rule", "severity", "message", "location"}


def test_text_output(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", PLAN, "--as-of", AS_OF)
    assert result.code == 1
    out = result.out
    assert out.index("ERRORS (5)") < out.index("WARNINGS (20)") < out.index("INFO (5)")
    assert "Summary: 5 errors, 20 warnings, 5 info (30 findings)" in out
    assert "the plan needs work before the next exercise" in out
    assert "checked hard dependencies" in out
    assert "\x1b[" not in out


def test_sarif_validates_against_the_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", PLAN, "--as-of", AS_OF, "--format", "sarif")
    assert result.code == 1
    sarif = json.loads(result.out)
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == 30
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] > 1
    levels = {r["level"] for r in results}
    assert levels == {"error", "warning", "note"}


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on(run_cli, fail_on: str, code: int) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("audit", PLAN, "--as-of", AS_OF, "--fail-on", fail_on).code == code


def test_clean_small_plan_exits_0_on_errors(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", EXAMPLES / "small.yaml", "--as-of", "2026-11-01")
    assert result.code == 0, result.out
    assert (
        run_cli("audit", EXAMPLES / "small.yaml", "--as-of", "2026-11-01", "--fail-on", "warning").code == 1
    )


def test_referential_errors_exit_1_structural_exit_2(run_cli) -> None:  # type: ignore[no-untyped-def]
    cycle = run_cli("audit", DATA / "bad" / "cycle.yaml", "--format", "json")
    assert cycle.code == 1
    assert any(f["rule"] == "dependency-cycle" for f in json.loads(cycle.out)["findings"])
    broken = run_cli("audit", DATA / "bad" / "unknown-top-key.yaml")
    assert broken.code == 2
    assert "unknown key 'servics'" in broken.err


def test_all_scenarios(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", PLAN, "--as-of", AS_OF, "--all-scenarios")
    assert "Worst scenarios (4 scenarios and all 32 single-service failures" in result.out
    data = json.loads(run_cli("audit", PLAN, "--as-of", AS_OF, "--all-scenarios", "--format", "json").out)
    worst = data["scenarios"][0]
    assert worst["rto_misses"] >= 1
    assert {s["id"] for s in data["scenarios"]} >= {"storage-outage", "dns-eu-outage", "fail:ntp"}


def test_bad_as_of_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", PLAN, "--as-of", "next tuesday")
    assert result.code == 2
    assert "--as-of" in result.err


def test_unknown_scenario(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("audit", PLAN, "--scenario", "dns-outage")
    assert result.code == 2
    assert "did you mean 'dns-eu-outage'?" in result.err


@pytest.mark.parametrize(
    ("plan", "words"),
    [
        ("missing.yaml", "no such file"),
        ("bad/not-utf8.yaml", "not valid UTF-8"),
        ("bad/syntax-unclosed-bracket.yaml", "YAML syntax error"),
        ("bad/alias-bomb.yaml", "alias"),
    ],
)
def test_an_unreadable_plan_still_gets_a_json_and_a_sarif_document(run_cli, plan: str, words: str) -> None:  # type: ignore[no-untyped-def]
    """CI uploads the document whatever happens: it must parse, and say why nothing was audited."""
    path = DATA / plan
    as_json = run_cli("audit", path, "--format", "json")
    assert as_json.code == 2
    assert words in as_json.err
    data = json.loads(as_json.out)
    assert [f["rule"] for f in data["findings"]] == ["invalid-plan"]
    assert words in data["findings"][0]["message"]
    as_sarif = run_cli("audit", path, "--format", "sarif")
    assert as_sarif.code == 2
    sarif = json.loads(as_sarif.out)
    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "invalid-plan"
    assert run_cli("audit", path).out == ""  # text: the message on stderr only, as before
