"""A new incident's first rows, from a validated plan and a scenario.

The incident copies what it needs from the plan (tasks in wave order with owners, RTOs,
durations, verify commands and runbooks; the checks of hard dependencies between impacted
services; owner teams with their escalation paths; the roles) so that every later action works on
the store alone, whatever the plan's size and whatever happens to the plan file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.events import IncidentStarted
from models.plan import Plan
from planner.engine.planning import Ordering, plan_order
from planner.engine.scenario import FULL_OUTAGE
from planner.engine.schedule import build_problem
from planner.tracking.domain.fold import fold
from planner.tracking.domain.plan_workarounds import PlanWorkaround
from planner.tracking.domain.state import (
    CheckRow,
    IncidentMeta,
    IncidentRow,
    MemoryView,
    Person,
    TaskRow,
    TeamInfo,
)


def initial_state(
    plan: Plan,
    plan_hash: str,
    incident: str,
    *,
    scenario: str | None,
    failed: Sequence[str] | None,
    title: str | None,
    exercise: bool,
    actor: str,
    at: datetime,
    detected: datetime | None = None,
) -> tuple[MemoryView, IncidentStarted]:
    """The rows and the first event of incident ``incident``.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db", "restore_time": "30m"},
    ...     {"id": "api", "depends_on": [{"service": "db", "check": "pg_isready"}]}]})
    >>> state, started = initial_state(plan, "0" * 64, "INC-1", scenario=None, failed=["db"],
    ...     title=None, exercise=False, actor="alice", at=datetime(2026, 11, 28, tzinfo=UTC))
    >>> list(state.tasks), [(c.service, c.dependency, c.command) for c in state.checks("api")]
    (['db', 'api'], [('api', 'db', 'pg_isready')])
    >>> started.title
    'Recovery of x: failed: db'
    """
    ordering = plan_order(plan, scenario, failed)
    tasks, checks = _tasks(ordering)
    meta = _meta(plan, {t.owner for t in tasks.values() if t.owner})
    meta.plan_workarounds = _plan_workarounds(plan, set(tasks))
    selection = ordering.selection
    title = title or f"Recovery of {plan.name}: {selection.name}"
    roles = plan.roles.assigned() if plan.roles else {}
    row = IncidentRow(
        id=incident,
        title=title,
        scenario=selection.id,
        plan_hash=plan_hash,
        plan_name=plan.name,
        exercise=exercise,
        started=at,
        detected=detected,
        roles=roles,
    )
    started = IncidentStarted(
        incident=incident,
        at=at,
        actor=actor,
        title=title,
        plan_hash=plan_hash,
        plan_name=plan.name,
        scenario=selection.id,
        failed=list(selection.failed),
        exercise=exercise,
        detected=detected,
    )
    return MemoryView(row, meta, tasks, checks), started


def _tasks(ordering: Ordering) -> tuple[dict[str, TaskRow], dict[tuple[str, str], CheckRow]]:
    """One task per impacted service, in restore order; one check per hard dependency between
    two impacted services."""
    graph, impact = ordering.graph, ordering.impact
    problem = build_problem(graph, impact, ordering.waves)
    members = set(impact.impacted)
    tasks: dict[str, TaskRow] = {}
    checks: dict[tuple[str, str], CheckRow] = {}
    for position, service_id in enumerate(problem.order):
        svc = graph.services[service_id]
        tasks[service_id] = TaskRow(
            service=service_id,
            position=position,
            wave=problem.wave[service_id],
            name=svc.name or service_id,
            owner=svc.owner,
            criticality=str(svc.criticality),
            rto=None if svc.rto is None else round(svc.rto.total_seconds()),
            duration=problem.duration[service_id],
            verify=svc.verify,
            runbook=None if svc.runbook is None else svc.runbook.url,
        )
        for dep in svc.depends_on:
            if dep.hard and dep.service in members:
                checks[service_id, dep.service] = CheckRow(service_id, dep.service, dep.check)
    return tasks, checks


def _plan_workarounds(plan: Plan, impacted: set[str]) -> list[PlanWorkaround]:
    """The plan's open workarounds on an impacted service or dependency, by id."""
    return [
        PlanWorkaround(w.id, w.service, w.bypasses, w.description, w.owner, w.applied, w.expires)
        for w in sorted(plan.workarounds, key=lambda w: w.id)
        if w.removed is None and (w.service in impacted or w.bypasses in impacted)
    ]


def _meta(plan: Plan, owners: set[str]) -> IncidentMeta:
    """What the incident keeps of the plan beside its tasks: the owner teams with their
    escalation paths, the people and the update cadence."""
    people = {p.id: Person(p.id, p.name or p.id, p.contact) for p in plan.people}

    def who(pid: str) -> Person:
        return people.get(pid) or Person(pid, pid, None)

    teams = {
        t.id: TeamInfo(
            id=t.id,
            name=t.name or t.id,
            capacity=t.capacity or plan.policy.default_team_capacity,
            channel=t.channel,
            escalation=[who(p) for p in t.escalation],
            members=[who(p) for p in t.members],
        )
        for t in plan.teams
        if t.id in owners
    }
    return IncidentMeta(
        update_cadence=round(plan.policy.update_cadence.total_seconds()),
        default_capacity=plan.policy.default_team_capacity,
        teams=teams,
        people=people,
        run_checks=plan.policy.run_checks,
        components=bool(plan.components),
    )


def rebuild(plan: Plan, events: Sequence[object]) -> MemoryView:
    """The state of an incident rebuilt from its plan and its whole journal (the fold).

    The first event must be the incident's start; the scenario it names is replayed.
    """
    first = events[0]
    assert isinstance(first, IncidentStarted), "a journal starts with its incident"
    named = first.scenario in {s.id for s in plan.scenarios}
    custom = not named and first.scenario != FULL_OUTAGE
    initial, _ = initial_state(
        plan,
        first.plan_hash,
        first.incident,
        scenario=first.scenario if named else None,
        failed=list(first.failed) if custom else None,
        title=first.title,
        exercise=first.exercise,
        actor=first.actor,
        at=first.at,
        detected=first.detected,
    )
    return fold(initial, events[1:])  # type: ignore[arg-type]
