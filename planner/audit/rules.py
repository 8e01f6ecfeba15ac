"""The audit rules of SPEC section 5, one small function each, registered with their default
severity. A rule yields findings; the runner applies ``policy.rules`` overrides and locations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from models.duration import fmt_duration
from models.plan import Service
from planner.audit.context import AuditContext
from planner.audit.findings import Finding
from planner.style import possessive

RuleFn = Callable[[AuditContext], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule."""

    id: str
    """Stable rule id."""
    severity: str
    """Default severity."""
    summary: str
    """One line: what it finds (for SARIF rule metadata and ``--help``)."""
    check: RuleFn
    """The rule itself."""
    planning: bool = False
    """Whether it reads ``ctx.planning`` (the engine's results); only such rules may."""


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, summary: str, *, planning: bool = False) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function; ``planning=True`` for one that reads the engine's results."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = Rule(rule_id, severity, summary, fn, planning)
        return fn

    return register


def _svc_path(ctx: AuditContext, service: str, *rest: str | int) -> tuple[str | int, ...]:
    return ("services", ctx.service_index[service], *rest)


@rule("missing-owner", "error", "service has no owner")
def missing_owner(ctx: AuditContext) -> Iterator[Finding]:
    teams = ", ".join(t.id for t in ctx.plan.teams) or "define one under 'teams:'"
    for s in ctx.services():
        if s.owner is None:
            if ctx.scenario_name:
                what = f"nobody owns {s.id} restoration during {ctx.scenario_name}"
            else:
                what = f"{s.id} has no owner: nobody is accountable for restoring it"
            yield Finding(
                "missing-owner",
                "error",
                f"{what}; assign an owner team: `owner: <team-id>` ({teams})",
                service=s.id,
                path=_svc_path(ctx, s.id),
            )


def _referential(ctx: AuditContext, rule_id: str) -> Iterator[Finding]:
    for p in ctx.loaded.problems:
        if p.rule == rule_id and ctx.in_scope(p.service):
            yield Finding(
                rule_id, "error", p.message, service=p.service, dependency=p.dependency, path=p.path
            )


@rule("unknown-reference", "error", "an id names nothing")
def unknown_reference(ctx: AuditContext) -> Iterator[Finding]:
    yield from _referential(ctx, "unknown-reference")


@rule("duplicate-dependency", "error", "a service lists the same dependency twice")
def duplicate_dependency(ctx: AuditContext) -> Iterator[Finding]:
    yield from _referential(ctx, "duplicate-dependency")


@rule("dependency-cycle", "error", "hard dependencies form a cycle")
def dependency_cycle(ctx: AuditContext) -> Iterator[Finding]:
    yield from _referential(ctx, "dependency-cycle")


@rule("unchecked-dependency", "warning", "hard dependency without a check")
def unchecked_dependency(ctx: AuditContext) -> Iterator[Finding]:
    services = {s.id: s for s in ctx.plan.services}
    for s in ctx.services():
        for j, dep in enumerate(s.depends_on):
            if dep.kind != "hard" or dep.check or not ctx.in_scope(dep.service):
                continue
            target = services.get(dep.service)
            example = f", e.g. its verify command `{target.verify}`" if target and target.verify else ""
            yield Finding(
                "unchecked-dependency",
                "warning",
                f"{s.id} hard-depends on {dep.service} with no check: nobody can confirm {dep.service} "
                f"works for {s.id} before restoring it; add a `check:` that proves {dep.service} "
                f"answers{example}",
                service=s.id,
                dependency=dep.service,
                path=_svc_path(ctx, s.id, "depends_on", j),
            )


def _workaround_path(ctx: AuditContext, index: int | None) -> tuple[str | int, ...]:
    return ("workarounds", index) if index is not None else ()


@rule("bypassed-check", "error", "a workaround bypasses a dependency check and is not removed")
def bypassed_check(ctx: AuditContext) -> Iterator[Finding]:
    for w in ctx.workarounds:
        if not ctx.in_scope(w.service):
            continue
        who = f" by {w.applied_by}" if w.applied_by else ""
        owner = f"team {w.owner} must remove it" if w.owner else "no team is accountable for removing it"
        then = "then set `removed:`"
        if w.index is None:  # left open by a tracked incident
            then = f"then record it: `planner incident remove-workaround {w.id}`"
        yield Finding(
            "bypassed-check",
            "error",
            f"{w.id} ({w.origin}) bypasses the {w.service} -> {w.bypasses} check since "
            f"{w.applied:%Y-%m-%d %H:%M}Z (applied{who}: {w.reason.rstrip('.')}); {owner}, {then}",
            service=w.service,
            dependency=w.bypasses,
            team=w.owner,
            person=w.applied_by,
            path=_workaround_path(ctx, w.index),
        )


