"""The recovery graph, built once from a validated plan: hard and soft edges apart, owners attached.

Services are numbered in id order and edges are kept as lists of those numbers (sorted, so every
traversal is deterministic): the planning passes walk them in linear time through lists instead
of string-keyed tables, which at 100,000 services and more no longer fit in the processor's
caches (each lookup by id a few cache misses). The id-keyed views (:attr:`RecoveryGraph.hard_deps`
and the others) make a service's list of ids when asked. Building a networkx graph of 100,000
services costs about 2.5 s here, more than the whole schedule, so the hot path does without it
(networkx serves the cycle search, on the few services Kahn's algorithm leaves over).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta

    from models.plan import Plan, Service

UNOWNED = "(unowned)"
"""Pool name for tasks of services without an owner: they share one slot."""


class Adjacency(Mapping[str, list[str]]):
    """Lists of numbers read as lists of ids: ``view[id]`` is a new list of ids; its keys are
    ``keys`` (in their order).

    Examples
    --------
    >>> view = Adjacency(["a", "b"], {"a": 0, "b": 1}, [[], [0]], {"a": 0, "b": 1})
    >>> view["b"], dict(view)
    (['a'], {'a': [], 'b': ['a']})
    """

    __slots__ = ("_ids", "_index", "_keys", "_lists")

    def __init__(
        self, ids: list[str], index: Mapping[str, int], lists: list[list[int]], keys: Mapping[str, object]
    ) -> None:
        self._ids, self._index, self._lists, self._keys = ids, index, lists, keys

    def __getitem__(self, key: str) -> list[str]:
        return list(map(self._ids.__getitem__, self._lists[self._index[key]]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys


@dataclass
class RecoveryGraph:
    """A plan's services as a dependency graph with owners and team capacities."""

    plan: Plan
    """The validated plan it was built from."""
    services: dict[str, Service]
    """Services by id."""
    ids: list[str]
    """Every service id, sorted: service number ``i`` is ``ids[i]``."""
    index: dict[str, int]
    """Each service's number."""
    deps_of: list[list[int]]
    """Each service's hard dependencies, by number (sorted)."""
    dependents_of: list[list[int]]
    """The services that hard-depend on each service, by number (sorted)."""
    soft_of: list[list[int]]
    """The services that soft-depend on each service, by number (sorted)."""
    capacity: dict[str, int] = field(default_factory=dict)
    """Parallel task slots per team id, plus :data:`UNOWNED` with 1."""
    rto: dict[str, int | None] = field(default_factory=dict)
    """RTO of each service in whole seconds (None without one)."""
    rank: dict[str, int] = field(default_factory=dict)
    """Criticality rank of each service: 0 critical ... 3 low."""
    team: dict[str, str] = field(default_factory=dict)
    """Team that runs each service's recovery (:data:`UNOWNED` when none)."""
    service_of: list[Service] = field(default_factory=list, init=False, repr=False)
    """Each service by number."""
    rto_of: list[int | None] = field(default_factory=list, init=False, repr=False)
    """Each service's RTO in seconds, by number."""
    rank_of: list[int] = field(default_factory=list, init=False, repr=False)
    """Each service's criticality rank, by number."""
    team_of: list[int] = field(default_factory=list, init=False, repr=False)
    """Each service's team, by number: its place in :attr:`team_names`."""
    team_names: list[str] = field(default_factory=list, init=False, repr=False)
    """The teams of :attr:`capacity`, in its order (then any owner that is not a team, in a
    plan that failed its checks)."""
    restore_of: list[int] = field(default_factory=list, init=False, repr=False)
    """Each service's restore time in seconds (0 without one), by number."""
    restart_of: list[int] = field(default_factory=list, init=False, repr=False)
    """Each service's restart time in seconds, by number."""

    @cached_property
    def hard_deps(self) -> Adjacency:
        """Each service's hard dependencies (sorted ids)."""
        return Adjacency(self.ids, self.index, self.deps_of, self.index)

    @cached_property
    def hard_dependents(self) -> Adjacency:
        """Services that hard-depend on each service (sorted ids)."""
        return Adjacency(self.ids, self.index, self.dependents_of, self.services)

    @cached_property
    def soft_dependents(self) -> Adjacency:
        """Services that soft-depend on each service (sorted ids)."""
        return Adjacency(self.ids, self.index, self.soft_of, self.services)

    @cached_property
    def wave_place(self) -> list[int]:
        """Each service's place in the order within a restore wave: criticality, then tightest
        RTO, then id (three stable sorts with C-level keys, once per graph)."""
        no_rto = float("inf")
        tightest = [no_rto if r is None else r for r in self.rto_of]
        by = list(range(len(self.ids)))  # already in id order
        by.sort(key=tightest.__getitem__)
        by.sort(key=self.rank_of.__getitem__)
        place = [0] * len(by)
        for at, number in enumerate(by):
            place[number] = at
        return place

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
        services, sids, rtos, ranks, teams, restores, restarts = _columns(plan)
        in_plan = list(services.values())
        # numbered in id order: the columns by number are the plan's columns read in that order
        by_id = sorted(range(len(sids)), key=sids.__getitem__)
        ids = list(map(sids.__getitem__, by_id))
        index = dict(zip(ids, range(len(ids)), strict=True))
        service_of = list(map(in_plan.__getitem__, by_id))
        deps_of, dependents_of, soft_of = _edges(service_of, index)
        default = plan.policy.default_team_capacity
        capacity = {t.id: t.capacity or default for t in plan.teams}
        capacity[UNOWNED] = 1
        team_number = {name: k for k, name in enumerate(capacity)}
        team_of = [team_number.setdefault(teams[k], len(team_number)) for k in by_id]
        graph = cls(
            plan,
            services,
            ids,
            index,
            deps_of,
            dependents_of,
            soft_of,
            capacity,
            dict(zip(sids, rtos, strict=True)),
            dict(zip(sids, ranks, strict=True)),
            dict(zip(sids, teams, strict=True)),
        )
        graph.service_of = service_of
        graph.rto_of = list(map(rtos.__getitem__, by_id))
        graph.rank_of = list(map(ranks.__getitem__, by_id))
        graph.team_of = team_of
        graph.team_names = list(team_number)
        graph.restore_of = list(map(restores.__getitem__, by_id))
        graph.restart_of = list(map(restarts.__getitem__, by_id))
        return graph

    def closure(self, sources: Iterable[int]) -> dict[int, int | None]:
        """Every service reachable from ``sources`` (numbers) through hard dependents, with its
        parent; breadth-first, so following parents gives a shortest chain back to a source."""
        frontier = sorted(set(sources))
        parent: dict[int, int | None] = dict.fromkeys(frontier)
        if len(parent) == len(self.ids):  # a full outage: everything is a source already
            return parent
        dependents_of = self.dependents_of
        while frontier:
            nxt = []
            for node in frontier:
                for dependent in dependents_of[node]:
                    if dependent not in parent:
                        parent[dependent] = node
                        nxt.append(dependent)
            frontier = nxt
        return parent

    def dependents_closure(self, sources: Iterable[str]) -> dict[str, str | None]:
        """Every service reachable from ``sources`` through hard dependents, with its parent.

        Breadth-first, so following parents gives a shortest chain back to a source.
        """
        ids, index = self.ids, self.index
        parent = self.closure(map(index.__getitem__, sources))
        return {ids[s]: None if p is None else ids[p] for s, p in parent.items()}


