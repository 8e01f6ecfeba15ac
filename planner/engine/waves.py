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
    ids = graph.ids
    numbers = None if len(members) == len(ids) else list(map(graph.index.__getitem__, members))
    return [list(map(ids.__getitem__, wave)) for wave in wave_numbers(graph, numbers)]


def wave_numbers(graph: RecoveryGraph, members: Collection[int] | None) -> list[list[int]]:
    """:func:`restore_waves` by service number (``members`` None: every service)."""
    deps_of, dependents_of = graph.deps_of, graph.dependents_of
    if members is None:  # full outage: every dependency is impacted
        inside = None
        remaining = list(map(len, deps_of))
        current = [s for s, n in enumerate(remaining) if n == 0]
    else:
        inside = bytearray(len(deps_of))
        for s in members:
            inside[s] = 1
        remaining = [0] * len(deps_of)
        current = []
        for s in members:
            n = remaining[s] = sum(map(inside.__getitem__, deps_of[s]))
            if n == 0:
                current.append(s)
    place = graph.wave_place.__getitem__  # priority_key's order, as one number per service
    waves: list[list[int]] = []
    while current:
        current.sort(key=place)
        waves.append(current)
        nxt = []
        for service in current:
            for dependent in dependents_of[service]:
                if inside is None or inside[dependent]:
                    left = remaining[dependent] - 1
                    remaining[dependent] = left
                    if left == 0:
                        nxt.append(dependent)
        current = nxt
    return waves
