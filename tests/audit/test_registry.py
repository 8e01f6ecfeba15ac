"""The registry of audit rules is the one list: the ids a plan's ``policy.rules`` may name, the
severities it may set, the SARIF rule descriptors and the documentation's rules page all agree
with it."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from models.plan import RULE_IDS, RuleSetting
from planner.audit.findings import AuditReport, Finding, Severity
from planner.audit.registry import BY_ID, INVALID_PLAN, RULES, RUN_RULES, rules_markdown
from planner.audit.report_formats import audit_sarif
from planner.errors import PlanError
from planner.planfile.loader import load_source
from planner.planfile.source import Source

ROOT = Path(__file__).resolve().parents[2]
RULES_PAGE = ROOT / "docs" / "audit-rules.md"


def test_the_plan_may_name_exactly_the_registered_rules() -> None:
    assert tuple(r.id for r in RULES) == RULE_IDS
    assert len(BY_ID) == len(RULES)


def test_a_plan_may_set_each_severity_or_off() -> None:
    assert set(get_args(RuleSetting)) == {*(s.value for s in Severity), "off"}


def _with_rules(*ids: str) -> str:
    every = "".join(f"    {rule_id}: info\n" for rule_id in ids)
    return f"version: 1\nname: x\nservices: [{{id: a}}]\npolicy:\n  rules:\n{every}"


def test_a_plan_may_set_every_registered_rule() -> None:
    loaded = load_source(Source("plan.yaml", _with_rules(*BY_ID), "yaml"))
    assert set(loaded.plan.policy.rules) == set(BY_ID)


def test_a_plan_may_not_set_what_is_not_a_rule() -> None:
    with pytest.raises(PlanError, match="unknown audit rule 'invalid-plan'"):
        load_source(Source("plan.yaml", _with_rules("missing-owner", INVALID_PLAN.id), "yaml"))


def test_sarif_describes_the_registered_rules() -> None:
    report = AuditReport(plan_name="p", file="plan.yaml", as_of="2026-11-28", scenario=None)
    report.findings = [Finding("check-fails", Severity.ERROR, "m", line=3)]
    rules = audit_sarif(report)["runs"][0]["tool"]["driver"]["rules"]
    expected = [*RUN_RULES, BY_ID["check-fails"]]
    assert [(d["id"], d["shortDescription"]["text"]) for d in rules] == [(r.id, r.summary) for r in expected]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    assert [d["defaultConfiguration"]["level"] for d in rules] == [levels[r.severity] for r in expected]


def test_every_rule_is_described_and_all_but_check_fails_run() -> None:
    assert all(r.help and r.summary for r in RULES)
    assert [r.id for r in RULES if r.check is None] == ["check-fails"]


def test_the_rules_page_is_made_from_the_registry() -> None:
    """Regenerate it with: python -c 'from planner.audit.registry import rules_markdown;
    print(rules_markdown(), end="")' > docs/audit-rules.md"""
    assert RULES_PAGE.read_text(encoding="utf-8") == rules_markdown()
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.severity} |" in rules_markdown()
