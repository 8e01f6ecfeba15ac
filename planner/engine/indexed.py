"""A scheduling problem by task number: the schedule's passes over lists instead of id-keyed tables.

Tasks are numbered in topological order (the restore waves flattened), so every dependency of
task ``t`` has a smaller number and every pass is one loop over a range. At 100,000 tasks and more
an id-keyed table no longer fits in the processor's caches and each lookup costs a few cache
misses (reading the id's hash, then the table's slot); a list indexed by number costs one. The
answers are the same as the id-keyed functions of :mod:`planner.engine.schedule` give, tie for tie:
where those break a tie by service id, these compare :attr:`Indexed.rank_by_id`.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

INF = float("inf")


@dataclass(slots=True)
class Indexed:
    """One scheduling problem by task number."""

    ids: list[str]
    """Each task's service, in topological order."""
    where: dict[str, int]
    """Each service's task number."""
    deps: list[list[int]]
    """Each task's impacted hard dependencies (task numbers, in id order)."""
    dependents: list[list[int]]
    """Each task's impacted hard dependents (task numbers, in id order)."""
    duration: list[int]
    """Each task's seconds of work."""
    team: list[int]
    """Each task's team, as its place in ``capacity``."""
    capacity: list[int]
    """Slots of each team."""
    rto: list[int | None]
    """Each task's RTO in seconds."""
    rank: list[int]
    """Each task's criticality rank."""
    rank_by_id: list[int]
    """Numbers that sort the tasks as their ids sort (ties are broken by id)."""

    def earliest(self) -> list[int]:
        """Finish times with unlimited staff: each task's duration plus its dependencies' latest."""
        out = [0] * len(self.ids)
        duration = self.duration
        for task, inputs in enumerate(self.deps):
            best = 0
            for other in inputs:
                value = out[other]
                if value > best:  # noqa: PLR1730 - a plain comparison is 3x faster than max() here
                    best = value
            out[task] = duration[task] + best
        return out

    def work_behind(self) -> list[int]:
        """Each task's duration plus the longest chain of work waiting on it."""
        out = [0] * len(self.ids)
        duration, dependents = self.duration, self.dependents
        for task in range(len(out) - 1, -1, -1):
            best = 0
            for other in dependents[task]:
                value = out[other]
                if value > best:  # noqa: PLR1730 - as above
                    best = value
            out[task] = duration[task] + best
        return out

    def deadlines(self) -> list[int | None]:
        """Each task's RTO tightened by its dependents': it must finish in time for them."""
        out: list[int | None] = [None] * len(self.ids)
        duration, dependents, rto = self.duration, self.dependents, self.rto
        for task in range(len(out) - 1, -1, -1):
            best = rto[task]
            for other in dependents[task]:
                inherited = out[other]
                if inherited is not None:
                    candidate = inherited - duration[other]
                    if best is None or candidate < best:
                        best = candidate
            out[task] = best
        return out

    def priority_order(self, due: list[int | None]) -> list[int]:
        """Every task, most urgent first: the planner's priority among ready tasks (propagated
        deadline, then the longest chain of work behind, then criticality, then id), as
        :func:`planner.engine.schedule.priority_keys` orders them; stable sorts, last key first."""
        tail = self.work_behind()
        by = sorted(range(len(self.ids)), key=self.rank_by_id.__getitem__)
        by.sort(key=self.rank.__getitem__)
        by.sort(key=[-value for value in tail].__getitem__)
        by.sort(key=[INF if d is None else d for d in due].__getitem__)
        return by

    def list_schedule(self, by: list[int]) -> tuple[list[int], list[int], list[int]]:
        """:func:`planner.engine.schedule.list_schedule` with the priority order ``by``: ready,
        start and finish of each task. A queue holds places in ``by`` (plain numbers, compared
        faster than key tuples); the running tasks are ``end * tasks + task``."""
        count = len(self.ids)
        place = [0] * count
        for at, task in enumerate(by):
            place[task] = at
        dependents, duration, team_of = self.dependents, self.duration, self.team
        push, pop = heapq.heappush, heapq.heappop
        waiting = list(map(len, self.deps))
        ready = [0] * count
        start = [0] * count
        finish = [0] * count
        free = list(self.capacity)
        queues: list[list[int]] = [[] for _ in free]
        dirty: set[int] = set()
        released = [task for task in range(count) if waiting[task] == 0]
        running: list[int] = []
        now = 0
        while True:
            for task in released:
                ready[task] = now
                team = team_of[task]
                push(queues[team], place[task])
                dirty.add(team)
            released = []
            # Teams do not interact within one instant: the order they are served in is irrelevant.
            for team in dirty:
                queue = queues[team]
                while queue and free[team] > 0:
                    task = by[pop(queue)]
                    free[team] -= 1
                    start[task] = now
                    end = now + duration[task]
                    finish[task] = end
                    push(running, end * count + task)
            dirty.clear()
            if not running:
                break
            now = running[0] // count
            edge = (now + 1) * count
            while running and running[0] < edge:
                task = pop(running) % count
                team = team_of[task]
                free[team] += 1
                dirty.add(team)
                for dependent in dependents[task]:
                    left = waiting[dependent] - 1
                    waiting[dependent] = left
                    if left == 0:
                        released.append(dependent)
        return ready, start, finish

    def last(self, times: list[int]) -> int:
        """The task that ends last (the smallest id among ties)."""
        latest = max(times)
        return min((t for t, value in enumerate(times) if value == latest), key=self.rank_by_id.__getitem__)

    def chain(self, times: list[int], end: int) -> list[int]:
        """From ``end`` back through the dependency that finished last at each step (the
        largest id among ties), first task first."""
        deps, order = self.deps, self.rank_by_id
        chain = [end]
        node = end
        while deps[node]:
            node = max(deps[node], key=lambda d: (times[d], order[d]))
            chain.append(node)
        chain.reverse()
        return chain

    def ancestors(self, task: int, limit: int) -> set[int] | None:
        """``task`` and everything it transitively depends on, or None past ``limit``."""
        seen = {task}
        stack = [task]
        deps = self.deps
        while stack:
            for dep in deps[stack.pop()]:
                if dep not in seen:
                    seen.add(dep)
                    if len(seen) > limit:
                        return None
                    stack.append(dep)
        return seen


