"""The audit report for machines: JSON, and SARIF 2.1.0 (its rule descriptors from
:mod:`planner.audit.registry`); an unreadable plan's report (the text for people is
:mod:`planner.audit.report_text`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

import planner
from planner.audit.findings import AuditReport, Finding, Severity, count_severities
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


def audit_json(report: AuditReport, *, findings: bool = True) -> dict[str, Any]:
    """The shape of docs/design/commands.md#audit-json, plus coverage and the verdict (unless
    ``findings``, with an empty list of findings and a summary of none, for the writer to fill
    in as it writes them: see :func:`streamed`)."""
    listed = [finding_json(f) for f in report.each()] if findings else []
    return {
        "plan": report.plan_name,
        "file": report.file,
        "as_of": report.as_of,
        "scenario": report.scenario,
        "findings": listed,
        "summary": report.summary() if findings else count_severities(()),
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


def finding_json(f: Finding) -> dict[str, Any]:
    """One finding of the JSON report (its subjects where set, between severity and message)."""
    service, dependency = f.service, f.dependency
    if f.team is None and f.person is None and service is not None:  # nearly every finding
        if dependency is None:
            return {
                "rule": f.rule,
                "severity": f.severity,
                "service": service,
                "message": f.message,
                "location": f.location,
            }
        return {
            "rule": f.rule,
            "severity": f.severity,
            "service": service,
            "dependency": dependency,
            "message": f.message,
            "location": f.location,
        }
    out: dict[str, Any] = {"rule": f.rule, "severity": f.severity}
    subjects = (("service", service), ("dependency", dependency), ("team", f.team), ("person", f.person))
    out.update((key, value) for key, value in subjects if value is not None)
    out["message"] = f.message
    out["location"] = f.location
    return out


def audit_sarif(report: AuditReport) -> dict[str, Any]:
    """SARIF 2.1.0: one run, every rule described, every result located in the plan file."""
    document, results, result = sarif_parts(report)
    results.extend(result(f) for f in report.each())
    return document


def sarif_parts(report: AuditReport) -> tuple[dict[str, Any], list[Any], Callable[[Finding], dict[str, Any]]]:
    """The SARIF document without its results, its (empty) list of results, and the function
    that makes one result of a located finding (see :func:`streamed`)."""
    used = {f.rule for f in report.findings}  # held: every finding, or those added to the rules'
    descriptors = list(RUN_RULES)  # every rule an audit runs; the others where they were reported
    if INVALID_PLAN in used:
        descriptors.append(INVALID_PLAN_RULE)
    descriptors += [r for r in RULES if r.check is None and r.id in used]
    rule_index = {r.id: i for i, r in enumerate(descriptors)}
    uri = Path(report.file).as_posix() if report.file != "<stdin>" else "stdin"
    results: list[Any] = []

    def result(f: Finding) -> dict[str, Any]:
        column = f.column
        region = {"startLine": f.line or 1, "startColumn": column} if column else {"startLine": f.line or 1}
        return {
            "ruleId": f.rule,
            "ruleIndex": rule_index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": visible(f.message)},  # a code-scanning UI shows it as text
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
            "properties": _properties(f),
        }

    document = {
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
    return document, results, result


def _properties(f: Finding) -> dict[str, str]:
    """A SARIF result's properties: the finding's subjects, where set and not empty."""
    out = {}
    if f.service:
        out["service"] = f.service
    if f.dependency:
        out["dependency"] = f.dependency
    if f.team:
        out["team"] = f.team
    if f.person:
        out["person"] = f.person
    return out


JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
"""How every JSON document of the planner is written (``json.dumps(indent=2)``'s layout, in C)."""


def streamed(
    document: dict[str, Any],
    holder: list[Any],
    parts: Iterable[list[Any]],
    ending: Callable[[], object] | None = None,
) -> Iterator[bytes]:
    """``document`` as JSON bytes (with :data:`JSON_OPTIONS` and a final newline), the list
    ``holder`` inside it (empty) filled from ``parts`` as they come: the same bytes as writing
    the whole document at once, without holding every item (335,000 findings of a
    100,000-service audit took 180 MB as dicts and bytes) nor the text of them all.
    ``ending()`` is called once every part is written, before what follows the list: it may
    change what comes after it in ``document`` (an audit's summary, counted as it is written)."""
    marker = f"streamed-{secrets.token_hex(16)}"  # no plan's text can guess it

    def dumped() -> tuple[bytes, int]:
        holder.append(marker)
        whole = orjson.dumps(document, option=JSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        holder.clear()
        return whole, whole.index(orjson.dumps(marker))

    whole, at = dumped()
    line = whole.rindex(b"\n", 0, at) + 1
    indent = whole[line:at]  # at least two spaces: the marker is an item of the holder
    non_empty = (part for part in parts if part)
    first = next(non_empty, None)
    if first is None:  # nothing to fill in: the document as it is
        if ending is not None:
            ending()
        yield orjson.dumps(document, option=JSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        return

    # A part is written in one call, as the one item of lists nested as deep as the holder's
    # items are indented (orjson indents by depth), then taken out of those lists: the same
    # bytes as each item written and indented into place, without going over them again.
    depth = len(indent) // 2  # two spaces a level (JSON_OPTIONS)
    probe = orjson.dumps(_nested([0], depth), option=JSON_OPTIONS)
    item = probe.index(b"0")
    start, end = item - len(indent), item + 1 - len(probe)  # the item's line, its indent included

    def items(part: list[Any]) -> bytes:
        return orjson.dumps(_nested(part, depth), option=JSON_OPTIONS)[start:end]

    yield whole[:line] + items(first)
    for part in non_empty:
        yield b",\n" + items(part)
    if ending is not None:
        ending()
        whole, at = dumped()
    yield whole[whole.index(b"\n", at) :]


def _nested(items: list[Any], depth: int) -> list[Any]:
    """``items`` inside ``depth - 1`` lists of one item each (their own list is the innermost)."""
    for _ in range(depth - 1):
        items = [items]
    return items
