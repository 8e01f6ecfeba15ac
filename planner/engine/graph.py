"""The recovery graph, built once from a validated plan: hard and soft edges apart, owners attached.

Edges are kept as plain adjacency lists (sorted, so every traversal is deterministic), which the
planning passes walk in linear time. Building a networkx graph of 100,000 services costs about
2.5 s here, more than the whole schedule, so the hot path does without it (networkx serves the
cycle search, on the few services Kahn's algorithm leaves over).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta

    from models.plan import Plan, Service

UNOWNED = "(unowned)"
"""Pool name for tasks of services without an owner: they share one slot."""


@dataclass
class RecoveryGraph:
    """A plan's services as a dependency graph with owners and team capacities."""

    plan: Plan
    """The validated plan it was built from."""
    services: dict[str, Service]
    """Services by id."""
    hard_deps: dict[str, list[str]]
    """Each service's hard dependencies (sorted ids)."""
    hard_dependents: dict[str, list[str]]
    """Services that hard-depend on each service (sorted ids)."""
    soft_dependents: dict[str, list[str]]
    """Services that soft-depend on each service (sorted ids)."""
    capacity: dict[str, int] = field(default_factory=dict)
    """Parallel task slots per team id, plus :data:`UNOWNED` with 1."""
    rto: dict[str, int | None] = field(default_factory=dict)
    """RTO of each service in whole seconds (None without one)."""
    rank: dict[str, int] = field(default_factory=dict)
    """Criticality rank of each service: 0 critical ... 3 low."""
    team: dict[str, str] = field(default_factory=dict)
    """Team that runs each service's recovery (:data:`UNOWNED` when none)."""

    @classmethod
    def from_plan(cls, plan: Plan) -> RecoveryGraph:
        """Build the graph of a referentially valid plan.

        Examples
        --------
        >>> from models import Plan
        >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
        ...     {"id": "db"}, {"id": "api", "depends_on": ["db", {"service": "cache", "kind": "soft"}]},
        ...     {"id": "cache"}]})
        >>> graph = RecoveryGraph.from_plan(plan)
        >>> graph.hard_dependents["db"], graph.soft_dependents["cache"]
        (['api'], ['api'])
        """
        from models.common import CRITICALITY_RANK

        # one pass for the per-service columns (four passes with a property call each cost
        # twice as much at 100,000 services); a plan's few distinct RTOs converted once each
        services: dict[str, Service] = {}
        rto: dict[str, int | None] = {}
        rank: dict[str, int] = {}
        team: dict[str, str] = {}
        seconds: dict[timedelta, int] = {}
        for s in plan.services:
            sid = s.id
            services[sid] = s
            limit = s.rto
            if limit is None:
                rto[sid] = None
            else:
                value = seconds.get(limit)
                if value is None:
                    value = seconds[limit] = round(limit.total_seconds())
                rto[sid] = value
            rank[sid] = CRITICALITY_RANK[s.criticality]
            team[sid] = s.owner or UNOWNED
        hard_deps: dict[str, list[str]] = {}
        hard_dependents: dict[str, list[str]] = {sid: [] for sid in services}
        soft_dependents: dict[str, list[str]] = {sid: [] for sid in services}
        for sid in sorted(services):
            deps = []
            for dep in services[sid].depends_on:
                if dep.kind == "hard":
                    deps.append(dep.service)
                    hard_dependents[dep.service].append(sid)
                else:
                    soft_dependents[dep.service].append(sid)
            if len(deps) > 1:
                deps.sort()
            hard_deps[sid] = deps
        default = plan.policy.default_team_capacity
        capacity = {t.id: t.capacity or default for t in plan.teams}
        capacity[UNOWNED] = 1
        return cls(plan, services, hard_deps, hard_dependents, soft_dependents, capacity, rto, rank, team)

    def dependents_closure(self, sources: Iterable[str]) -> dict[str, str | None]:
        """Every service reachable from ``sources`` through hard dependents, with its parent.

        Breadth-first, so following parents gives a shortest chain back to a source.
        """
        frontier = sorted(set(sources))
        parent: dict[str, str | None] = dict.fromkeys(frontier)
        if len(parent) == len(self.services):  # a full outage: everything is a source already
            return parent
        while frontier:
            nxt = []
            for node in frontier:
                for dependent in self.hard_dependents[node]:
                    if dependent not in parent:
                        parent[dependent] = node
                        nxt.append(dependent)
            frontier = nxt
        return parent


def depths(deps: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Dependency depth of every node: 1 without dependencies, else one more than its deepest
    dependency. Iterative (no recursion limit); nodes on a cycle come one past all the others.

    Examples
    --------
    >>> depths({"db": [], "api": ["db"], "web": ["api", "db"]})
    {'db': 1, 'api': 2, 'web': 3}
    """
    dependents: dict[str, list[str]] = {n: [] for n in deps}
    waiting = dict.fromkeys(deps, 0)
    for node, parents in deps.items():
        for parent in parents:
            if parent in dependents:
                dependents[parent].append(node)
                waiting[node] += 1
    depth = {n: 1 for n, count in waiting.items() if count == 0}
    ready = list(depth)
    while ready:
        node = ready.pop()
        for child in dependents[node]:
            depth[child] = max(depth.get(child, 1), depth[node] + 1)
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    beyond = max(depth.values(), default=0) + 1
    return {n: depth[n] if waiting[n] == 0 else beyond for n in deps}
