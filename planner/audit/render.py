"""Audit output: text for people (grouped by severity, then service), JSON, and SARIF 2.1.0."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Any

import planner
from planner.audit.findings import AuditReport, Finding
from planner.audit.rules import RULES
from planner.errors import PlanError
from planner.style import Style, plain, plural, visible

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

INVALID_PLAN = "invalid-plan"
"""Not an audit rule: what a JSON or SARIF audit reports when the plan cannot be read at all,
so that a CI job uploading the document still gets one (and the job fails on exit 2)."""
_INVALID_PLAN_SUMMARY = "the plan cannot be read or is not a valid plan; nothing else was audited"


def unreadable_report(error: PlanError, file: str, as_of: str, scenario: str | None) -> AuditReport:
    """The audit report of a plan that could not be loaded: one ``invalid-plan`` error per
    problem, located where the loader located it."""
    findings = [
        Finding(
            rule=INVALID_PLAN,
            severity="error",
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


_HEADING = {"error": "ERRORS", "warning": "WARNINGS", "info": "INFO"}


def audit_json(report: AuditReport) -> dict[str, Any]:
    """The SPEC section 6 shape, plus coverage and the verdict."""
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


def render_audit(report: AuditReport, style: Style = plain) -> str:
    """Findings grouped by severity then service, a one-line summary, coverage, the checklist."""
    counts = report.summary()
    scope = f", scenario {report.scenario}" if report.scenario else ""
    lines = [style(f"Audit of '{report.plan_name}' ({report.file}) as of {report.as_of}{scope}", "bold"), ""]
    role = {"error": "error", "warning": "warning", "info": "dim"}
    for severity, group in groupby(report.findings, key=lambda f: f.severity):
        items = list(group)
        lines.append(style(f"{_HEADING[severity]} ({len(items)})", role[severity]))
        tags: dict[str, str] = {}  # each rule id styled once, not once per finding
        for subject, per in groupby(items, key=lambda f: f.service or f.team or "(plan)"):
            lines.append(f"  {subject}")
            for f in per:
                tag = tags.get(f.rule)
                if tag is None:
                    tag = tags[f.rule] = style(f.rule, role[severity])
                lines += (f"    {tag}  {f.location}", f"      {f.message}")
        lines.append("")
    lines.extend(f"note: {n}" for n in report.notes)
    lines.append("Coverage:")
    for name, (covered, total) in report.coverage.items():
        share = f"{100 * covered / total:.0f}%" if total else "-"
        lines.append(f"  {name:<28} {covered:>6} / {total:<6} {share:>5}")
    lines += ["", "Readiness checklist:"]
    mark = {"yes": style("yes", "success"), "no": style("NO ", "error"), "unknown": style("?  ", "warning")}
    for answer in report.readiness:
        lines.append(f"  [{mark[answer.answer]}] {answer.question}")
        lines.append(f"        {answer.detail}")
    lines.append("")
    verdict = f"Verdict: {report.verdict()}"
    lines.append(style(verdict, "error") if report.needs_work else verdict)
    lines.append(
        f"Summary: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{counts['info']} info ({plural(len(report.findings), 'finding')})"
    )
    return "\n".join(lines) + "\n"


CHECK_FAILS = "check-fails"
_CHECK_FAILS_SUMMARY = "a verify or check command failed when audit --run-checks ran it"


def audit_sarif(report: AuditReport) -> dict[str, Any]:
    """SARIF 2.1.0: one run, every rule described, every result located in the plan file."""
    rule_ids = list(RULES)
    descriptors = [(r.id, r.summary, r.severity) for r in RULES.values()]
    if any(f.rule == INVALID_PLAN for f in report.findings):
        rule_ids.append(INVALID_PLAN)
        descriptors.append((INVALID_PLAN, _INVALID_PLAN_SUMMARY, "error"))
    if any(f.rule == CHECK_FAILS for f in report.findings):  # only with --run-checks
        rule_ids.append(CHECK_FAILS)
        descriptors.append((CHECK_FAILS, _CHECK_FAILS_SUMMARY, "error"))
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
                                "id": rule_id,
                                "name": rule_id,
                                "shortDescription": {"text": summary},
                                "defaultConfiguration": {"level": _LEVEL[severity]},
                            }
                            for rule_id, summary, severity in descriptors
                        ],
                    }
                },
                "results": results,
                "artifacts": [{"location": {"uri": uri}}],
            }
        ],
    }
