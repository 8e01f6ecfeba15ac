"""single-point-of-failure: services whose failure alone takes down a large share of the
critical services. Reach is counted with one bitset per service (a Python int over the critical
services), filled in one pass from the last wave back, so it stays linear in edges even at
100,000 services."""

from __future__ import annotations

from collections.abc import Iterator

from planner.audit.context import AuditContext
from planner.audit.findings import Finding
from planner.audit.rules import rule

SHARE = 0.5
"""A service is a single point of failure when its failure impacts at least this share..."""
MINIMUM = 3
"""...and at least this many critical services other than itself."""


@rule("single-point-of-failure", "info", "a service whose failure impacts a large share of critical services")
def single_point_of_failure(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    graph = ctx.planning.graph
    critical = sorted(s for s, r in graph.rank.items() if r == 0)
    if len(critical) < MINIMUM + 1:
        return
    bit = {s: 1 << i for i, s in enumerate(critical)}
    reach: dict[str, int] = {}
    # every service, dependents before their dependencies: the reverse of the full outage's waves
    full_order = _topological(graph.hard_deps, graph.hard_dependents)
    for node in reversed(full_order):
        value = bit.get(node, 0)
        for d in graph.hard_dependents[node]:
            value |= reach[d]
        reach[node] = value
    threshold = max(MINIMUM, -(-len(critical) * SHARE // 1))
    for s in ctx.services():
        others = reach[s.id] & ~bit.get(s.id, 0)
        count = others.bit_count()
        if count >= threshold:
            yield Finding(
                "single-point-of-failure",
                "info",
                f"{s.id} alone takes down {count} of the {len(critical)} critical services; "
                "consider redundancy, a soft dependency where the dependents can run degraded, "
                "or a scenario that exercises its failure",
                service=s.id,
                path=("services", ctx.service_index[s.id]),
            )


def _topological(deps: dict[str, list[str]], dependents: dict[str, list[str]]) -> list[str]:
    waiting = {s: len(d) for s, d in deps.items()}
    order = [s for s, n in waiting.items() if n == 0]
    for s in order:  # appending while iterating walks the whole graph breadth-first
        for d in dependents[s]:
            waiting[d] -= 1
            if waiting[d] == 0:
                order.append(d)
    return order
