"""The audit rules (docs/design/rules.md), one small function each (listed, with their ids and default
severities, in :mod:`planner.audit.registry`). A rule yields findings; the runner applies
``policy.rules`` overrides and locations.

The rules that may find something for every service or dependency (``ordered`` in the registry)
yield in report order: services by id (:meth:`AuditContext.by_id`), then by dependency. The
runner merges them as they come instead of holding and sorting them (2 million findings of a
dense plan); it sorts what the other rules yield (the plan's, teams', workarounds': a few)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from operator import attrgetter

from models.duration import fmt_duration
from models.plan import Service
from planner.audit.context import AuditContext
from planner.audit.findings import Finding, Severity
from planner.style import possessive


def _svc_path(ctx: AuditContext, service: str, *rest: str | int) -> tuple[str | int, ...]:
    return ("services", ctx.service_index[service], *rest)


class _Spelled(dict[float, str]):
    """Durations for people, each spelled once (an audit spells a few RTOs hundreds of thousands
    of times)."""

    def __missing__(self, seconds: float) -> str:
        text = self[seconds] = fmt_duration(seconds)
        return text


_by_dependency = attrgetter("dependency")


def missing_owner(ctx: AuditContext) -> Iterator[Finding]:
    teams = ", ".join(t.id for t in ctx.plan.teams) or "define one under 'teams:'"
    for s in ctx.by_id():
        if s.owner is None:
            if ctx.scenario_name:
                what = f"nobody owns {s.id} restoration during {ctx.scenario_name}"
            else:
                what = f"{s.id} has no owner: nobody is accountable for restoring it"
            yield Finding(
                "missing-owner",
                Severity.ERROR,
                f"{what}; assign an owner team: `owner: <team-id>` ({teams})",
                service=s.id,
                path=_svc_path(ctx, s.id),
            )


def _referential(ctx: AuditContext, rule_id: str) -> Iterator[Finding]:
    for p in ctx.loaded.problems:
        if p.rule == rule_id and ctx.in_scope(p.service):
            yield Finding(
                rule_id, Severity.ERROR, p.message, service=p.service, dependency=p.dependency, path=p.path
            )


def unknown_reference(ctx: AuditContext) -> Iterator[Finding]:
    yield from _referential(ctx, "unknown-reference")


def duplicate_dependency(ctx: AuditContext) -> Iterator[Finding]:
    yield from _referential(ctx, "duplicate-dependency")


def dependency_cycle(ctx: AuditContext) -> Iterator[Finding]:
    yield from _referential(ctx, "dependency-cycle")


def unchecked_dependency(ctx: AuditContext) -> Iterator[Finding]:
    examples = {
        s.id: f", e.g. its verify command `{s.verify}`" if s.verify else "" for s in ctx.plan.services
    }
    index, scope = ctx.service_index, ctx.scope
    for s in ctx.by_id():
        found = []
        sid = s.id
        for j, dep in enumerate(s.depends_on):
            if dep.check or dep.kind != "hard" or (scope is not None and dep.service not in scope):
                continue
            on = dep.service
            found.append(
                Finding(
                    "unchecked-dependency",
                    Severity.WARNING,
                    f"{sid} hard-depends on {on} with no check: nobody can confirm {on} works for "
                    f"{sid} before restoring it; add a `check:` that proves {on} answers"
                    f"{examples.get(on, '')}",
                    sid,
                    on,
                    path=("services", index[sid], "depends_on", j),
                )
            )
        if found:
            yield from _by_dependency_order(found)


def _by_dependency_order(found: list[Finding]) -> list[Finding]:
    """One service's findings in report order: by dependency (a dependency listed twice gives
    the same message twice, so the order among equals is the plan's)."""
    if len(found) > 1:
        found.sort(key=_by_dependency)
    return found


def _workaround_path(ctx: AuditContext, index: int | None) -> tuple[str | int, ...]:
    return ("workarounds", index) if index is not None else ()


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
            Severity.ERROR,
            f"{w.id} ({w.origin}) bypasses the {w.service} -> {w.bypasses} check since "
            f"{w.applied:%Y-%m-%d %H:%M}Z (applied{who}: {w.reason.rstrip('.')}); {owner}, {then}",
            service=w.service,
            dependency=w.bypasses,
            team=w.owner,
            person=w.applied_by,
            path=_workaround_path(ctx, w.index),
        )


