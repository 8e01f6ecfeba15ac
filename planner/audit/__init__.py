"""``planner audit``: every rule of SPEC section 5, the readiness checklist and coverage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from planner.audit import spof as _spof  # noqa: F401 - registers the single-point-of-failure rule
from planner.audit.context import AuditContext
from planner.audit.findings import SEVERITY_ORDER, AuditReport, Finding
from planner.audit.readiness import coverage, readiness
from planner.audit.rules import RULES
from planner.loader import LoadedPlan, list_lengths
from planner.perf import gc_paused
from planner.planning import plan_recovery
from planner.workarounds import WorkaroundSource, open_workarounds

__all__ = ["RULES", "AuditReport", "Finding", "as_of_moment", "run_audit"]


def as_of_moment(day: date | None) -> datetime:
    """The moment an audit is taken at: now, or the start (00:00 UTC) of the ``--as-of`` day."""
    if day is None:
        return datetime.now(UTC)
    return datetime.combine(day, time.min, tzinfo=UTC)


def run_audit(
    loaded: LoadedPlan,
    as_of: datetime,
    scenario: str | None = None,
    *,
    sources: tuple[WorkaroundSource, ...] = (),
    reviews: tuple[int, int] | None = None,
    drills: Sequence[date] = (),
) -> AuditReport:
    """Audit a structurally valid plan.

    Referential problems become findings beside everything that can still be checked; the RTO
    rules and single-point-of-failure need a valid graph and are skipped (with a note) without one.
    ``scenario`` restricts the findings to the services that scenario impacts.
    """
    plan = loaded.plan
    notes: list[str] = []
    planning = None
    scope = None
    scenario_name = None
    with gc_paused():
        if loaded.problems:
            notes.append("RTO rules and single-point-of-failure skipped: fix the dependency errors first")
        else:
            planning = plan_recovery(plan, scenario)
            if scenario:
                scope = set(planning.impact.impacted)
                scenario_name = planning.selection.name
        ctx = AuditContext(
            loaded=loaded,
            as_of=as_of,
            workarounds=open_workarounds(plan, sources),
            planning=planning,
            scope=scope,
            scenario_name=scenario_name,
            drills=list(drills),
        )
        overrides = plan.policy.rules
        findings: list[Finding] = []
        for rule in RULES.values():
            setting = overrides.get(rule.id, rule.severity)
            if setting == "off":
                continue
            for finding in rule.check(ctx):
                finding.severity = setting
                findings.append(finding)
    findings.sort(
        key=lambda f: (SEVERITY_ORDER[f.severity], f.service or "~", f.rule, f.dependency or "", f.message)
    )
    findings = _locate(loaded, findings)
    return AuditReport(
        plan_name=plan.name,
        file=loaded.source.name,
        as_of=as_of.date().isoformat(),
        scenario=scenario,
        findings=findings,
        readiness=readiness(ctx, reviews),
        coverage=coverage(ctx),
        notes=notes,
    )


def _locate(loaded: LoadedPlan, findings: list[Finding]) -> list[Finding]:
    positions = loaded.source.locate([f.path for f in findings], list_lengths(loaded.plan))
    name = loaded.source.name
    for f in findings:
        pos = positions.get(f.path)
        if pos is None:
            f.location, f.line = f"{name}:1", 1
        else:
            f.location, f.line, f.column = f"{name}:{pos.line}:{pos.column}", pos.line, pos.column
    return findings