_PlanColumns = tuple[
    dict[str, "Service"], list[str], list[int | None], list[int], list[str], list[int], list[int]
]


def _columns(plan: Plan) -> _PlanColumns:
    """Services by id, their ids, RTOs, criticality ranks, teams, restore and restart times in
    seconds, in the plan's order."""
    from models.common import CRITICALITY_RANK

    # one pass over the services for every per-service column, in the plan's order (each
    # model read once: at 100,000 services they no longer fit in the processor's caches);
    # a plan's few distinct durations converted once each
    services: dict[str, Service] = {}
    sids: list[str] = []
    rtos: list[int | None] = []
    ranks: list[int] = []
    teams: list[str] = []
    restores: list[int] = []
    restarts: list[int] = []
    seconds: dict[timedelta | None, int] = {None: 0}
    for s in plan.services:
        sid = s.id
        services[sid] = s
        sids.append(sid)
        limit = s.rto
        if limit is None:
            rtos.append(None)
        else:
            value = seconds.get(limit)
            if value is None:
                value = seconds[limit] = round(limit.total_seconds())
            rtos.append(value)
        ranks.append(CRITICALITY_RANK[s.criticality])
        teams.append(s.owner or UNOWNED)
        spent = s.restore_time
        value = seconds.get(spent)
        if value is None:
            value = seconds[spent] = round(spent.total_seconds())  # type: ignore[union-attr]
        restores.append(value)
        spent = s.restart_time
        value = seconds.get(spent)
        if value is None:
            value = seconds[spent] = round(spent.total_seconds())
        restarts.append(value)
    if len(services) != len(sids):  # an id used twice (a plan that failed its checks): as a dict
        columns = [dict(zip(sids, c, strict=True)) for c in (rtos, ranks, teams, restores, restarts)]
        sids = list(services)
        rtos, ranks, teams, restores, restarts = (list(c.values()) for c in columns)  # type: ignore[assignment]
    return services, sids, rtos, ranks, teams, restores, restarts


def _edges(service_of: list[Service], index: dict[str, int]) -> tuple[list[list[int]], ...]:
    """Each service's hard dependencies, hard dependents and soft dependents, by number."""
    deps_of: list[list[int]] = []
    dependents_of: list[list[int]] = [[] for _ in service_of]
    soft_of: list[list[int]] = [[] for _ in service_of]
    for i, service in enumerate(service_of):  # in id order: each dependents list comes out sorted
        deps = []
        for dep in service.depends_on:
            number = index[dep.service]
            if dep.kind == "hard":
                deps.append(number)
                dependents_of[number].append(i)
            else:
                soft_of[number].append(i)
        if len(deps) > 1:
            deps.sort()
        deps_of.append(deps)
    return deps_of, dependents_of, soft_of


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
