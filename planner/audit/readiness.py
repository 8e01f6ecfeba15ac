"""The readiness checklist (docs/design/rules.md#readiness-checklist) and the coverage figures."""

from __future__ import annotations

from datetime import date

from planner.audit.context import AuditContext
from planner.audit.findings import Answer, ReadinessAnswer

QUESTIONS = (
    "Are incident roles clearly assigned?",
    "Are escalation paths tested quarterly?",
    "Are recovery playbooks reviewed every 90 days?",
    "Are monitoring alerts regularly tuned?",
    "Are post-incident reviews mandatory (done for every resolved incident in the journal)?",
    "Can critical systems be restored within target RTOs?",
)


def readiness(ctx: AuditContext, reviews: tuple[int, int] | None = None) -> list[ReadinessAnswer]:
    """Answer the six questions; ``reviews`` is (resolved incidents reviewed, resolved incidents)
    from an incident store, or None when the audit has no journal."""
    return [*plan_answers(ctx, reviews), rto_answer(ctx)]


def plan_answers(ctx: AuditContext, reviews: tuple[int, int] | None = None) -> list[ReadinessAnswer]:
    """The first five answers: everything but the RTO question, which needs the engine."""
    return [_roles(ctx), _escalation(ctx), _playbooks(ctx), _alerts(ctx), _reviews(reviews)]


def _roles(ctx: AuditContext) -> ReadinessAnswer:
    roles = ctx.plan.roles
    people = {p.id for p in ctx.plan.people}
    missing = [
        label
        for person, label in (
            (roles.incident_commander, "incident commander"),
            (roles.communications_lead, "communications lead"),
        )
        if person not in people
    ]
    if missing:
        return ReadinessAnswer(QUESTIONS[0], "no", "not assigned to a known person: " + ", ".join(missing))
    return ReadinessAnswer(
        QUESTIONS[0],
        "yes",
        f"commander {roles.incident_commander}, communications {roles.communications_lead}",
    )


def _escalation(ctx: AuditContext) -> ReadinessAnswer:
    teams = ctx.owner_teams()
    if not teams:
        return ReadinessAnswer(QUESTIONS[1], "unknown", "no team owns a service")
    limit = ctx.plan.policy.escalation_test_days
    stale = [t.id for t in teams if (age := ctx.days_since(t.escalation_tested)) is None or age > limit]
    if stale:
        return ReadinessAnswer(
            QUESTIONS[1],
            "no",
            f"{len(stale)} of {len(teams)} owner teams not tested within {limit} days: "
            + ", ".join(stale[:10])
            + (" ..." if len(stale) > 10 else ""),
        )
    return ReadinessAnswer(QUESTIONS[1], "yes", f"all {len(teams)} owner teams tested within {limit} days")


def _playbooks(ctx: AuditContext) -> ReadinessAnswer:
    services = ctx.services()
    if not services:
        return ReadinessAnswer(QUESTIONS[2], "unknown", "no services")
    limit = ctx.plan.policy.runbook_review_days
    current = _reviewed_in_time(ctx, limit)
    if current == len(services):
        return ReadinessAnswer(QUESTIONS[2], "yes", f"all {current} runbooks reviewed within {limit} days")
    return ReadinessAnswer(
        QUESTIONS[2],
        "no",
        f"{len(services) - current} of {len(services)} services lack a runbook reviewed within {limit} days",
    )


def _reviewed_in_time(ctx: AuditContext, limit: int) -> int:
    """How many services in scope have a runbook reviewed within ``limit`` days (each review
    date's age worked out once: a plan has a few dozen)."""
    days = ctx.census().reviews
    return sum(n for day, n in days.items() if (age := ctx.days_since(day)) is not None and age <= limit)


def _alerts(ctx: AuditContext) -> ReadinessAnswer:
    recorded = ctx.census().alerts_recorded
    if not recorded:
        return ReadinessAnswer(QUESTIONS[3], "unknown", "no service records `alerts_reviewed`")
    limit = 90
    ages: dict[date | None, int | None] = {}  # each date's age worked out once
    critical_stale = []
    for s in ctx.census().critical:
        day = s.alerts_reviewed
        if day not in ages:
            ages[day] = ctx.days_since(day)
        if (age := ages[day]) is None or age > limit:
            critical_stale.append(s.id)
    if critical_stale:
        return ReadinessAnswer(
            QUESTIONS[3],
            "no",
            f"{len(critical_stale)} critical services without alerts tuned in {limit} days: "
            + ", ".join(critical_stale[:10])
            + (" ..." if len(critical_stale) > 10 else ""),
        )
    return ReadinessAnswer(
        QUESTIONS[3],
        "yes",
        f"every critical service's alerts tuned within {limit} days ({recorded} services record it)",
    )


def _reviews(reviews: tuple[int, int] | None) -> ReadinessAnswer:
    if reviews is None:
        return ReadinessAnswer(QUESTIONS[4], "unknown", "no incident journal given (--store)")
    done, resolved = reviews
    if resolved == 0:
        return ReadinessAnswer(QUESTIONS[4], "unknown", "no resolved incident in the journal yet")
    answer: Answer = "yes" if done == resolved else "no"
    return ReadinessAnswer(QUESTIONS[4], answer, f"{done} of {resolved} resolved incidents have a review")


def rto_answer(ctx: AuditContext) -> ReadinessAnswer:
    """Can critical systems be restored within target RTOs? (reads ``ctx.planning``)"""
    if ctx.planning is None:
        return ReadinessAnswer(QUESTIONS[5], "unknown", "the dependency graph is invalid (see the errors)")
    critical = ctx.census().critical
    if not critical:
        return ReadinessAnswer(QUESTIONS[5], "unknown", "no critical services in scope")
    without = [s.id for s in critical if s.rto is None or s.restore_time is None]
    rto = ctx.planning.rto
    misses = {m.service for m in rto.unachievable} | {m.service for m in rto.missed}
    late = [s.id for s in critical if s.id in misses]
    if late:
        return ReadinessAnswer(
            QUESTIONS[5],
            "no",
            f"{len(late)} of {len(critical)} critical services miss their RTO: " + ", ".join(late[:10]),
        )
    if without:
        return ReadinessAnswer(
            QUESTIONS[5],
            "unknown",
            f"{len(without)} critical services lack an RTO or restore time: " + ", ".join(without[:10]),
        )
    return ReadinessAnswer(
        QUESTIONS[5], "yes", f"all {len(critical)} critical services meet their RTO in the schedule"
    )


def coverage(ctx: AuditContext) -> dict[str, tuple[int, int]]:
    """(covered, total) per figure: hard dependencies with a check, services with an owner,
    a runbook reviewed in time, a verify command, an RTO (counted in one pass over the services
    with the checklist's and the rules' figures: :meth:`AuditContext.census`)."""
    census = ctx.census()
    total = len(ctx.services())
    return {
        "checked hard dependencies": (census.checked, census.hard),
        "services with an owner": (census.owned, total),
        "runbooks reviewed in time": (_reviewed_in_time(ctx, ctx.plan.policy.runbook_review_days), total),
        "services with verify": (census.verified, total),
        "services with an RTO": (census.with_rto, total),
    }
