"""Running the audit rules: with the plan's severity overrides, in report order, located in the
plan file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from planner.audit.context import AuditContext
from planner.audit.findings import SEVERITY_ORDER, Finding, ReadinessAnswer, Severity
from planner.audit.readiness import coverage, readiness
from planner.audit.registry import RUN_RULES, Rule
from planner.errors import YamlPath
from planner.planfile.loader import LoadedPlan, list_lengths
from planner.planfile.locate import Position


def whole(
    ctx: AuditContext, reviews: tuple[int, int] | None, *, located: bool = True
) -> tuple[list[Finding], list[ReadinessAnswer], dict[str, tuple[int, int]]]:
    """Every rule, the checklist and coverage, in this process; the findings in report order,
    located unless ``located`` is false (a report written a part at a time locates each part
    as it goes: :func:`locator`)."""
    if located:
        findings = located_findings(ctx, list(RUN_RULES))
    else:
        findings = run_rules(ctx, list(RUN_RULES))
        findings.sort(key=report_order)
    return findings, readiness(ctx, reviews), coverage(ctx)


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
    _place(loaded.source.name, findings, positions)
    return findings


PART = 20_000
"""Paths read at a time by :func:`locator` (its reader's caches are emptied after each part)."""


def locator(loaded: LoadedPlan) -> Callable[..., list[Finding]]:
    """``place(findings, spelled=True)``: gives each of ``findings`` that has no line yet its
    line and column (and its ``location`` unless not ``spelled``: see :func:`spell`), and
    returns those. They are read in file order, a part at a time, nothing kept between parts:
    a third of a million findings cost 8 MB of line numbers instead of 175 MB of positions
    kept, and every service's lines are read once (report order visits each service once per
    severity)."""
    read = loaded.source.reader(list_lengths(loaded.plan))
    name = loaded.source.name

    def place(findings: Sequence[Finding], *, spelled: bool = True) -> list[Finding]:
        todo = [f for f in findings if f.line is None]
        ordered = sorted(todo, key=_file_order)
        for at in range(0, len(ordered), PART):
            part = ordered[at : at + PART]
            positions = read([f.path for f in part])
            for f in part:
                pos = positions.get(f.path)
                if pos is None:
                    f.line = 1
                else:
                    f.line, f.column = pos.line, pos.column
        if spelled:
            for f in todo:
                f.location = spell(name, f)
        return todo

    return place


def spell(name: str, f: Finding) -> str:
    """The ``location`` of a finding whose line (and column, when it was found) is known."""
    return f"{name}:{f.line}" if f.column is None else f"{name}:{f.line}:{f.column}"


def _file_order(f: Finding) -> tuple[str, int]:
    """Roughly where a finding's path is in the file: its collection, and its item's index."""
    path = f.path
    item = path[1] if len(path) > 1 and isinstance(path[1], int) else -1
    return (str(path[0]) if path else "", item)


def _place(name: str, findings: list[Finding], positions: Mapping[YamlPath, Position | None]) -> None:
    for f in findings:
        pos = positions.get(f.path)
        if pos is None:
            f.location, f.line = f"{name}:1", 1
        else:
            f.location, f.line, f.column = f"{name}:{pos.line}:{pos.column}", pos.line, pos.column
