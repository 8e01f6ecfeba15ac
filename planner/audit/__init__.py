"""``planner audit``: every rule of docs/design/rules.md, the readiness checklist and coverage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from planner.audit.context import AuditContext
from planner.audit.findings import AuditReport, Finding
from planner.audit.readiness import coverage, readiness
from planner.audit.registry import RULES
from planner.audit.rule_runner import maker, whole
from planner.engine.planning import plan_recovery
from planner.engine.workarounds import WorkaroundSource, open_workarounds
from planner.planfile.lifetime import keep_until_exit
from planner.planfile.loader import LoadedPlan

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
    located: bool = True,
    held: bool = True,
) -> AuditReport:
    """Audit a structurally valid plan.

    Referential problems become findings beside everything that can still be checked; the RTO
    rules and single-point-of-failure need a valid graph and are skipped (with a note) without one.
    ``scenario`` restricts the findings to the services that scenario impacts. Without
    ``located`` the findings have no place in the file yet (``planner audit`` locates what it
    writes as it writes it: :func:`planner.audit.rule_runner.locator`). Without ``held`` they
    are not even held: the report makes them afresh, in report order, each time they are read
    (:meth:`AuditReport.each`), and a writer writes them as they come (the 2 million findings
    of a dense plan took 1 GB held). It runs in this one process: the forked worker it had in
    0.2 doubled the resident memory of a 100,000-service audit (2.5 GB for the process tree)
    and, on a shared two-core machine, did not make it faster.
    """
    plan = loaded.plan
    loaded.ensure_checked()
    planning = None
    if not loaded.problems:
        planning = plan_recovery(plan, scenario)
    ctx = AuditContext(
        loaded=loaded,
        as_of=as_of,
        workarounds=open_workarounds(plan, sources),
        planning=planning,
        scope=set(planning.impact.impacted) if planning and scenario else None,
        scenario_name=planning.selection.name if planning and scenario else None,
        drills=list(drills),
    )
    if held:
        findings, answers, figures = whole(ctx, reviews, located=located)
    else:
        findings, answers, figures = [], readiness(ctx, reviews), coverage(ctx)
    notes = []
    if loaded.problems:
        notes.append("RTO rules and single-point-of-failure skipped: fix the dependency errors first")
    report = AuditReport(
        plan_name=plan.name,
        file=loaded.source.name,
        as_of=as_of.date().isoformat(),
        scenario=scenario,
        findings=findings,
        readiness=answers,
        coverage=figures,
        notes=notes,
        made=None if held else maker(ctx),
    )
    keep_until_exit(report, ctx)
    return report
