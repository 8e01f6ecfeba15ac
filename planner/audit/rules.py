"""The audit rules (docs/design/rules.md), one small function each (listed, with their ids and default
severities, in :mod:`planner.audit.registry`). A rule yields findings; the runner applies
``policy.rules`` overrides and locations.

The rules that may find something for every service or dependency (``ordered`` in the registry)
yield in report order: services by id (:meth:`AuditContext.by_id`), then by dependency. The
runner merges them as they come instead of holding and sorting them (2 million findings of a
dense plan); it sorts what the other rules yield (the plan's, teams', workarounds': a few).
The RTO rules are in :mod:`planner.audit.rto_rules`, single-point-of-failure in
:mod:`planner.audit.spof`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from operator import attrgetter

from planner.audit.context import AuditContext
from planner.audit.findings import Finding, Severity
from planner.style import possessive


def _svc_path(ctx: AuditContext, service: str, *rest: str | int) -> tuple[str | int, ...]:
    return ("services", ctx.service_index[service], *rest)


_by_dependency = attrgetter("dependency")
ERROR, WARNING = Severity.ERROR, Severity.WARNING


def missing_owner(ctx: AuditContext) -> Iterator[Finding]:
    teams = ", ".join(t.id for t in ctx.plan.teams) or "define one under 'teams:'"
    for s in ctx.census().missing["owner"]:  # by id
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
    examples = _Examples(ctx)
    index, scope = ctx.service_index, ctx.scope
    for s in ctx.by_id():
        found = None
        for j, dep in enumerate(s.depends_on):
            if dep.check or dep.kind != "hard" or (scope is not None and dep.service not in scope):
                continue
            if found is None:
                found, sid, at = [], s.id, index[s.id]
            on = dep.service
            found.append(
                Finding(
                    "unchecked-dependency",
                    WARNING,
                    f"{sid} hard-depends on {on} with no check: nobody can confirm {on} works for "
                    f"{sid} before restoring it; add a `check:` that proves {on} answers{examples[on]}",
                    sid,
                    on,
                    None,
                    None,
                    ("services", at, "depends_on", j),
                )
            )
        if found:
            yield from by_dependency_order(found)


class _Examples(dict[str, str]):
    """The end of an unchecked dependency's message: its verify command as an example of a
    check, made once per service depended on (and only for those)."""

    def __init__(self, ctx: AuditContext) -> None:
        super().__init__()
        self.services, self.index = ctx.plan.services, ctx.service_index

    def __missing__(self, on: str) -> str:
        at = self.index.get(on)
        verify = None if at is None else self.services[at].verify
        text = self[on] = f", e.g. its verify command `{verify}`" if verify else ""
        return text


def by_dependency_order(found: list[Finding]) -> list[Finding]:
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


def _missing_field(ctx: AuditContext, rule_id: str, name: str, advice: str) -> Iterator[Finding]:
    index = ctx.service_index
    for s in ctx.census().missing[name]:  # the services in scope without it, by id
        yield Finding(rule_id, WARNING, f"{s.id}: {advice}", s.id, path=("services", index[s.id]))


def missing_verification(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-verification",
        "verify",
        "no `verify:` command, so nobody can say when it is restored; add the health check "
        "a responder runs to confirm it",
    )


def missing_rto(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx, "missing-rto", "rto", "no `rto:`; agree how fast it must be back (e.g. `rto: 4h`)"
    )


def missing_restore_time(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-restore-time",
        "restore_time",
        "no `restore_time:`, so schedules count it as instant; measure it in the next exercise",
    )


def missing_runbook(ctx: AuditContext) -> Iterator[Finding]:
    yield from _missing_field(
        ctx,
        "missing-runbook",
        "runbook",
        "no `runbook:`; write down the restore steps and link them (`runbook: {url: ..., reviewed: ...}`)",
    )


def stale_runbook(ctx: AuditContext) -> Iterator[Finding]:
    limit = ctx.plan.policy.runbook_review_days
    said: dict[date | None, str | None] = {}  # what each review date says (None: in time)
    index = ctx.service_index
    for s in ctx.by_id():
        if s.runbook is None:
            continue
        reviewed = s.runbook.reviewed
        if reviewed in said:
            text = said[reviewed]
        else:
            age = ctx.days_since(reviewed)
            if age is None:
                text = "its runbook was never reviewed; walk through it and set `reviewed:`"
            elif age > limit:
                text = (
                    f"its runbook was last reviewed {reviewed} ({age} days ago, policy {limit}); "
                    "walk through it and set `reviewed:`"
                )
            else:
                text = None
            said[reviewed] = text
        if text is not None:
            sid = s.id
            yield Finding(
                "stale-runbook",
                WARNING,
                f"{sid}: {text}",
                sid,
                None,
                None,
                None,
                ("services", index[sid], "runbook"),
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
