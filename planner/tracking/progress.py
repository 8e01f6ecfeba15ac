"""Where a recovery stands: the schedule re-run from the current state (projected finish, RTOs
at risk) and when the next stakeholder update is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.common import Criticality
from planner.graph import UNOWNED
from planner.schedule import Problem, deadlines, list_schedule, priority_keys
from planner.tracking.state import RESTORED, RESTORING, MemoryView


@dataclass
class Projection:
    """The rest of the recovery, scheduled from now."""

    now: datetime
    """When it was computed."""
    finish: dict[str, datetime]
    """Projected finish of every task not restored."""
    eta: datetime
    """When the last one is projected to be restored (now when all are)."""
    at_risk: list[str]
    """Tasks not restored that are projected to finish after their RTO (wave order)."""
    missed: list[str]
    """Tasks restored after their RTO (wave order)."""


def project(state: MemoryView, now: datetime) -> Projection:
    """Re-run the capacity-aware schedule on what is not restored yet, from ``now``: work
    already begun counts what is left of its estimate, and runs first."""
    started = state.row.started
    elapsed = max(0, int((now - started).total_seconds()))
    order = [s for s, t in state.tasks.items() if t.state != RESTORED]
    left = set(order)
    deps = {s: [c.dependency for c in state.checks(s) if c.dependency in left] for s in order}
    dependents: dict[str, list[str]] = {s: [] for s in order}
    for s in order:
        for d in deps[s]:
            dependents[d].append(s)
    duration = {}
    team = {}
    for s in order:
        task = state.tasks[s]
        work = task.duration
        if task.state == RESTORING and task.begun is not None:
            work = max(0, work - int((now - task.begun).total_seconds()))
        duration[s] = work
        team[s] = task.owner or UNOWNED
    teams = state.info.teams  # capacities as the plan resolved them; the unowned pool has one slot
    capacity = {
        t: 1 if t == UNOWNED else teams[t].capacity if t in teams else state.info.default_capacity
        for t in set(team.values())
    }
    problem = Problem(order, deps, dependents, duration, team, capacity)
    rto = {s: None if (r := state.tasks[s].rto) is None else r - elapsed for s in order}
    keys = priority_keys(
        problem, deadlines(problem, rto), {s: Criticality(state.tasks[s].criticality).rank for s in order}
    )
    for s in order:
        if state.tasks[s].state == RESTORING:
            keys[s] = (float("-inf"), *keys[s][1:])
    _, _, finish = list_schedule(problem, keys)
    when = {s: now + timedelta(seconds=f) for s, f in finish.items()}
    at_risk = [s for s in order if (r := rto[s]) is not None and finish[s] > r]
    missed = [
        s
        for s, t in state.tasks.items()
        if t.state == RESTORED
        and t.rto is not None
        and t.restored is not None
        and t.restored > started + timedelta(seconds=t.rto)
    ]
    return Projection(now, when, max(when.values(), default=now), at_risk, missed)


def next_update_due(state: MemoryView) -> datetime:
    """When the next stakeholder update is due: the cadence after the last one (or the start)."""
    last = state.row.last_update or state.row.started
    return last + timedelta(seconds=state.info.update_cadence)