def expired_workaround(ctx: AuditContext) -> Iterator[Finding]:
    for w in ctx.workarounds:
        if w.expires is None or w.expires > ctx.as_of or not ctx.in_scope(w.service):
            continue
        days = (ctx.as_of - w.expires).days
        who = f" by {w.applied_by}" if w.applied_by else ""
        yield Finding(
            "expired-workaround",
            Severity.ERROR,
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
    index = ctx.service_index
    for s in ctx.by_id():
        if field(s) is None:
            yield Finding(
                rule_id, Severity.WARNING, f"{s.id}: {advice}", s.id, path=("services", index[s.id])
            )


def missing_verification(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-verification",
        attrgetter("verify"),
        "no `verify:` command, so nobody can say when it is restored; add the health check "
        "a responder runs to confirm it",
    )


def missing_rto(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx, "missing-rto", attrgetter("rto"), "no `rto:`; agree how fast it must be back (e.g. `rto: 4h`)"
    )


def missing_restore_time(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-restore-time",
        attrgetter("restore_time"),
        "no `restore_time:`, so schedules count it as instant; measure it in the next exercise",
    )


def rto_unachievable(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    analysis = ctx.planning.rto
    durations = ctx.planning.schedule.problem.duration
    spelled = _Spelled()
    index = ctx.service_index
    for miss in sorted(analysis.unachievable, key=_by_service):  # one miss per service
        first, hidden, last = analysis.brief(miss)
        parts = [f"{s} ({spelled[durations[s]]})" for s in first]
        if hidden:
            parts.append(f"... {hidden} more ...")
        parts += [f"{s} ({spelled[durations[s]]})" for s in last]
        steps = " -> ".join(parts)
        lever = f"; {miss.levers[0].describe()}" if miss.levers else ""
        yield Finding(
            "rto-unachievable",
            Severity.ERROR,
            f"{miss.service} cannot meet its RTO of {spelled[miss.rto]} even with unlimited staff: "
            f"{steps} = {spelled[miss.earliest_finish]}{lever}",
            service=miss.service,
            path=("services", index[miss.service], "rto"),
        )


_by_service = attrgetter("service")


def rto_at_risk(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    spelled = _Spelled()
    index = ctx.service_index
    for miss in sorted(ctx.planning.rto.missed, key=_by_service):  # one miss per service
        lever = f"; to fix: {miss.levers[0].describe()}" if miss.levers else ""
        yield Finding(
            "rto-at-risk",
            Severity.WARNING,
            f"{miss.service} is scheduled to be back at {spelled[miss.finish]}, "
            f"{spelled[miss.late_by]} past its RTO of {spelled[miss.rto]}, because its "
            f"teams' capacity runs other tasks first{lever}",
            service=miss.service,
            path=("services", index[miss.service], "rto"),
        )


def rto_inversion(ctx: AuditContext) -> Iterator[Finding]:
    rtos = {s.id: s.rto for s in ctx.plan.services if s.rto is not None}
    spelled: dict[timedelta, str] = {rto: fmt_duration(rto.total_seconds()) for rto in set(rtos.values())}
    index, scope = ctx.service_index, ctx.scope
    for s in ctx.by_id():
        mine = s.rto
        if mine is None:
            continue
        found = []
        for j, dep in enumerate(s.depends_on):
            theirs = rtos.get(dep.service)
            # the cheap test first: 150,000 findings among 350,000 dependencies at 100,000 services
            if (
                theirs is None
                or theirs <= mine
                or dep.kind != "hard"
                or (scope is not None and dep.service not in scope)
            ):
                continue
            sid, on = s.id, dep.service
            found.append(
                Finding(
                    "rto-inversion",
                    Severity.WARNING,
                    f"{sid} (RTO {spelled[mine]}) hard-depends on {on} (RTO {spelled[theirs]}): it "
                    f"cannot be back before its dependency; tighten {possessive(on)} RTO or relax "
                    f"{possessive(sid)}",
                    sid,
                    on,
                    path=("services", index[sid], "depends_on", j),
                )
            )
        if found:
            yield from _by_dependency_order(found)


def missing_runbook(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-runbook",
        attrgetter("runbook"),
        "no `runbook:`; write down the restore steps and link them (`runbook: {url: ..., reviewed: ...}`)",
    )


def stale_runbook(ctx: AuditContext) -> Iterator[Finding]:
    limit = ctx.plan.policy.runbook_review_days
    for s in ctx.by_id():
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
            Severity.WARNING,
            f"{s.id}: {text}; walk through it and set `reviewed:`",
            service=s.id,
            path=_svc_path(ctx, s.id, "runbook"),
        )


def no_escalation(ctx: AuditContext) -> Iterator[Finding]:
    people = {p.id: p for p in ctx.plan.people}
    for team in ctx.owner_teams():
        path = ("teams", ctx.team_index[team.id])
        if not team.escalation:
            yield Finding(
                "no-escalation",
                Severity.WARNING,
                f"team {team.id} owns services but has no `escalation:` path; list who to page, in order",
                team=team.id,
                path=path,
            )
            continue
        reachable = [p for p in team.escalation if p in people and people[p].contact]
        if not reachable:
            yield Finding(
                "no-escalation",
                Severity.WARNING,
                f"nobody on team {possessive(team.id)} escalation path ({', '.join(team.escalation)}) has a "
                "`contact:`; add a phone, email or chat handle",
                team=team.id,
                path=(*path, "escalation"),
            )


def single_contact(ctx: AuditContext) -> Iterator[Finding]:
    for team in ctx.owner_teams():
        if len(team.escalation) == 1:
            yield Finding(
                "single-contact",
                Severity.INFO,
                f"team {possessive(team.id)} escalation path is one person ({team.escalation[0]}): "
                "when they are "
                "unreachable nobody is next; add a second",
                team=team.id,
                person=team.escalation[0],
                path=("teams", ctx.team_index[team.id], "escalation"),
            )


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
            Severity.WARNING,
            f"team {possessive(team.id)} escalation path {text}; "
            "page through it and set `escalation_tested:`",
            team=team.id,
            path=("teams", ctx.team_index[team.id]),
        )


def unassigned_role(ctx: AuditContext) -> Iterator[Finding]:
    roles = ctx.plan.roles
    for role, label, person in (
        ("incident_commander", "incident commander", roles.incident_commander),
        ("communications_lead", "communications lead", roles.communications_lead),
    ):
        if person is None:
            yield Finding(
                "unassigned-role",
                Severity.ERROR,
                f"no {label}: assign one under `roles:` (`{role}: <person-id>`) before the next incident",
                path=("roles",),
            )


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
        Severity.WARNING,
        f"no recovery exercise within {limit} days ({last}); run one of the scenarios (`planner "
        "track PLAN --scenario ID --exercise`) or record it under `exercises:`",
        path=("exercises",) if ctx.plan.exercises else (),
    )
