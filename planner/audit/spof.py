"""single-point-of-failure: services whose failure alone takes down a large share of the
critical services. Reach is counted with one set per service, filled in one pass from the last
wave back. A set is a run and a rest: every critical service numbered below ``k``, and a Python
int of bits above it. Numbered from the last wave back, the services far downstream of a
service, which it takes down all of once its reach has spread, are the low numbers, so the run
holds most of a large set and the rest stays short: a plain bit set per service was up to 31 KB
wide at 1,000,000 services, and OR-ing them took 18.6 s against 4.1 s (0.28 against 0.22 s at
100,000)."""

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
    # services by the graph's numbers (lists, not id-keyed tables: see planner.engine.graph)
    index, rank = graph.index, graph.rank_of
    backwards = [index[s] for wave in reversed(waves) for s in reversed(wave)]
    # Critical services numbered from the last wave back: a service's dependents all come after
    # it, so the late services' sets use only low bits and stay short integers (about half the
    # work of numbering them by id at 100,000 services).
    critical = [s for s in backwards if rank[s] == 0]
    if len(critical) < MINIMUM + 1:
        return
    # each critical service's number, its bit made when it is read: the bits themselves, held,
    # take n^2/16 bytes (3.9 GB for the 250,000 critical services of 1,000,000)
    number = {s: i for i, s in enumerate(critical)}
    threshold = max(MINIMUM, -(-len(critical) * SHARE // 1))
    counted = _counts(graph.deps_of, graph.dependents_of, backwards, number, threshold)
    ids, index, scope, of = graph.ids, ctx.service_index, ctx.scope, len(critical)
    for number_of in sorted(counted):  # in report order (see planner.audit.rules): the graph
        sid = ids[number_of]  # numbers its services in id order
        if scope is not None and sid not in scope:
            continue
        count, down = counted[number_of]
        whom = f"itself and {count} that depend on it" if down > count else f"{count} that depend on it"
        yield Finding(
            "single-point-of-failure",
            Severity.INFO,
            f"{sid} alone takes down {down} of the {of} critical services ({whom}); "
            "consider redundancy, a soft dependency where the dependents can run degraded, "
            "or a scenario that exercises its failure",
            sid,
            None,
            None,
            None,
            ("services", index[sid]),
        )


def _counts(
    deps: list[list[int]],
    dependents: list[list[int]],
    backwards: list[int],
    number: dict[int, int],
    threshold: float,
) -> dict[int, tuple[int, int]]:
    """For each service whose failure takes down at least ``threshold`` critical services other
    than itself: that count, and the count with itself (``planner impact`` counts itself when
    critical).

    A service's set is dropped as soon as the last of its dependencies has read it: only the
    sets of the services between two waves are held at once (all of them, kept to the end,
    took 200 MB at 100,000 services and would not fit at 1,000,000).
    """
    # a set still to be read: [k, rest, its readers left, its count]: every number below k,
    # and rest's bits shifted up by k (rest's lowest bit, k itself, is never set)
    reach: dict[int, list[int]] = {}
    counted: dict[int, tuple[int, int]] = {}
    for node in backwards:
        mine = number.get(node)
        below = dependents[node]
        if mine is None and len(below) == 1:
            # the very set of its one dependent: taken, not copied, and its count known
            held = reach[below[0]]
            k, rest, down = held[0], held[1], held[3]
            held[2] -= 1
            if not held[2]:
                del reach[below[0]]
        else:
            k = rest = 0
            for d in below:
                held = reach[d]
                their = held[0]
                if their >= k:  # the longer run: this rest's bits below it are in it
                    rest = (rest >> (their - k)) | held[1]
                    k = their
                else:
                    rest |= held[1] >> (k - their)
                held[2] -= 1
                if not held[2]:
                    del reach[d]
            if mine is not None and mine >= k:
                rest |= 1 << (mine - k)
            if rest & 1:  # the run goes on: its next ones join it
                ones = (rest ^ (rest + 1)).bit_length() - 1
                rest >>= ones
                k += ones
            down = k + rest.bit_count()
        others = down if mine is None else down - 1  # its own number is in the set when critical
        if others >= threshold:
            counted[node] = (others, down)
        readers = len(deps[node])
        if readers:
            reach[node] = [k, rest, readers, down]
    return counted
