"""A scheduling problem by number: the schedule's passes over lists instead of id-keyed tables.

Services are numbered in id order (the graph's numbers), so a tie broken by id is a tie broken by
number; the tasks are visited in topological order (the restore waves flattened), so every
dependency of a task comes before it. At 100,000 tasks and more an id-keyed table no longer fits
in the processor's caches and each lookup costs a few cache misses (reading the id's hash, then
the table's slot); a list indexed by number costs one. For a full outage the lists are the
graph's own (nothing copied). The answers are those of the id-keyed functions of
:mod:`planner.engine.schedule`, tie for tie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planner.engine.numbered import INF, list_schedule


@dataclass(slots=True)
class Indexed:
    """One scheduling problem by number; a list indexed by number has a slot for every service
    of the graph, read only for the tasks."""

    ids: list[str]
    """Each number's service id (in id order)."""
    where: Mapping[str, int]
    """Each service's number."""
    order: list[int]
    """The tasks, in topological order."""
    deps: list[list[int]]
    """Each task's impacted hard dependencies (in id order)."""
    dependents: list[list[int]]
    """Each task's impacted hard dependents (in id order)."""
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

    def earliest(self) -> list[int]:
        """Finish times with unlimited staff: each task's duration plus its dependencies' latest."""
        out = [0] * len(self.ids)
        duration, deps = self.duration, self.deps
        for task in self.order:
            best = 0
            for other in deps[task]:
                value = out[other]
                if value > best:  # noqa: PLR1730 - a plain comparison is 3x faster than max() here
                    best = value
            out[task] = duration[task] + best
        return out

    def work_behind(self) -> list[int]:
        """Each task's duration plus the longest chain of work waiting on it."""
        out = [0] * len(self.ids)
        duration, dependents = self.duration, self.dependents
        for task in reversed(self.order):
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
        for task in reversed(self.order):
            best = rto[task]
            for other in dependents[task]:
                inherited = out[other]
                if inherited is not None:
                    candidate = inherited - duration[other]
                    if best is None or candidate < best:
                        best = candidate
            out[task] = best
        return out

    def priority_order(self, due: Sequence[float | None]) -> list[int]:
        """Every task, most urgent first: the planner's priority among ready tasks (propagated
        deadline, None for none, then the longest chain of work behind, then criticality, then
        id), as :func:`planner.engine.schedule.priority_keys` orders them; stable sorts, last key
        first."""
        tail = self.work_behind()
        by = sorted(self.order)  # by id
        by.sort(key=self.rank.__getitem__)
        by.sort(key=[-value for value in tail].__getitem__)
        by.sort(key=[INF if d is None else d for d in due].__getitem__)
        return by

    def list_schedule(self, by: list[int]) -> tuple[list[int], list[int], list[int]]:
        """:func:`planner.engine.schedule.list_schedule` with the priority order ``by``: ready,
        start and finish of each task (:func:`planner.engine.numbered.list_schedule`)."""
        return list_schedule(
            by,
            order=self.order,
            waiting=list(map(len, self.deps)),
            dependents=self.dependents,
            duration=self.duration,
            team_of=self.team,
            capacity=self.capacity,
        )

    def last(self, times: list[int]) -> int:
        """The task that ends last (the smallest id among ties)."""
        latest = max(map(times.__getitem__, self.order))
        return min(t for t in self.order if times[t] == latest)

    def chain(self, times: list[int], end: int) -> list[int]:
        """From ``end`` back through the dependency that finished last at each step (the
        largest id among ties), first task first."""
        deps = self.deps
        chain = [end]
        node = end
        while deps[node]:
            node = max(deps[node], key=lambda d: (times[d], d))
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
        size = len(indexed.ids)
        pred = [-1] * size
        root = list(range(size))
        depth = [1] * size
        deps = indexed.deps
        for node in indexed.order:
            inputs = deps[node]
            if not inputs:  # a chain's start (a quarter of the tasks of a layered plan)
                continue
            best = inputs[0]
            best_time = times[best]
            for dep in inputs:  # the latest, then the largest id (no tuples: 350,000 edges)
                time = times[dep]
                if time > best_time or (time == best_time and dep > best):
                    best, best_time = dep, time
            pred[node], root[node], depth[node] = best, root[best], depth[best] + 1
        return cls(pred, root, depth)


@dataclass(slots=True)
class Columns:
    """A schedule's answers by number."""

    ready: list[int]
    start: list[int]
    finish: list[int]
    earliest: list[int]
    due: list[int | None]
    links: dict[bool, Links] = field(default_factory=dict)
    """Chain links by kind (True: earliest-finish chains), made when first asked for."""
