"""Capacity-aware restore schedule: list scheduling on team slots, RTO deadlines first.

Times are whole seconds from incident start (minute 0). Each impacted service is one task:
``restore_time`` if it failed itself, ``restart_time`` if it is down through a dependency.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from planner.engine.indexed import Columns, Indexed
from planner.engine.problem import Problem, build_problem, index_problem

if TYPE_CHECKING:  # the tracking commands schedule without loading a plan: keep this module light
    from planner.engine.graph import RecoveryGraph
    from planner.engine.impact import Impact

INF = float("inf")
PriorityFn = Callable[[str, int], tuple[float, ...]]

__all__ = [
    "Problem",
    "Schedule",
    "Task",
    "build_problem",
    "critical_chain",
    "deadline_priority",
    "deadlines",
    "earliest_finish",
    "fcfs_priority",
    "list_schedule",
    "priority_keys",
    "schedule",
    "work_behind",
]


@dataclass(slots=True)
class Task:
    """One service's recovery task, placed on the timeline."""

    service: str
    """Service restored."""
    team: str
    """Team that runs it (``(unowned)`` for services without an owner)."""
    wave: int
    """1-based restore wave."""
    duration: int
    """Seconds of work."""
    ready: int
    """When its last impacted hard dependency finished."""
    start: int
    """When the team starts it."""
    finish: int
    """When it is restored."""
    earliest_finish: int
    """Finish with unlimited staff: the longest chain of durations ending at it."""
    rto: int | None
    """RTO in seconds from incident start."""
    deadline: int | None
    """Latest finish that lets it and everything waiting on it meet their RTOs."""

    @property
    def meets_rto(self) -> bool | None:
        """Finished within its RTO (None without an RTO)."""
        return None if self.rto is None else self.finish <= self.rto

    @property
    def slack(self) -> int | None:
        """Seconds to spare before the RTO (negative: late by that much)."""
        return None if self.rto is None else self.rto - self.finish


@dataclass
class Schedule:
    """A complete schedule, stored by task number (an id-keyed table or a task object is made
    only when asked for)."""

    problem: Problem
    """The inputs, for re-running."""
    indexed: Indexed
    """The inputs by task number."""
    columns: Columns
    """The answers by task number."""
    rto: Mapping[str, int | None]
    """RTO of each service, seconds."""
    makespan: int
    """When the last task finishes."""
    critical_path: list[str]
    """The chain of tasks that ends last, each the dependency that held the next one back."""

    def _column(self, values: list[int] | list[int | None]) -> dict[str, int | None]:
        return dict(zip(self.problem.order, map(values.__getitem__, self.indexed.order), strict=True))

    @cached_property
    def ready(self) -> dict[str, int]:
        """When each task's last impacted hard dependency finished."""
        return self._column(self.columns.ready)  # type: ignore[return-value]

    @cached_property
    def start(self) -> dict[str, int]:
        """When each task starts."""
        return self._column(self.columns.start)  # type: ignore[return-value]

    @cached_property
    def finish(self) -> dict[str, int]:
        """When each task finishes."""
        return self._column(self.columns.finish)  # type: ignore[return-value]

    @cached_property
    def earliest(self) -> dict[str, int]:
        """Earliest finish of each task with unlimited staff."""
        return self._column(self.columns.earliest)  # type: ignore[return-value]

    @cached_property
    def due(self) -> dict[str, int | None]:
        """Propagated deadline of each task."""
        return self._column(self.columns.due)

    def task(self, service: str) -> Task:
        """The task of ``service``."""
        p, c = self.problem, self.columns
        number = self.indexed.where[service]
        return Task(
            service=service,
            team=p.team[service],
            wave=p.wave.get(service, 0),
            duration=self.indexed.duration[number],
            ready=c.ready[number],
            start=c.start[number],
            finish=c.finish[number],
            earliest_finish=c.earliest[number],
            rto=self.rto[service],
            deadline=c.due[number],
        )

    def tasks(self) -> list[Task]:
        """Every task, by start time then id."""
        return [self.task(s) for s in self.by_start()]

    def by_start(self) -> list[str]:
        """Every task's service, by start time then id (two sorts with C-level keys: a key
        tuple made per task by a lambda cost three times as much at 100,000 tasks)."""
        by = sorted(self.indexed.order)  # numbers are in id order
        by.sort(key=self.columns.start.__getitem__)
        return list(map(self.indexed.ids.__getitem__, by))

    def misses(self) -> list[str]:
        """Services that finish after their RTO, sorted."""
        return list(map(self.indexed.ids.__getitem__, self.missed_numbers()))

    def missed_numbers(self) -> list[int]:
        """:meth:`misses` by number (in id order)."""
        rto, finish = self.indexed.rto, self.columns.finish
        late = [t for t in self.indexed.order if (r := rto[t]) is not None and finish[t] > r]
        late.sort()
        return late

    def lower_bound(self) -> float:
        """No schedule can beat max(longest chain, heaviest team load / capacity)."""
        chain = max(map(self.columns.earliest.__getitem__, self.indexed.order), default=0)
        load: dict[str, int] = {}
        for s, team in self.problem.team.items():  # every task
            load[team] = load.get(team, 0) + self.problem.duration[s]
        team_bound = max((load[k] / self.problem.capacity[k] for k in load), default=0.0)
        return max(float(chain), team_bound)


