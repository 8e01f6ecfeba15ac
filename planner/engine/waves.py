"""Restore waves: topological generations of the impacted services over hard edges."""

from __future__ import annotations

from collections.abc import Collection

from planner.engine.graph import RecoveryGraph

_NO_RTO = float("inf")


def priority_key(graph: RecoveryGraph, service: str) -> tuple[int, float, str]:
    """Order within a wave: criticality, then tightest RTO, then id."""
    rto = graph.rto[service]
    return (graph.rank[service], _NO_RTO if rto is None else rto, service)


def restore_waves(graph: RecoveryGraph, impacted: Collection[str]) -> list[list[str]]:
    """Waves of ``impacted``: wave 1 has no impacted hard dependency; each later wave's deepest
    impacted dependency is in the wave before. Deterministic whatever the plan's order.

    Examples
    --------
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db"}, {"id": "api", "depends_on": ["db"]}, {"id": "web", "depends_on": ["api", "db"]}]})
    >>> restore_waves(RecoveryGraph.from_plan(plan), {"db", "api", "web"})
    [['db'], ['api'], ['web']]
    """
    members = set(impacted)
    hard_deps = graph.hard_deps
    if len(members) == len(hard_deps):  # full outage: every dependency is impacted
        remaining = {s: len(hard_deps[s]) for s in members}
    else:
        remaining = {s: sum(1 for d in hard_deps[s] if d in members) for s in members}
    current = [s for s, n in remaining.items() if n == 0]
    waves: list[list[str]] = []
    rto = {s: _NO_RTO if (r := graph.rto[s]) is None else r for s in members}
    rank = graph.rank
    while current:
        # priority_key's order by three stable sorts, last key first: C-level keys, no tuple
        # made per service (a third of the waves' time at 100,000 services)
        current.sort()
        current.sort(key=rto.__getitem__)
        current.sort(key=rank.__getitem__)
        waves.append(current)
        nxt = []
        for service in current:
            for dependent in graph.hard_dependents[service]:
                if dependent in remaining:
                    remaining[dependent] -= 1
                    if remaining[dependent] == 0:
                        nxt.append(dependent)
        current = nxt
    return waves