@rule("expired-workaround", "error", "a workaround past its expiry and not removed")
def expired_workaround(ctx: AuditContext) -> Iterator[Finding]:
    for w in ctx.workarounds:
        if w.expires is None or w.expires > ctx.as_of or not ctx.in_scope(w.service):
            continue
        days = (ctx.as_of - w.expires).days
        who = f" by {w.applied_by}" if w.applied_by else ""
        yield Finding(
            "expired-workaround",
            "error",
            f"{w.id} expired {w.expires:%Y-%m-%d %H:%M}Z ({days} days ago) and is still in place: "
            f"{w.service} runs without its {w.bypasses} check (applied{who} {w.applied:%Y-%m-%d}: "
            f"{w.reason.rstrip('.')}); {('team ' + w.owner) if w.owner else 'someone'} must remove it now",
            service=w.service,
            dependency=w.bypasses,
            team=w.owner,
            person=w.applied_by,
            path=(*_workaround_path(ctx, w.index), "expires") if w.index is not None else (),
        )


def _missing_field(
    ctx: AuditContext, rule_id: str, field: Callable[[Service], object], advice: str
) -> Iterator[Finding]:
    for s in ctx.services():
        if field(s) is None:
            yield Finding(rule_id, "warning", f"{s.id}: {advice}", service=s.id, path=_svc_path(ctx, s.id))


@rule("missing-verification", "warning", "service without verify")
def missing_verification(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-verification",
        lambda s: s.verify,
        "no `verify:` command, so nobody can say when it is restored; add the health check "
        "a responder runs to confirm it",
    )


@rule("missing-rto", "warning", "service without rto")
def missing_rto(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx, "missing-rto", lambda s: s.rto, "no `rto:`; agree how fast it must be back (e.g. `rto: 4h`)"
    )


@rule("missing-restore-time", "warning", "service without restore_time")
def missing_restore_time(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-restore-time",
        lambda s: s.restore_time,
        "no `restore_time:`, so schedules count it as instant; measure it in the next exercise",
    )