def earliest_finish(problem: Problem) -> dict[str, int]:
    """Finish times with unlimited staff: one pass in topological order."""
    return _longest_chains(problem.order, problem.deps, problem.duration)


def work_behind(problem: Problem) -> dict[str, int]:
    """Each task's duration plus the longest chain of work waiting on it (its dependents')."""
    return _longest_chains(reversed(problem.order), problem.dependents, problem.duration)


def _longest_chains(
    order: Iterable[str], inputs: Mapping[str, list[str]], duration: Mapping[str, int]
) -> dict[str, int]:
    """For each node in ``order``, its duration plus the longest value among its ``inputs``
    (plain loops: ``max()`` over a generator costs twice as much at 100,000 services)."""
    out: dict[str, int] = {}
    for node in order:
        best = 0
        for other in inputs[node]:
            value = out[other]
            if value > best:  # noqa: PLR1730 - a plain comparison is 3x faster than max() here
                best = value
        out[node] = duration[node] + best
    return out


def deadlines(problem: Problem, rto: Mapping[str, int | None]) -> dict[str, int | None]:
    """Each task's RTO tightened by its dependents': it must finish in time for them to finish."""
    out: dict[str, int | None] = {}
    for s in reversed(problem.order):
        best = rto.get(s)
        for d in problem.dependents[s]:
            inherited = out[d]
            if inherited is not None:
                candidate = inherited - problem.duration[d]
                best = candidate if best is None or candidate < best else best
        out[s] = best
    return out


Times = dict[str, int]


def list_schedule(
    problem: Problem, priority: PriorityFn | Mapping[str, tuple[float, ...]]
) -> tuple[Times, Times, Times]:
    """Work-conserving list scheduling: whenever a team has a free slot and a ready task, it
    starts the ready task with the smallest priority: ``priority[service]``, or
    ``priority(service, ready_time)`` for a priority that depends on when the task became ready.

    Returns ready, start and finish times by service.
    """
    keys = priority if isinstance(priority, Mapping) else None
    key_fn = priority if callable(priority) else None
    deps, dependents, duration, team_of = problem.deps, problem.dependents, problem.duration, problem.team
    push, pop = heapq.heappush, heapq.heappop
    waiting = {s: len(deps[s]) for s in problem.order}
    ready_at: dict[str, int] = {}
    start: dict[str, int] = {}
    finish: dict[str, int] = {}
    free = dict(problem.capacity)
    queues: dict[str, list[tuple[tuple[float, ...], str]]] = {t: [] for t in free}
    dirty: set[str] = set()
    released: list[str] = [s for s in problem.order if waiting[s] == 0]
    running: list[tuple[int, str]] = []
    now = 0
    while True:
        for service in released:  # inlined: this loop runs once per task
            ready_at[service] = now
            team = team_of[service]
            key = keys[service] if keys is not None else key_fn(service, now)  # type: ignore[misc]
            push(queues[team], (key, service))
            dirty.add(team)
        released = []
        # Teams do not interact within one instant, so the order they are served in is irrelevant.
        for team in dirty:
            queue = queues[team]
            while queue and free[team] > 0:
                service = pop(queue)[1]
                free[team] -= 1
                start[service] = now
                end = now + duration[service]
                finish[service] = end
                push(running, (end, service))
        dirty.clear()
        if not running:
            break
        now = running[0][0]
        while running and running[0][0] == now:
            service = pop(running)[1]
            team = team_of[service]
            free[team] += 1
            dirty.add(team)
            for dependent in dependents[service]:
                left = waiting[dependent] - 1
                waiting[dependent] = left
                if left == 0:
                    released.append(dependent)
    return ready_at, start, finish


