"""List scheduling by number: the loop the engine's :class:`~planner.engine.indexed.Indexed`
and the live projection (:func:`planner.tracking.reports.progress.project`) share, on plain
lists. A module of its own, importing nothing but :mod:`heapq`: every ``incident status`` and
``update`` runs it, and importing the engine's graph, problem and schedule modules for it cost
each of them about 4 ms.
"""

from __future__ import annotations

import heapq

INF = float("inf")


def list_schedule(  # long: one event loop, its state kept in locals
    by: list[int],
    *,
    order: list[int],
    waiting: list[int],
    dependents: list[list[int]],
    duration: list[int],
    team_of: list[int],
    capacity: list[int],
) -> tuple[list[int], list[int], list[int]]:
    """Work-conserving list scheduling by number (:func:`planner.engine.schedule.list_schedule`
    with the priority order ``by``): ready, start and finish of each task of ``order``, which
    starts once the ``waiting`` dependencies it has left (counted down here) are finished.

    A queue holds places in ``by`` (plain numbers, compared faster than key tuples); the running
    tasks are kept by the time they end (a heap of the distinct times: many tasks end together).
    Tasks that finish together all release their dependents before any team starts one, so the
    numbering does not change the schedule (the projection numbers its tasks in wave order, the
    engine in id order).
    """
    size = len(waiting)
    place = [0] * size
    for at, task in enumerate(by):
        place[task] = at
    push, pop = heapq.heappush, heapq.heappop
    released = [task for task in order if waiting[task] == 0]
    ready = [0] * size
    start = [0] * size
    finish = [0] * size
    free = list(capacity)
    queues: list[list[int]] = [[] for _ in free]
    dirty: set[int] = set()
    ends: list[int] = []  # the times at which some task ends (a heap)
    ending: dict[int, list[int]] = {}  # the tasks that end at each
    now = 0
    while True:
        for task in released:
            ready[task] = now
            team = team_of[task]
            push(queues[team], place[task])
            if free[team]:  # a team with no slot free starts nothing now
                dirty.add(team)
        # Teams do not interact within one instant: the order they are served in is irrelevant.
        for team in dirty:
            queue = queues[team]
            while queue and free[team] > 0:
                task = by[pop(queue)]
                free[team] -= 1
                start[task] = now
                end = now + duration[task]
                finish[task] = end
                together = ending.get(end)
                if together is None:
                    ending[end] = [task]
                    push(ends, end)
                else:
                    together.append(task)
        dirty.clear()
        if not ends:
            break
        now = pop(ends)
        released = []
        for task in ending.pop(now):
            team = team_of[task]
            free[team] += 1
            if queues[team]:  # else a task released now marks it
                dirty.add(team)
            for dependent in dependents[task]:
                left = waiting[dependent] - 1
                waiting[dependent] = left
                if left == 0:
                    released.append(dependent)
    return ready, start, finish
