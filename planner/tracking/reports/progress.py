"""Where a recovery stands: the schedule re-run from the current state (projected finish, RTOs
at risk) and when the next stakeholder update is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import compress, repeat
from operator import and_, ge, lt
from typing import TYPE_CHECKING, NamedTuple

from models.duration import later
from planner.engine.numbered import INF, list_schedule
from planner.tracking.domain.outline import Outline
from planner.tracking.domain.state import RESTORED, IncidentRow

if TYPE_CHECKING:
    from planner.engine.schedule import Problem

RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
""":data:`models.common.CRITICALITY_RANK` by text (a test keeps them equal): importing the plan
models' base module for four numbers cost every status 9 ms."""

UNOWNED = "(unowned)"
""":data:`planner.engine.graph.UNOWNED`, the team of a task without an owner (a test keeps them
equal): the engine's graph module is not imported by a status for one name."""

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
    from planner.engine.schedule import Problem, deadlines, priority_keys  # a forecast's, not a status's

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

    The schedule of :func:`remaining`'s problem and priority, run by number (the engine's
    :func:`~planner.engine.numbered.list_schedule`): the same finishes, tie for tie. Every
    status and update pays it: 24 ms at 10,000 tasks, where an
    :class:`~planner.engine.indexed.Indexed` numbered in id order for it took 39 ms. The
    numbers are places in wave order (the outline's), so no ids are sorted to number them, the
    deadlines and the work behind take one pass, and the lists come out in wave order.
    """
    tasks = _Tasks.of(outline, now)
    ids, order, rto = tasks.ids, tasks.order, tasks.rto
    _, _, times = list_schedule(
        _by_priority(tasks, outline),
        order=order,
        waiting=tasks.waiting,
        dependents=tasks.dependents,
        duration=tasks.duration,
        team_of=tasks.team,
        capacity=tasks.capacity,
    )
    finish = dict(zip(map(ids.__getitem__, order), map(times.__getitem__, order), strict=True))
    late = list(compress(ids, map(lt, rto, repeat(0))))  # a restored task's RTO is infinite here
    at_risk = list(compress(ids, map(and_, map(ge, rto, repeat(0)), map(lt, rto, times))))
    overdue = _restored_late(outline)
    if overdue:
        overdue.update(late)
        missed = [s for s in outline.state if s in overdue]
    else:
        missed = list(late)
    eta = later(now, max(finish.values(), default=0))
    return Projection(now, finish, eta, at_risk, missed, late)


class _Tasks(NamedTuple):
    """:func:`remaining`'s problem by number: every service of the outline numbered by its
    place (wave order: every dependency before its dependents); a list has a slot for each,
    read only for the tasks."""

    ids: list[str]
    where: dict[str, int]
    order: list[int]
    """The tasks (not restored), in wave order."""
    waiting: list[int]
    """How many dependencies not restored each task waits on."""
    dependents: list[list[int]]
    """Each task's dependents (a restored one's list is never read)."""
    duration: list[int]
    """Each task's seconds of work left."""
    rto: list[float]
    """Each task's seconds left to its RTO (infinite: none, or restored)."""
    team: list[int]
    """Each task's team, as its place in :attr:`capacity`."""
    capacity: list[int]

    @classmethod
    def of(cls, outline: Outline, now: datetime) -> _Tasks:
        state = outline.state
        ids = list(state)
        where = dict(zip(ids, range(len(ids)), strict=True))
        back = [k for k, st in enumerate(state.values()) if st == RESTORED]
        order = (
            [k for k, st in enumerate(state.values()) if st != RESTORED] if back else list(range(len(ids)))
        )
        waiting, dependents = _links(outline.deps, ids, where, order, back)
        duration = list(map(outline.duration.__getitem__, ids))
        for s, began in outline.begun.items():
            number = where[s]
            duration[number] = max(0, duration[number] - int((now - began).total_seconds()))
        elapsed = max(0, int((now - outline.row.rto_clock).total_seconds()))
        rto = [INF if r is None else r - elapsed for r in map(outline.rto.__getitem__, ids)]
        for number in back:
            rto[number] = INF
        capacity = {**outline.capacity, UNOWNED: 1}
        team: dict[str | None, int] = {name: k for k, name in enumerate(capacity)}
        team[None] = team[""] = team[UNOWNED]  # ``owner or UNOWNED``
        teams = list(map(team.__getitem__, map(outline.owner.__getitem__, ids)))
        return cls(ids, where, order, waiting, dependents, duration, rto, teams, list(capacity.values()))


