"""What a failure takes down: impacted and degraded services, and why each is down."""

from __future__ import annotations

from dataclasses import dataclass

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

    def path(self, service: str) -> tuple[str, ...]:
        """A shortest chain of hard dependencies from a failed service to ``service``."""
        chain = [service]
        node = self.parent[service]
        while node is not None:
            chain.append(node)
            node = self.parent[node]
        return tuple(reversed(chain))


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
    parent = graph.dependents_closure(selection.failed)
    impacted = tuple(sorted(parent))
    soft = graph.soft_dependents
    degraded = sorted({d for s in impacted for d in soft[s] if d not in parent})
    critical = tuple(s for s in impacted if graph.rank[s] == 0)
    return Impact(selection, impacted, tuple(degraded), critical, parent)
