"""The schedule of many sampled durations at once: finish times of every task in every sample.

Without a capacity limit that binds (every team can run all of its tasks at once) a task finishes
at its duration plus the latest finish of its dependencies: one pass over the tasks in
topological order, each step vectorised over the samples. With capacity limits the order in
which a team takes its ready tasks depends on the durations, so the list schedule of
:func:`planner.engine.schedule.list_schedule` is re-run per sample, in a loop over integer
arrays (the priority among ready tasks is the plan's, fixed before sampling: a team follows
the plan, not the durations it cannot know in advance).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from planner.engine.schedule import Problem


@dataclass(frozen=True)
class Compiled:
    """A scheduling problem as integer arrays (task ``i`` is ``problem.order[i]``)."""

    services: list[str]
    """Task ids, in topological order."""
    deps: list[list[int]]
    """Indices of each task's dependencies."""
    dependents: list[list[int]]
    """Indices of each task's dependents."""
    team: list[int]
    """Team index of each task."""
    capacity: list[int]
    """Slots of each team."""
    rank: list[int]
    """Each task's place in the priority order among ready tasks (0 first)."""
    bound: bool
    """True when some team has fewer slots than tasks: the capacity can make a task wait."""
    by_rank: list[int]
    """The task at each place of the priority order."""
    roots: list[int]
    """Tasks without dependencies."""

    @classmethod
    def build(cls, problem: Problem, priority: Mapping[str, tuple[float, ...]]) -> Compiled:
        """Index ``problem``; ``priority`` as :func:`~planner.engine.schedule.list_schedule`
        takes it (ties broken by service id, as there)."""
        services = list(problem.order)
        index = {s: i for i, s in enumerate(services)}
        teams = sorted({problem.team[s] for s in services})
        team_index = {t: i for i, t in enumerate(teams)}
        team = [team_index[problem.team[s]] for s in services]
        capacity = [problem.capacity[t] for t in teams]
        by_priority = sorted(services, key=lambda s: (priority[s], s))
        rank = [0] * len(services)
        for place, s in enumerate(by_priority):
            rank[index[s]] = place
        load = [0] * len(teams)
        for k in team:
            load[k] += 1
        deps = [[index[d] for d in problem.deps[s]] for s in services]
        return cls(
            services=services,
            deps=deps,
            dependents=[[index[d] for d in problem.dependents[s]] for s in services],
            team=team,
            capacity=capacity,
            rank=rank,
            bound=any(load[k] > capacity[k] for k in range(len(teams))),
            by_rank=[index[s] for s in by_priority],
            roots=[i for i, d in enumerate(deps) if not d],
        )


def finish_times(compiled: Compiled, durations: np.ndarray) -> np.ndarray:
    """Finish times (tasks x samples) for ``durations`` (tasks x samples, whole seconds)."""
    if not compiled.bound:
        return unlimited_finish(compiled.deps, durations)
    by_sample = np.ascontiguousarray(durations.T)
    out = np.empty_like(by_sample)
    for s, row in enumerate(by_sample.tolist()):
        out[s] = schedule_one(compiled, row)
    return np.ascontiguousarray(out.T)


def unlimited_finish(deps: list[list[int]], durations: np.ndarray) -> np.ndarray:
    """Earliest finish of every task in every sample (no capacity limit): vectorised over
    samples, one step per task in topological order."""
    out = np.empty_like(durations)
    for i, inputs in enumerate(deps):
        if not inputs:
            out[i] = durations[i]
        elif len(inputs) == 1:
            np.add(durations[i], out[inputs[0]], out=out[i])
        else:
            np.add(durations[i], out[inputs].max(axis=0), out=out[i])
    return out


def schedule_one(compiled: Compiled, duration: list[int]) -> list[int]:
    """The list schedule of one sample: finish time of every task.

    The same rules as :func:`planner.engine.schedule.list_schedule` (work-conserving; at each
    instant every task that became ready joins its team's queue before any team picks), on
    integers: a queue holds ranks, the running heap holds ``end * n + task``.
    """
    n = len(duration)
    team, rank, dependents, by_rank = compiled.team, compiled.rank, compiled.dependents, compiled.by_rank
    waiting = [len(d) for d in compiled.deps]
    free = list(compiled.capacity)
    queues: list[list[int]] = [[] for _ in free]
    finish = [0] * n
    running: list[int] = []
    push, pop = heapq.heappush, heapq.heappop
    released = compiled.roots
    now = 0
    touched: list[int] = []
    while True:
        for task in released:
            k = team[task]
            push(queues[k], rank[task])
            touched.append(k)
        for k in touched:
            queue = queues[k]
            while queue and free[k]:
                task = by_rank[pop(queue)]
                free[k] -= 1
                end = now + duration[task]
                finish[task] = end
                push(running, end * n + task)
        if not running:
            return finish
        now = running[0] // n
        limit = (now + 1) * n
        released = []
        touched = []
        while running and running[0] < limit:
            task = pop(running) - now * n
            k = team[task]
            free[k] += 1
            touched.append(k)
            for dependent in dependents[task]:
                left = waiting[dependent] - 1
                waiting[dependent] = left
                if not left:
                    released.append(dependent)