def _links(
    every: dict[str, list[str]], ids: list[str], where: dict[str, int], order: list[int], back: list[int]
) -> tuple[list[int], list[list[int]]]:
    """How many dependencies not restored each task of ``order`` waits on, and each one's
    dependents among them (``back``: the restored)."""
    waiting = [0] * len(ids)
    dependents: list[list[int]] = [[] for _ in ids]
    for task in order:
        inputs = every[ids[task]]
        waiting[task] = len(inputs)
        for d in inputs:
            dependents[where[d]].append(task)
    for number in back:  # a restored dependency is not waited on
        for task in dependents[number]:
            waiting[task] -= 1
    return waiting, dependents


def _by_priority(tasks: _Tasks, outline: Outline) -> list[int]:
    """Every task, most urgent first, as :func:`remaining`'s keys order them: work begun, then
    the engine's priority (:meth:`~planner.engine.indexed.Indexed.priority_order`: propagated
    deadline, the longest chain of work behind, criticality, id), in one sort of key tuples.
    The deadlines are floats there, as in :func:`~planner.engine.schedule.priority_keys`: keys
    whose first items are all of one type are compared faster (10% of the sort)."""
    due, behind = _urgency(tasks)
    where = tasks.where
    for s in outline.begun:
        due[where[s]] = -INF
    ids = tasks.ids
    rank = map(RANK.__getitem__, map(outline.criticality.__getitem__, ids))
    keys = list(zip(map(float, due), behind, rank, ids, strict=True))
    return sorted(tasks.order, key=keys.__getitem__)


def _urgency(tasks: _Tasks) -> tuple[list[float], list[int]]:
    """Each task's deadline (its RTO tightened by its dependents', infinite for none:
    :meth:`~planner.engine.indexed.Indexed.deadlines`) and minus its work behind (its duration
    plus the longest chain of work waiting on it:
    :meth:`~planner.engine.indexed.Indexed.work_behind`), in one pass over the dependents."""
    size = len(tasks.ids)
    dependents, duration, rto = tasks.dependents, tasks.duration, tasks.rto
    due = [INF] * size
    start_by = [INF] * size  # the deadline less the duration: when it must start
    behind = [0] * size
    for task in reversed(tasks.order):
        best = rto[task]
        most = 0
        for other in dependents[task]:
            value = start_by[other]
            if value < best:  # noqa: PLR1730 - a plain comparison is 3x faster than min() here
                best = value
            value = behind[other]
            if value < most:  # noqa: PLR1730 - as above
                most = value
        due[task] = best
        length = duration[task]
        start_by[task] = best - length
        behind[task] = most - length
    return due, behind


def _restored_late(outline: Outline) -> set[str]:
    """The restored tasks restored after their RTO."""
    started, rto = outline.row.rto_clock, outline.rto
    deadline: dict[int, datetime] = {}  # by RTO: a plan has few distinct ones
    late = set()
    for s, done in outline.restored.items():
        r = rto[s]
        if r is not None:
            at = deadline.get(r)
            if at is None:
                at = deadline[r] = started + timedelta(seconds=r)
            if done > at:
                late.add(s)
    return late


def next_update_due(row: IncidentRow, cadence: int) -> datetime:
    """When the next stakeholder update is due: the cadence after the last one (or the start)."""
    last = row.last_update or row.started
    return last + timedelta(seconds=cadence)