@rule(
    "rto-unachievable",
    "error",
    "earliest restore exceeds the RTO even with unlimited staff",
    planning=True,
)
def rto_unachievable(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    analysis = ctx.planning.rto
    for miss in analysis.unachievable:
        first, hidden, last = analysis.brief(miss)
        durations = ctx.planning.schedule.problem.duration
        parts = [f"{s} ({fmt_duration(durations[s])})" for s in first]
        if hidden:
            parts.append(f"... {hidden} more ...")
        parts += [f"{s} ({fmt_duration(durations[s])})" for s in last]
        steps = " -> ".join(parts)
        lever = f"; {miss.levers[0].describe()}" if miss.levers else ""
        yield Finding(
            "rto-unachievable",
            "error",
            f"{miss.service} cannot meet its RTO of {fmt_duration(miss.rto)} even with unlimited staff: "
            f"{steps} = {fmt_duration(miss.earliest_finish)}{lever}",
            service=miss.service,
            path=_svc_path(ctx, miss.service, "rto"),
        )


@rule("rto-at-risk", "warning", "the capacity-bound schedule finishes it after its RTO", planning=True)
def rto_at_risk(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    for miss in ctx.planning.rto.missed:
        lever = f"; to fix: {miss.levers[0].describe()}" if miss.levers else ""
        yield Finding(
            "rto-at-risk",
            "warning",
            f"{miss.service} is scheduled to be back at {fmt_duration(miss.finish)}, "
            f"{fmt_duration(miss.late_by)} past its RTO of {fmt_duration(miss.rto)}, because its "
            f"teams' capacity runs other tasks first{lever}",
            service=miss.service,
            path=_svc_path(ctx, miss.service, "rto"),
        )


@rule("rto-inversion", "warning", "a hard dependency has a looser RTO than the service needing it")
def rto_inversion(ctx: AuditContext) -> Iterator[Finding]:
    rtos = {s.id: s.rto for s in ctx.plan.services if s.rto is not None}
    for s in ctx.services():
        mine = s.rto
        if mine is None:
            continue
        for j, dep in enumerate(s.depends_on):
            theirs = rtos.get(dep.service)
            # the cheap test first: 150,000 findings among 350,000 dependencies at 100,000 services
            if theirs is None or theirs <= mine or dep.kind != "hard" or not ctx.in_scope(dep.service):
                continue
            yield Finding(
                "rto-inversion",
                "warning",
                f"{s.id} (RTO {fmt_duration(mine.total_seconds())}) hard-depends on {dep.service} "
                f"(RTO {fmt_duration(theirs.total_seconds())}): it cannot be back before its "
                f"dependency; tighten {possessive(dep.service)} RTO or relax {possessive(s.id)}",
                service=s.id,
                dependency=dep.service,
                path=_svc_path(ctx, s.id, "depends_on", j),
            )


@rule("missing-runbook", "warning", "service without a runbook")
def missing_runbook(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-runbook",
        lambda s: s.runbook,
        "no `runbook:`; write down the restore steps and link them (`runbook: {url: ..., reviewed: ...}`)",
    )


@rule("stale-runbook", "warning", "runbook never reviewed or reviewed too long ago")
def stale_runbook(ctx: AuditContext) -> Iterator[Finding]:
    limit = ctx.plan.policy.runbook_review_days
    for s in ctx.services():
        if s.runbook is None:
            continue
        age = ctx.days_since(s.runbook.reviewed)
        if age is None:
            text = "its runbook was never reviewed"
        elif age > limit:
            text = f"its runbook was last reviewed {s.runbook.reviewed} ({age} days ago, policy {limit})"
        else:
            continue
        yield Finding(
            "stale-runbook",
            "warning",
            f"{s.id}: {text}; walk through it and set `reviewed:`",
            service=s.id,
            path=_svc_path(ctx, s.id, "runbook"),
        )


@rule("no-escalation", "warning", "owner team has no escalation path or no contact on it")
def no_escalation(ctx: AuditContext) -> Iterator[Finding]:
    people = {p.id: p for p in ctx.plan.people}
    for team in ctx.owner_teams():
        path = ("teams", ctx.team_index[team.id])
        if not team.escalation:
            yield Finding(
                "no-escalation",
                "warning",
                f"team {team.id} owns services but has no `escalation:` path; list who to page, in order",
                team=team.id,
                path=path,
            )
            continue
        reachable = [p for p in team.escalation if p in people and people[p].contact]
        if not reachable:
            yield Finding(
                "no-escalation",
                "warning",
                f"nobody on team {possessive(team.id)} escalation path ({', '.join(team.escalation)}) has a "
                "`contact:`; add a phone, email or chat handle",
                team=team.id,
                path=(*path, "escalation"),
            )


@rule("single-contact", "info", "escalation path of one person")
def single_contact(ctx: AuditContext) -> Iterator[Finding]:
    for team in ctx.owner_teams():
        if len(team.escalation) == 1:
            yield Finding(
                "single-contact",
                "info",
                f"team {possessive(team.id)} escalation path is one person ({team.escalation[0]}): "
                "when they are "
                "unreachable nobody is next; add a second",
                team=team.id,
                person=team.escalation[0],
                path=("teams", ctx.team_index[team.id], "escalation"),
            )


@rule("escalation-untested", "warning", "escalation path never tested or not tested recently")
def escalation_untested(ctx: AuditContext) -> Iterator[Finding]:
    limit = ctx.plan.policy.escalation_test_days
    for team in ctx.owner_teams():
        if not team.escalation:
            continue
        age = ctx.days_since(team.escalation_tested)
        if age is None:
            text = "was never tested"
        elif age > limit:
            text = f"was last tested {team.escalation_tested} ({age} days ago, policy {limit})"
        else:
            continue
        yield Finding(
            "escalation-untested",
            "warning",
            f"team {possessive(team.id)} escalation path {text}; "
            "page through it and set `escalation_tested:`",
            team=team.id,
            path=("teams", ctx.team_index[team.id]),
        )


@rule("unassigned-role", "error", "no incident commander or no communications lead")
def unassigned_role(ctx: AuditContext) -> Iterator[Finding]:
    roles = ctx.plan.roles
    for role, label, person in (
        ("incident_commander", "incident commander", roles.incident_commander),
        ("communications_lead", "communications lead", roles.communications_lead),
    ):
        if person is None:
            yield Finding(
                "unassigned-role",
                "error",
                f"no {label}: assign one under `roles:` (`{role}: <person-id>`) before the next incident",
                path=("roles",),
            )


@rule("exercise-overdue", "warning", "no exercise within exercise_interval_days")
def exercise_overdue(ctx: AuditContext) -> Iterator[Finding]:
    limit = ctx.plan.policy.exercise_interval_days
    dates = [e.date for e in ctx.plan.exercises if e.date <= ctx.today]
    dates += [d for d in ctx.drills if d <= ctx.today]
    if dates and (ctx.today - max(dates)).days <= limit:
        return
    last = (
        f"the last was on {max(dates)} ({(ctx.today - max(dates)).days} days ago)"
        if dates
        else "none is recorded"
    )
    yield Finding(
        "exercise-overdue",
        "warning",
        f"no recovery exercise within {limit} days ({last}); run one of the scenarios (`planner "
        "track PLAN --scenario ID --exercise`) or record it under `exercises:`",
        path=("exercises",) if ctx.plan.exercises else (),
    )
