"""The audit report for machines: JSON, and SARIF 2.1.0 (its rule descriptors from
:mod:`planner.audit.registry`); an unreadable plan's report (the text for people is
:mod:`planner.audit.report_text`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import planner
from planner.audit.findings import AuditReport, Finding, Severity
from planner.audit.registry import INVALID_PLAN as INVALID_PLAN_RULE
from planner.audit.registry import RULES, RUN_RULES
from planner.errors import PlanError
from planner.style import visible

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
"""SARIF's level of each severity."""

INVALID_PLAN = INVALID_PLAN_RULE.id


def unreadable_report(error: PlanError, file: str, as_of: str, scenario: str | None) -> AuditReport:
    """The audit report of a plan that could not be loaded: one ``invalid-plan`` error per
    problem, located where the loader located it."""
    findings = [
        Finding(
            rule=INVALID_PLAN,
            severity=INVALID_PLAN_RULE.severity,
            message=p.message,
            service=p.service,
            dependency=p.dependency,
            path=p.path,
            location=p.location,
            line=p.line,
            column=p.column,
        )
        for p in error.problems
    ]
    return AuditReport(plan_name="", file=file, as_of=as_of, scenario=scenario, findings=findings)


def audit_json(report: AuditReport) -> dict[str, Any]:
    """The shape of docs/design/commands.md#audit-json, plus coverage and the verdict."""
    return {
        "plan": report.plan_name,
        "file": report.file,
        "as_of": report.as_of,
        "scenario": report.scenario,
        "findings": [_finding_json(f) for f in report.findings],
        "summary": report.summary(),
        "readiness": [
            {"question": a.question, "answer": a.answer, "detail": a.detail} for a in report.readiness
        ],
        "needs_work": report.needs_work,
        "coverage": {
            name: {"covered": c, "total": t, "share": round(c / t, 4) if t else None}
            for name, (c, t) in report.coverage.items()
        },
        "notes": report.notes,
    }


def _finding_json(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": f.rule, "severity": f.severity}
    for key, value in (
        ("service", f.service),
        ("dependency", f.dependency),
        ("team", f.team),
        ("person", f.person),
    ):
        if value is not None:
            out[key] = value
    out["message"] = f.message
    out["location"] = f.location
    return out


def audit_sarif(report: AuditReport) -> dict[str, Any]:
    """SARIF 2.1.0: one run, every rule described, every result located in the plan file."""
    used = {f.rule for f in report.findings}
    descriptors = list(RUN_RULES)  # every rule an audit runs; the others where they were reported
    if INVALID_PLAN in used:
        descriptors.append(INVALID_PLAN_RULE)
    descriptors += [r for r in RULES if r.check is None and r.id in used]
    rule_ids = [r.id for r in descriptors]
    uri = Path(report.file).as_posix() if report.file != "<stdin>" else "stdin"
    results = []
    for f in report.findings:
        region: dict[str, int] = {"startLine": f.line or 1}
        if f.column:
            region["startColumn"] = f.column
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": rule_ids.index(f.rule),
                "level": _LEVEL[f.severity],
                "message": {"text": visible(f.message)},  # a code-scanning UI shows it as text
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
                "properties": {k: v for k, v in f.subjects().items() if v},
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "recovery-planner",
                        "version": planner.__version__,
                        "informationUri": "https://github.com/recovery-planner/recovery-planner",
                        "rules": [
                            {
                                "id": r.id,
                                "name": r.id,
                                "shortDescription": {"text": r.summary},
                                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                            }
                            for r in descriptors
                        ],
                    }
                },
                "results": results,
                "artifacts": [{"location": {"uri": uri}}],
            }
        ],
    }