def deadline_priority(
    problem: Problem, graph: RecoveryGraph, due: Mapping[str, int | None] | None = None
) -> dict[str, tuple[float, ...]]:
    """The planner's priority among ready tasks of one team
    (docs/design/semantics.md#priority-among-ready-tasks):

    1. earliest RTO deadline propagated back through dependents (a task inherits the tightest
       "must finish by" of everything waiting on it);
    2. ties, and tasks without any deadline: the longest chain of work still behind the task,
       which keeps the makespan short;
    3. then criticality (the service id breaks the last ties in the queue).

    Measured against other orders in ``benchmarks/quality.py``; demoting tasks whose own RTO is
    already lost would miss fewer RTOs in total, but makes late tasks later still and departs
    from the contract, so it is not done.
    """
    if due is None:
        due = deadlines(problem, graph.rto)
    return priority_keys(problem, due, graph.rank)


def priority_keys(
    problem: Problem, due: Mapping[str, int | None], rank: Mapping[str, int]
) -> dict[str, tuple[float, ...]]:
    """(propagated deadline, longest chain of work behind, criticality rank) for each task."""
    tail = work_behind(problem)
    return {
        s: (INF if (d := due[s]) is None else float(d), float(-tail[s]), float(rank[s]))
        for s in problem.order
    }


def fcfs_priority(problem: Problem) -> PriorityFn:
    """Plain first-come-first-served: the task that became ready first (then wave order)."""
    position = {s: i for i, s in enumerate(problem.order)}

    def key(service: str, ready: int) -> tuple[float, ...]:
        return (float(ready), float(position[service]))

    return key


def schedule(graph: RecoveryGraph, impact: Impact, problem: Problem | None = None) -> Schedule:
    """The capacity-aware schedule of a scenario (or of ``problem``, e.g. with a lever applied).

    Examples
    --------
    >>> from models import Plan
    >>> from planner.engine.graph import RecoveryGraph
    >>> from planner.engine.impact import compute_impact
    >>> from planner.engine.scenario import select
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db", "restore_time": "30m"},
    ...     {"id": "api", "restore_time": "10m", "depends_on": ["db"]}]})
    >>> graph = RecoveryGraph.from_plan(plan)
    >>> result = schedule(graph, compute_impact(graph, select(plan)))
    >>> result.makespan // 60, result.critical_path
    (40, ['db', 'api'])
    """
    problem = problem or build_problem(graph, impact)
    ix = problem.indexed or index_problem(problem, graph.rto, graph.rank)
    due = ix.deadlines()
    ready, start, finish = ix.list_schedule(ix.priority_order(due))
    path = list(map(ix.ids.__getitem__, ix.chain(finish, ix.last(finish)))) if ix.order else []
    return Schedule(
        problem=problem,
        indexed=ix,
        columns=Columns(ready, start, finish, ix.earliest(), due),
        rto=graph.rto,
        makespan=max(map(finish.__getitem__, ix.order), default=0),
        critical_path=path,
    )


def critical_chain(problem: Problem, finish: Mapping[str, int], end: str | None = None) -> list[str]:
    """Walk back from ``end`` (default: the task that finishes last) through the dependency
    that finished last at each step."""
    if not finish:
        return []
    node = end or max(sorted(finish), key=lambda s: finish[s])
    chain = [node]
    while problem.deps[node]:
        node = max(problem.deps[node], key=lambda d: (finish[d], d))
        chain.append(node)
    return list(reversed(chain))
