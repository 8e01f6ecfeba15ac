"""The audit report as text for people: findings by severity, then by service; a long list
(a fresh import's hundreds of findings) by rule instead, each with its count and its worst few,
unless the whole list is asked for. Then coverage, the readiness checklist and the verdict."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import groupby

from planner.audit.findings import AuditReport, Finding, Severity
from planner.style import Style, plain, plural

LONG = 50
"""Above this many findings the report groups them by rule (unless ``full``)."""
WORST = 3
"""Findings shown of each rule when grouped."""

_HEADING = {Severity.ERROR: "ERRORS", Severity.WARNING: "WARNINGS", Severity.INFO: "INFO"}
_ROLE = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "dim"}


def render_audit(
    report: AuditReport,
    style: Style = plain,
    *,
    full: bool = False,
    importance: Mapping[str, int] | None = None,
    locate: Callable[[Sequence[Finding]], object] | None = None,
) -> str:
    """Findings grouped by severity then service (by rule when there are more than
    :data:`LONG` and not ``full``), coverage, the checklist, the verdict and a summary.

    ``importance`` ranks services (0 first: the criticality's rank) to pick each rule's worst
    findings; without it, they are the first in report order.
    """
    counts = report.summary()
    scope = f", scenario {report.scenario}" if report.scenario else ""
    lines = [style(f"Audit of '{report.plan_name}' ({report.file}) as of {report.as_of}{scope}", "bold"), ""]
    grouped = not full and len(report.findings) > LONG
    if grouped:
        worst = "most critical services first" if importance else "first in report order"
        lines += [
            f"{plural(len(report.findings), 'finding')}, grouped by rule: the count of each and "
            f"its worst {WORST} ({worst}); --full lists every one.",
            "",
        ]
    for severity, group in groupby(report.findings, key=lambda f: f.severity):
        items = list(group)
        lines.append(style(f"{_HEADING[severity]} ({len(items)})", _ROLE[severity]))
        if grouped:
            lines += _by_rule(items, style, importance, locate)
        else:
            if locate is not None:
                locate(items)
            lines += _by_service(items, style)
        lines.append("")
    lines += _closing(report, style, counts)
    return "\n".join(lines) + "\n"


def _by_service(items: list[Finding], style: Style) -> list[str]:
    """Each finding under its service (or team), in report order."""
    lines: list[str] = []
    tags: dict[str, str] = {}  # each rule id styled once, not once per finding
    for subject, per in groupby(items, key=_subject):
        lines.append(f"  {subject}")
        for f in per:
            tag = tags.get(f.rule)
            if tag is None:
                tag = tags[f.rule] = style(f.rule, _ROLE[f.severity])
            lines += (f"    {tag}  {f.location}", f"      {f.message}")
    return lines


def _by_rule(
    items: list[Finding],
    style: Style,
    importance: Mapping[str, int] | None,
    locate: Callable[[Sequence[Finding]], object] | None,
) -> list[str]:
    """Each rule (most findings first) with its count and its :data:`WORST` worst findings."""
    rules: dict[str, list[Finding]] = {}
    for f in items:
        rules.setdefault(f.rule, []).append(f)
    lowest = max(importance.values(), default=0) + 1 if importance else 0

    def rank(f: Finding) -> int:
        return importance.get(f.service or "", lowest) if importance else 0

    lines: list[str] = []
    for rule_id, found in sorted(rules.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"  {style(rule_id, _ROLE[found[0].severity])} ({len(found)})")
        worst = sorted(found, key=rank)[:WORST]  # a stable sort: report order among equals
        if locate is not None:
            locate(worst)
        for f in worst:
            lines += (f"    {_subject(f)}  {f.location}", f"      {f.message}")
        if len(found) > WORST:
            lines.append(f"    ... and {len(found) - WORST} more")
    return lines


def _subject(f: Finding) -> str:
    return f.service or f.team or "(plan)"


def _closing(report: AuditReport, style: Style, counts: dict[str, int]) -> list[str]:
    """Notes, coverage, the readiness checklist, the verdict and the summary."""
    lines = [f"note: {n}" for n in report.notes]
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
    return lines
