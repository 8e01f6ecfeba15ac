"""single-point-of-failure: services whose failure alone takes down a large share of the
critical services. Reach is counted with one bitset per service (a Python int over the critical
services), filled in one pass from the last wave back, so it stays linear in edges even at
100,000 services."""

from __future__ import annotations

from collections.abc import Iterator

from planner.audit.context import AuditContext
from planner.audit.findings import Finding, Severity
from planner.engine.waves import restore_waves

SHARE = 0.5
"""A service is a single point of failure when its failure impacts at least this share..."""
MINIMUM = 3
"""...and at least this many critical services other than itself."""


def single_point_of_failure(ctx: AuditContext) -> Iterator[Finding]:
    if ctx.planning is None:
        return
    graph = ctx.planning.graph
    # every service, dependents before their dependencies: the reverse of the full outage's
    # waves, which the audit's planning already has unless it was narrowed to a scenario
    waves = ctx.planning.waves
    if len(ctx.planning.impact.impacted) != len(graph.services):
        waves = restore_waves(graph, graph.services)
    backwards = [s for wave in reversed(waves) for s in reversed(wave)]
    # Critical services numbered from the last wave back: a service's dependents all come after
    # it, so the late services' sets use only low bits and stay short integers (about half the
    # work of numbering them by id at 100,000 services).
    critical = [s for s in backwards if graph.rank[s] == 0]
    if len(critical) < MINIMUM + 1:
        return
    bit = {s: 1 << i for i, s in enumerate(critical)}
    reach: dict[str, int] = {}
    for node in backwards:
        value = bit.get(node, 0)
        for d in graph.hard_dependents[node]:
            value |= reach[d]
        reach[node] = value
    threshold = max(MINIMUM, -(-len(critical) * SHARE // 1))
    for s in ctx.services():
        others = reach[s.id] & ~bit.get(s.id, 0)
        count = others.bit_count()
        if count >= threshold:
            down = reach[s.id].bit_count()  # as `planner impact` counts: itself too when critical
            whom = f"itself and {count} that depend on it" if down > count else f"{count} that depend on it"
            yield Finding(
                "single-point-of-failure",
                Severity.INFO,
                f"{s.id} alone takes down {down} of the {len(critical)} critical services ({whom}); "
                "consider redundancy, a soft dependency where the dependents can run degraded, "
                "or a scenario that exercises its failure",
                service=s.id,
                path=("services", ctx.service_index[s.id]),
            )
