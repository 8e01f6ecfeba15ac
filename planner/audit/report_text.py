"""The audit report as text for people: findings by severity, then by service; a long list
(a fresh import's hundreds of findings) by rule instead, each with its count and its worst few,
unless the whole list is asked for. Then coverage, the readiness checklist and the verdict."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, groupby, islice
from operator import attrgetter

from planner.audit.findings import AuditReport, Finding, Severity, count_severities
from planner.style import Style, plain, plural

LONG = 50
"""Above this many findings the report groups them by rule (unless ``full``)."""
WORST = 3
"""Findings shown of each rule when grouped."""

PART = 20_000
"""Findings listed (and located) at a time by ``--full``."""

_HEADING = {Severity.ERROR: "ERRORS", Severity.WARNING: "WARNINGS", Severity.INFO: "INFO"}
_severity = attrgetter("severity")
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
    return "".join(audit_text(report, style, full=full, importance=importance, locate=locate))


def audit_text(
    report: AuditReport,
    style: Style = plain,
    *,
    full: bool = False,
    importance: Mapping[str, int] | None = None,
    locate: Callable[[Sequence[Finding]], object] | None = None,
    tally: dict[str, int] | None = None,
) -> Iterator[str]:
    """:func:`render_audit` a part at a time (whole lines each), reading the findings as they
    are made (:meth:`AuditReport.each`) and holding none but those it shows: grouped, each
    rule's count and worst few; listed whole (``full``) and long, each severity's count first,
    then the findings made again and written a part at a time. ``tally``, when given, is
    filled with the count of each severity."""
    scope = f", scenario {report.scenario}" if report.scenario else ""
    lines = [style(f"Audit of '{report.plan_name}' ({report.file}) as of {report.as_of}{scope}", "bold"), ""]
    found = report.each()
    head = list(islice(found, LONG + 1))
    if not full and len(head) > LONG:
        body, counts = _grouped(chain(head, found), style, importance, locate)
        worst = "most critical services first" if importance else "first in report order"
        lines += [
            f"{plural(sum(counts.values()), 'finding')}, grouped by rule: the count of each and "
            f"its worst {WORST} ({worst}); --full lists every one.",
            "",
            *body,
        ]
    else:
        long = len(head) > LONG
        counts = count_severities(chain(head, found))
        yield _text(lines)
        lines = []
        for part in _listed(report.each() if long else iter(head), counts, style, locate):
            yield _text(part)
    if tally is not None:
        tally.update(counts)
    yield _text(lines + _closing(report, style, counts))


def _text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _listed(
    findings: Iterator[Finding],
    counts: Mapping[str, int],
    style: Style,
    locate: Callable[[Sequence[Finding]], object] | None,
) -> Iterator[list[str]]:
    """Each severity's heading and count, then its findings under their service (or team), in
    report order, a part at a time (each located as it comes); an empty line after each
    severity."""
    severity: Severity | None = None
    subject = None
    tags: dict[str, str] = {}  # each rule id styled once, not once per finding
    while part := list(islice(findings, PART)):
        if locate is not None:
            locate(part)
        lines: list[str] = []
        for f in part:
            if f.severity != severity:
                if severity is not None:
                    lines.append("")
                severity, subject, tags = f.severity, None, {}
                lines.append(style(f"{_HEADING[severity]} ({counts[severity]})", _ROLE[severity]))
            if (named := _subject(f)) != subject:
                subject = named
                lines.append(f"  {named}")
            tag = tags.get(f.rule)
            if tag is None:
                tag = tags[f.rule] = style(f.rule, _ROLE[f.severity])
            lines += (f"    {tag}  {f.location}", f"      {f.message}")
        yield lines
    if severity is not None:
        yield [""]


class _Worst:
    """One rule's count and its :data:`WORST` worst findings so far (lowest rank first; among
    equals, the first in report order)."""

    __slots__ = ("count", "kept")

    def __init__(self) -> None:
        self.count = 0
        self.kept: list[tuple[int, int, Finding]] = []

    def add(self, rank: int, f: Finding) -> None:
        """Count ``f`` (its importance ``rank``), and keep it if it is among the worst so far."""
        self.count += 1
        kept = self.kept
        if len(kept) < WORST:
            kept.append((rank, self.count, f))
            kept.sort(key=_rank_and_turn)
        elif rank < kept[-1][0]:
            kept[-1] = (rank, self.count, f)
            kept.sort(key=_rank_and_turn)


def _rank_and_turn(kept: tuple[int, int, Finding]) -> tuple[int, int]:
    return kept[0], kept[1]


def _grouped(
    findings: Iterator[Finding],
    style: Style,
    importance: Mapping[str, int] | None,
    locate: Callable[[Sequence[Finding]], object] | None,
) -> tuple[list[str], dict[str, int]]:
    """Each severity's heading, then each rule (most findings first) with its count and its
    :data:`WORST` worst findings; and the count of each severity. Only those shown are kept."""
    lowest = max(importance.values(), default=0) + 1 if importance else 0
    counts = {str(s): 0 for s in Severity}
    lines: list[str] = []
    for severity, group in groupby(findings, key=_severity):
        rules: dict[str, _Worst] = {}
        for f in group:  # a third of a million findings: most only counted
            worst = rules.get(f.rule)
            if worst is None:
                worst = rules[f.rule] = _Worst()
            rank = importance.get(f.service or "", lowest) if importance else 0
            kept = worst.kept
            if len(kept) < WORST or rank < kept[-1][0]:  # among the worst so far (_Worst.add)
                worst.add(rank, f)
            else:
                worst.count += 1
        counts[severity] = sum(w.count for w in rules.values())
        lines.append(style(f"{_HEADING[severity]} ({counts[severity]})", _ROLE[severity]))
        for rule_id, worst in sorted(rules.items(), key=lambda kv: (-kv[1].count, kv[0])):
            lines.append(f"  {style(rule_id, _ROLE[severity])} ({worst.count})")
            shown = [f for _, _, f in worst.kept]
            if locate is not None:
                locate(shown)
            for f in shown:
                lines += (f"    {_subject(f)}  {f.location}", f"      {f.message}")
            if worst.count > WORST:
                lines.append(f"    ... and {worst.count - WORST} more")
        lines.append("")
    return lines, counts


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
        f"{counts['info']} info ({plural(sum(counts.values()), 'finding')})"
    )
    return lines
