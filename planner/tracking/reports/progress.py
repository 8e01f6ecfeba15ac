"""Where a recovery stands: the schedule re-run from the current state (projected finish, RTOs
at risk) and when the next stakeholder update is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models.duration import later
from planner.engine.graph import UNOWNED
from planner.engine.indexed import INF, Indexed
from planner.engine.schedule import Problem, deadlines, priority_keys
from planner.tracking.domain.outline import Outline
from planner.tracking.domain.state import RESTORED, IncidentRow

RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
""":data:`models.common.CRITICALITY_RANK` by text (a test keeps them equal): importing the plan
models' base module for four numbers cost every status 9 ms."""

NO_ETA = "the restore times left add up to more than the calendar holds: check them in the plan"
"""Why there is no projected finish (see :attr:`Projection.eta`)."""


@dataclass
class Projection:
    """The rest of the recovery, scheduled from now."""

    now: datetime
    """When it was computed."""
    offsets: dict[str, int]
    """Projected finish of every task not restored, in seconds from :attr:`now`."""
    eta: datetime | None
    """When the last one is projected to be restored (now when all are; None past the year
    9999, where restore times of years each can take a long chain)."""
    at_risk: list[str]
    """Tasks not restored and not late yet that are projected to finish after their RTO (wave
    order)."""
    missed: list[str]
    """Tasks whose RTO passed before they were restored: restored after it, or still not
    restored and past it (wave order)."""
    late: list[str] = field(default_factory=list)
    """The tasks of :attr:`missed` still not restored (wave order)."""

    def finish(self, service: str) -> datetime | None:
        """When ``service`` is projected to be restored (None if it is, or past the year 9999)."""
        offset = self.offsets.get(service)
        return None if offset is None else later(self.now, offset)


def remaining(
    outline: Outline, now: datetime
) -> tuple[Problem, dict[str, tuple[float, ...]], dict[str, int | None]]:
    """What is not restored yet, as a scheduling problem from ``now`` (work already begun counts
    what is left of its estimate), its priority (work begun first) and each task's seconds to
    its RTO; the projection and the live forecast (:mod:`planner.tracking.reports.odds`) share it."""
    started = outline.row.rto_clock  # RTOs run from the detection when recorded
    elapsed = max(0, int((now - started).total_seconds()))
    state = outline.state
    order = [s for s, st in state.items() if st != RESTORED]
    back = {s for s, st in state.items() if st == RESTORED}
    every = outline.deps  # made for this outline and only read: a list without a restored
    deps = {}  # dependency is taken as it is (nearly all of them, early in a large outage)
    for s in order:
        ds = every[s]
        deps[s] = ds if back.isdisjoint(ds) else [d for d in ds if d not in back]
    dependents: dict[str, list[str]] = {s: [] for s in order}
    for s in order:
        for d in deps[s]:
            dependents[d].append(s)
    duration = {s: outline.duration[s] for s in order}
    for s, began in outline.begun.items():
        duration[s] = max(0, duration[s] - int((now - began).total_seconds()))
    owner = outline.owner
    team = {s: owner[s] or UNOWNED for s in order}
    capacity = {**outline.capacity, UNOWNED: 1}
    problem = Problem(order, deps, dependents, duration, team, capacity)
    rto = {s: None if (r := outline.rto[s]) is None else r - elapsed for s in order}
    crit = outline.criticality
    keys = priority_keys(problem, deadlines(problem, rto), {s: RANK[crit[s]] for s in order})
    for s in outline.begun:
        keys[s] = (float("-inf"), *keys[s][1:])
    return problem, keys, rto


def project(outline: Outline, now: datetime) -> Projection:
    """Re-run the capacity-aware schedule on what is not restored yet, from ``now``: work
    already begun counts what is left of its estimate, and runs first.

    The schedule of :func:`remaining`'s problem and priority, run by task number (the engine's
    :class:`~planner.engine.indexed.Indexed`): the same finishes, tie for tie, for about 15%
    less than the id-keyed run at 10,000 tasks (every status pays it)."""
    started = outline.row.rto_clock
    state = outline.state
    problem, where = _numbered(outline, now)
    order = problem.order
    ids = problem.ids
    rto = problem.rto
    _, _, times = problem.list_schedule(_by_priority(problem, [where[s] for s in outline.begun]))
    finish = {ids[t]: times[t] for t in order}
    late = [ids[t] for t in order if (r := rto[t]) is not None and r < 0]
    at_risk = [ids[t] for t in order if (r := rto[t]) is not None and 0 <= r < times[t]]
    overdue = {
        s
        for s, done in outline.restored.items()
        if (r := outline.rto[s]) is not None and done > started + timedelta(seconds=r)
    }
    overdue.update(late)
    missed = [s for s in state if s in overdue]
    eta = later(now, max(finish.values(), default=0))
    return Projection(now, finish, eta, at_risk, missed, late)


def _numbered(outline: Outline, now: datetime) -> tuple[Indexed, dict[str, int]]:
    """:func:`remaining`'s problem by task number (numbers in id order, so that a tie broken by
    number is one broken by id; the tasks in wave order), and each task's number."""
    elapsed = max(0, int((now - outline.row.rto_clock).total_seconds()))
    tasks = [s for s, st in outline.state.items() if st != RESTORED]
    ids = sorted(tasks)
    where = dict(zip(ids, range(len(ids)), strict=True))
    every = outline.deps
    numbered, back = where.__getitem__, every.keys() - where.keys()  # a list without a restored
    deps = [  # dependency (nearly all of them, early in a large outage) is mapped as it is
        list(map(numbered, ds)) if back.isdisjoint(ds) else [where[d] for d in ds if d in where]
        for ds in map(every.__getitem__, ids)
    ]
    dependents: list[list[int]] = [[] for _ in ids]
    for number, inputs in enumerate(deps):
        for d in inputs:
            dependents[d].append(number)
    duration = [outline.duration[s] for s in ids]
    for s, began in outline.begun.items():
        number = where[s]
        duration[number] = max(0, duration[number] - int((now - began).total_seconds()))
    capacity = {**outline.capacity, UNOWNED: 1}
    team_number = {team: k for k, team in enumerate(capacity)}
    owner, rto, crit = outline.owner, outline.rto, outline.criticality
    problem = Indexed(
        ids,
        where,
        [where[s] for s in tasks],
        deps,
        dependents,
        duration,
        [team_number[owner[s] or UNOWNED] for s in ids],
        list(capacity.values()),
        [None if (r := rto[s]) is None else r - elapsed for s in ids],
        [RANK[crit[s]] for s in ids],
    )
    return problem, where


def _by_priority(problem: Indexed, begun: list[int]) -> list[int]:
    """Every task, most urgent first, as :func:`remaining`'s keys order them: work begun, then
    the engine's priority (:meth:`~planner.engine.indexed.Indexed.priority_order`)."""
    due: list[float | None] = list(problem.deadlines())
    for number in begun:
        due[number] = -INF
    return problem.priority_order(due)


def next_update_due(row: IncidentRow, cadence: int) -> datetime:
    """When the next stakeholder update is due: the cadence after the last one (or the start)."""
    last = row.last_update or row.started
    return last + timedelta(seconds=cadence)