@dataclass(slots=True)
class Links:
    """For every task: the dependency that finished last (its link in a critical chain), the
    chain's first task and the chain's length; one pass in topological order."""

    pred: list[int]
    """The link before each task (-1 at a chain's start)."""
    root: list[int]
    """Each task's chain's first task."""
    depth: list[int]
    """Each task's chain's length."""

    @classmethod
    def build(cls, indexed: Indexed, times: list[int]) -> Links:
        count = len(indexed.ids)
        pred = [-1] * count
        root = list(range(count))
        depth = [1] * count
        order = indexed.rank_by_id
        for node, inputs in enumerate(indexed.deps):
            if not inputs:  # a chain's start (a quarter of the tasks of a layered plan)
                continue
            best = inputs[0]
            best_time = times[best]
            for dep in inputs:  # the latest, then the largest id (no tuples: 350,000 edges)
                time = times[dep]
                if time > best_time or (time == best_time and order[dep] > order[best]):
                    best, best_time = dep, time
            pred[node], root[node], depth[node] = best, root[best], depth[best] + 1
        return cls(pred, root, depth)


@dataclass(slots=True)
class Columns:
    """A schedule's answers by task number."""

    ready: list[int]
    start: list[int]
    finish: list[int]
    earliest: list[int]
    due: list[int | None]
    links: dict[bool, Links] = field(default_factory=dict)
    """Chain links by kind (True: earliest-finish chains), made when first asked for."""
