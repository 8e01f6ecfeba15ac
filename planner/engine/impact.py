"""What a failure takes down: impacted and degraded services, and why each is down."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from planner.engine.graph import RecoveryGraph
from planner.engine.scenario import Selection


@dataclass(frozen=True)
class Impact:
    """The blast radius of a scenario."""

    selection: Selection
    """The scenario."""
    impacted: tuple[str, ...]
    """Failed services plus every service that transitively hard-depends on one (sorted)."""
    degraded: tuple[str, ...]
    """Services not impacted that soft-depend on an impacted one (sorted)."""
    critical: tuple[str, ...]
    """Impacted services of criticality ``critical`` (sorted)."""
    parent: dict[str, str | None]
    """For each impacted service, the service it was reached from (None for failed ones)."""

    def path(self, service: str, last: int | None = None) -> tuple[str, ...]:
        """A shortest chain of hard dependencies from a failed service to ``service``; with
        ``last``, only its last ``last`` services (a chain 10,000 long, printed for each of its
        services, was 440 MB of text: the chains together grow with the square of a graph's
        depth).

        Examples
        --------
        >>> chain = Impact(None, (), (), (), {"a": None, "b": "a", "c": "b"})  # type: ignore[arg-type]
        >>> chain.path("c"), chain.path("c", last=2), chain.length("c"), chain.source("c")
        (('a', 'b', 'c'), ('b', 'c'), 3, 'a')
        """
        chain = [service]
        node = self.parent[service]
        while node is not None and (last is None or len(chain) < last):
            chain.append(node)
            node = self.parent[node]
        return tuple(reversed(chain))

    def length(self, service: str) -> int:
        """How many services the chain to ``service`` has (1 for a failed one)."""
        return self._chains[0][service]

    def source(self, service: str) -> str:
        """The failed service the chain to ``service`` starts from."""
        return self._chains[1][service]

    @cached_property
    def _chains(self) -> tuple[dict[str, int], dict[str, str]]:
        """Length and source of every chain, in one pass over ``parent`` (breadth-first: a
        service comes after the one it was reached from)."""
        length: dict[str, int] = {}
        source: dict[str, str] = {}
        for service, node in self.parent.items():
            if node is None:
                length[service], source[service] = 1, service
            elif node in length:
                length[service], source[service] = length[node] + 1, source[node]
            else:  # not in breadth-first order: walk this one
                chain = self.path(service)
                length[service], source[service] = len(chain), chain[0]
        return length, source


def compute_impact(graph: RecoveryGraph, selection: Selection) -> Impact:
    """Impacted, degraded and critical services of ``selection``, with the chain to each.

    Examples
    --------
    >>> from models import Plan
    >>> from planner.engine.scenario import select
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db"}, {"id": "api", "depends_on": ["db"]},
    ...     {"id": "web", "depends_on": [{"service": "api", "kind": "soft"}]}]})
    >>> impact = compute_impact(RecoveryGraph.from_plan(plan), select(plan, failed=["db"]))
    >>> impact.impacted, impact.degraded, impact.path("api")
    (('api', 'db'), ('web',), ('db', 'api'))
    """
    ids, rank_of, soft_of = graph.ids, graph.rank_of, graph.soft_of
    if len(selection.failed) == len(ids) and selection.failed == tuple(ids):  # a full outage
        critical = tuple(ids[s] for s, rank in enumerate(rank_of) if rank == 0)
        return Impact(selection, tuple(ids), (), critical, dict.fromkeys(ids))
    numbers = graph.closure(map(graph.index.__getitem__, selection.failed))
    impacted = sorted(numbers)
    parent = {ids[s]: None if p is None else ids[p] for s, p in numbers.items()}
    near = {d for s in impacted for d in soft_of[s] if d not in numbers}
    return Impact(
        selection,
        tuple(map(ids.__getitem__, impacted)),
        tuple(map(ids.__getitem__, sorted(near))),
        tuple(ids[s] for s in impacted if rank_of[s] == 0),
        parent,
    )
