"""Running the audit rules: with the plan's severity overrides, in report order, located in the
plan file."""

from __future__ import annotations

from planner.audit.context import AuditContext
from planner.audit.findings import SEVERITY_ORDER, Finding, ReadinessAnswer, Severity
from planner.audit.readiness import coverage, readiness
from planner.audit.registry import RUN_RULES, Rule
from planner.planfile.loader import LoadedPlan, list_lengths


def whole(
    ctx: AuditContext, reviews: tuple[int, int] | None
) -> tuple[list[Finding], list[ReadinessAnswer], dict[str, tuple[int, int]]]:
    """Every rule, the checklist and coverage, in this process."""
    return located_findings(ctx, list(RUN_RULES)), readiness(ctx, reviews), coverage(ctx)


def run_rules(ctx: AuditContext, rules: list[Rule]) -> list[Finding]:
    """Run ``rules`` with the plan's severity overrides."""
    overrides = ctx.plan.policy.rules
    findings: list[Finding] = []
    for rule in rules:
        setting = overrides.get(rule.id, rule.severity)
        if setting == "off" or rule.check is None:
            continue
        severity = Severity(setting)
        for finding in rule.check(ctx):
            finding.severity = severity
            findings.append(finding)
    return findings


def located_findings(ctx: AuditContext, rules: list[Rule]) -> list[Finding]:
    """Run ``rules``; their findings in report order, located (in that order: neighbouring
    paths one after another read fastest)."""
    findings = run_rules(ctx, rules)
    findings.sort(key=report_order)
    return locate(ctx.loaded, findings)


def report_order(f: Finding) -> tuple[int, str, str, str, str]:
    """Errors first, then by service, rule, dependency and message."""
    return (SEVERITY_ORDER[f.severity], f.service or "~", f.rule, f.dependency or "", f.message)


def locate(loaded: LoadedPlan, findings: list[Finding]) -> list[Finding]:
    """Give each finding its place in the plan file (line 1 when its path is not found)."""
    positions = loaded.source.locate([f.path for f in findings], list_lengths(loaded.plan))
    name = loaded.source.name
    for f in findings:
        pos = positions.get(f.path)
        if pos is None:
            f.location, f.line = f"{name}:1", 1
        else:
            f.location, f.line, f.column = f"{name}:{pos.line}:{pos.column}", pos.line, pos.column
    return findings
