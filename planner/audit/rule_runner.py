"""Running the audit rules: with the plan's severity overrides, in report order, located in the
plan file.

The findings can be made as they are read (:func:`stream`) instead of held: each rule yields in
report order (or has its few findings sorted) and the rules' findings are merged as they come, so
a report can be written while the findings are made. A plan of 2,000 services each depending on
every earlier one has 2 million findings: held, they took 1 GB.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import chain, groupby

from models.plan import Plan
from planner.audit.context import AuditContext
from planner.audit.findings import SEVERITY_ORDER, Finding, ReadinessAnswer, Severity
from planner.audit.readiness import coverage, readiness
from planner.audit.registry import RUN_RULES, Rule
from planner.errors import YamlPath
from planner.planfile.blocklocate import ExpectedLength
from planner.planfile.loader import LoadedPlan, list_lengths
from planner.planfile.locate import Position


def whole(
    ctx: AuditContext, reviews: tuple[int, int] | None, *, located: bool = True
) -> tuple[list[Finding], list[ReadinessAnswer], dict[str, tuple[int, int]]]:
    """Every rule, the checklist and coverage, in this process; the findings in report order,
    located unless ``located`` is false (a report written a part at a time locates each part
    as it goes: :func:`locator`)."""
    findings = list(every(ctx))
    if located:
        locate(ctx.loaded, findings)
    return findings, readiness(ctx, reviews), coverage(ctx)


def maker(ctx: AuditContext) -> Callable[[Sequence[Finding], Collection[str] | None], Iterator[Finding]]:
    """What makes the findings of a report that does not hold them (``AuditReport.made``)."""

    def made(extra: Sequence[Finding], rules: Collection[str] | None) -> Iterator[Finding]:
        return every(ctx, extra, rules)

    return made


def every(
    ctx: AuditContext, extra: Sequence[Finding] = (), rules: Collection[str] | None = None
) -> Iterator[Finding]:
    """Every rule's findings (of ``rules`` only, when given) and ``extra``, in report order,
    made as they are read."""
    run = RUN_RULES if rules is None else [r for r in RUN_RULES if r.id in rules]
    return stream(ctx, run, extra if rules is None else [f for f in extra if f.rule in rules])


def stream(ctx: AuditContext, rules: Iterable[Rule], extra: Sequence[Finding] = ()) -> Iterator[Finding]:
    """The findings of ``rules`` (with the plan's severity overrides) and ``extra``, in report
    order, made as they are read: only the findings of the rules that are not ``ordered`` (a
    few: the plan's, its teams' and its workarounds') are held, to be sorted."""
    overrides = ctx.plan.policy.rules
    by_severity: dict[int, list[Iterator[Finding]]] = {rank: [] for rank in sorted(SEVERITY_ORDER.values())}
    for rule in rules:
        setting = overrides.get(rule.id, rule.severity)
        if setting == "off" or rule.check is None:
            continue
        severity = Severity(setting)
        found = rule.check(ctx)  # each rule yields its default severity (a test says so)
        if severity != rule.severity:
            found = _with_severity(found, severity)
        by_severity[SEVERITY_ORDER[severity]].append(
            found if rule.ordered else iter(sorted(found, key=report_order))
        )
    for rank, same in groupby(sorted(extra, key=report_order), key=lambda f: SEVERITY_ORDER[f.severity]):
        by_severity[rank].append(iter(list(same)))
    return chain.from_iterable(_merged(streams) for streams in by_severity.values())


def _with_severity(findings: Iterator[Finding], severity: Severity) -> Iterator[Finding]:
    for finding in findings:
        finding.severity = severity
        yield finding


def _merged(streams: list[Iterator[Finding]]) -> Iterator[Finding]:
    """Streams of one severity, each in report order, merged into one (equal keys come from
    one rule, in that rule's order). Only the streams that find something are merged: most
    rules of a plan find nothing, and a stream left alone is read as it is, without a key
    per finding (the 93,000 errors of a 100,000-service plan come from one rule)."""
    started = []
    for found in streams:
        first = next(found, None)
        if first is not None:
            started.append(chain((first,), found))
    if len(started) == 1:
        return started[0]
    return heapq.merge(*started, key=_merge_order)


def _merge_order(f: Finding) -> tuple[str, str, str]:
    """:func:`report_order` within one severity, without the message: two findings of different
    rules never tie, and each stream has its own ties in order."""
    return (f.service or "~", f.rule, f.dependency or "")


def report_order(f: Finding) -> tuple[int, str, str, str, str]:
    """Errors first, then by service, rule, dependency and message."""
    return (SEVERITY_ORDER[f.severity], f.service or "~", f.rule, f.dependency or "", f.message)


def locate(loaded: LoadedPlan, findings: list[Finding]) -> list[Finding]:
    """Give each finding its place in the plan file (line 1 when its path is not found)."""
    positions = loaded.source.locate([f.path for f in findings], list_lengths(loaded.plan))
    _place(loaded.source.name, findings, positions)
    return findings


PART = 20_000
"""Paths read at a time by :func:`locator` (its reader's caches are emptied after each part)."""


def locator(loaded: LoadedPlan) -> Callable[..., list[Finding]]:
    """``place(findings, spelled=True)``: gives each of ``findings`` that has no line yet its
    line and column (and its ``location`` unless not ``spelled``: see :func:`spell`), and
    returns those. They are read a part at a time, nothing kept between parts: a third of a
    million findings cost 8 MB of line numbers instead of 175 MB of positions kept. They are
    read in the order given: in report order, a service's findings of one severity come
    together, and the reader keeps the service last read (sorting them into file order took
    longer than it saved)."""
    read = loaded.source.reader(_lengths(loaded.plan))
    name = loaded.source.name

    def place(findings: Sequence[Finding], *, spelled: bool = True) -> list[Finding]:
        todo = [f for f in findings if f.line is None]
        for at in range(0, len(todo), PART):
            part = todo[at : at + PART] if len(todo) > PART else todo
            for f, pos in zip(part, read([f.path for f in part]), strict=True):
                if pos is None:
                    f.line = 1
                    if spelled:
                        f.location = spell(name, f)
                else:
                    f.line, f.column = line, column = pos[0], pos[1]
                    if spelled:
                        f.location = f"{name}:{line}:{column}"
        return todo

    return place


def _lengths(plan: Plan) -> ExpectedLength:
    """:func:`list_lengths`, with a service's ``depends_on`` (the list an audit's findings
    point into most, 80,000 times at 100,000 services) read straight from the service."""
    lengths = list_lengths(plan)
    services = plan.services

    def length(path: YamlPath) -> int | None:
        if len(path) == 3 and path[2] == "depends_on" and path[0] == "services":
            index = path[1]
            if isinstance(index, int) and 0 <= index < len(services):
                return len(services[index].depends_on)
        return lengths(path)

    return length


def spell(name: str, f: Finding) -> str:
    """The ``location`` of a finding whose line (and column, when it was found) is known."""
    return f"{name}:{f.line}" if f.column is None else f"{name}:{f.line}:{f.column}"


def _place(name: str, findings: list[Finding], positions: Mapping[YamlPath, Position | None]) -> None:
    for f in findings:
        pos = positions.get(f.path)
        if pos is None:
            f.location, f.line = f"{name}:1", 1
        else:
            f.location, f.line, f.column = f"{name}:{pos.line}:{pos.column}", pos.line, pos.column
