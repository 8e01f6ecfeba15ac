"""What every diagram shows, computed once: which services, their state in the scenario, which
edges, and how each edge is styled. The DOT and Mermaid renderers only format this."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

from planner.audit.findings import Finding
from planner.engine.planning import Planning
from planner.engine.workarounds import OpenWorkaround

State = Literal["failed", "impacted", "degraded", "unaffected"]
EdgeKind = Literal["hard", "soft", "unchecked", "bypassed", "indirect"]


@dataclass(frozen=True, slots=True)
class Edge:
    """An edge in the direction restoration flows: dependency -> dependent (with slots: a dense
    plan's runbook draws 2 million, 130 MB less than without)."""

    source: str
    """The dependency."""
    target: str
    """The dependent."""
    kind: EdgeKind
    """How it is drawn."""
    label: str = ""
    """Workaround id for bypassed edges; hop count for indirect ones."""


@dataclass
class View:
    """The services and edges of a diagram."""

    planning: Planning
    """The scenario's planning."""
    nodes: list[str]
    """Services shown, sorted."""
    edges: list[Edge]
    """Edges shown, sorted."""
    state: dict[str, State]
    """Each shown service's state in the scenario (``unaffected`` everywhere without one)."""
    errors: set[str] = field(default_factory=set)
    """Services with audit errors (outlined)."""
    scenario: bool = False
    """True when a scenario narrows the picture (the rest is faded)."""
    focus: str | None = None
    """The service a ``--focus`` picture is centred on."""
    note: str = ""
    """A line under the title (what the audit outline would have marked, when it is summarised)."""
    stubs: dict[str, str] = field(default_factory=dict)
    """Boxes for what lies outside the picture, drawn small and grey: a service of another team
    (by its id), or a whole team (``team:NAME``); each with its label."""
    titled: bool = True
    """Draw the plan's name and the note above the picture (a page that has its own heading
    does without)."""
    links: dict[str, str] = field(default_factory=dict)
    """The page each box links to (the site's pictures): by service id, ``team:NAME`` for a team's
    cluster or stub."""

    _waves: dict[str, int] | None = field(default=None, repr=False)

    def wave(self, service: str) -> int | None:
        """1-based restore wave of an impacted service (looked up: a 10,000-node picture asks
        for every node)."""
        if self._waves is None:
            self._waves = {s: i for i, wave in enumerate(self.planning.waves, start=1) for s in wave}
        return self._waves.get(service)


WORST_RULES = frozenset(
    {
        "bypassed-check",
        "expired-workaround",
        "rto-unachievable",
        "dependency-cycle",
        "unknown-reference",
        "duplicate-dependency",
        "missing-owner",
    }
)
"""Error rules the diagram outlines (an unowned service only when it is critical)."""
SUMMARISE_ABOVE = 0.5
"""When more than this share of the services would be outlined, the title says so instead."""


def outlined(findings: Iterable[Finding], critical: set[str], shown: int) -> tuple[set[str], str]:
    """The services to outline for their worst audit errors, and a note for the title when so
    many would be outlined that the outline says nothing (an imported plan: every owner missing)."""
    marked = {
        f.service
        for f in findings
        if f.severity == "error"
        and f.service
        and f.rule in WORST_RULES
        and (f.rule != "missing-owner" or f.service in critical)
    }
    if len(marked) > 5 and len(marked) > SUMMARISE_ABOVE * shown:
        return set(), f"{len(marked)} of {shown} services have serious audit errors: run planner audit"
    return marked, ""


COLLAPSE_ABOVE = 200
"""A full picture of more services than this shows one box per owner team instead."""
MAX_LINKS = 120
"""Team-to-team links drawn at most (the heaviest; the title says how many more there are):
Graphviz takes minutes to lay out a dense graph of thousands of links."""


@dataclass(frozen=True)
class TeamBox:
    """One owner team's services, as one box of a collapsed picture."""

    team: str
    services: int
    critical: int
    down: int
    """Of them failed or impacted in the scenario."""


def collapse(
    view: View, by: str = "team", limit: int | None = MAX_LINKS
) -> tuple[list[TeamBox], dict[tuple[str, str], tuple[int, int]], int]:
    """The picture at team level (``by="wave"``: restore-wave level): a box per owner team (or
    wave); per pair of boxes, how many hard and soft dependencies run from the first box's
    services to the second's (the :data:`MAX_LINKS` heaviest pairs); and how many pairs there
    are in all."""
    services = view.planning.graph.services
    if by == "wave":
        width = len(str(len(view.planning.waves)))
        team_of = {s: f"wave {w:0{width}d}" if (w := view.wave(s)) else "up" for s in view.nodes}
    else:
        team_of = {s: services[s].owner or "(no owner)" for s in view.nodes}
    boxes: dict[str, list[int]] = {}
    for s, team in team_of.items():
        counts = boxes.setdefault(team, [0, 0, 0])
        counts[0] += 1
        counts[1] += services[s].criticality.value == "critical"
        counts[2] += view.state[s] in {"failed", "impacted"}
    links: dict[tuple[str, str], list[int]] = {}
    for edge in view.edges:
        pair = (team_of[edge.source], team_of[edge.target])
        if by == "wave" and pair[0] > pair[1]:
            continue  # a soft dependency on a later wave: waves leave it out, and so does their picture
        if pair[0] != pair[1]:
            counts = links.setdefault(pair, [0, 0])
            counts[1 if edge.kind == "soft" else 0] += 1
    heaviest = sorted(links.items(), key=lambda item: (-(item[1][0] + item[1][1]), item[0]))[:limit]
    return (
        [TeamBox(t, *boxes[t]) for t in sorted(boxes)],
        {pair: (c[0], c[1]) for pair, c in sorted(heaviest)},
        len(links),
    )


def build_view(
    planning: Planning,
    workarounds: list[OpenWorkaround],
    errors: set[str],
    *,
    scenario: bool,
    focus: str | None = None,
    depth: int = 2,
    limit: int | None = None,
) -> View:
    """The diagram's content; ``focus`` keeps the services within ``depth`` hops of a service and
    collapses hidden intermediate services into indirect edges, so the picture stays true. With
    ``limit``, a focus keeps at most that many services: the nearest, then the most critical
    (the view's ``note`` says how many more there were)."""
    graph = planning.graph
    impact = planning.impact
    failed = set(impact.selection.failed)
    impacted = set(impact.impacted)
    degraded = set(impact.degraded)
    state: dict[str, State] = {}
    for s in graph.services:
        if scenario and s in failed:
            state[s] = "failed"
        elif scenario and s in impacted:
            state[s] = "impacted"
        elif scenario and s in degraded:
            state[s] = "degraded"
        else:
            state[s] = "unaffected"
    bypassed = {(w.bypasses, w.service): w.id for w in workarounds}
    edges: list[Edge] = []
    for s in sorted(graph.services):
        for dep in graph.services[s].depends_on:
            if dep.service not in graph.services:
                continue
            if (dep.service, s) in bypassed:
                edges.append(Edge(dep.service, s, "bypassed", bypassed[(dep.service, s)]))
            elif dep.kind == "soft":
                edges.append(Edge(dep.service, s, "soft"))
            elif dep.check:
                edges.append(Edge(dep.service, s, "hard"))
            else:
                edges.append(Edge(dep.service, s, "unchecked"))
    nodes = sorted(graph.services)
    note = ""
    if focus is not None:
        keep, within = _around(nodes, edges, focus, depth, limit=limit, rank=graph.rank)
        nodes, edges = _focus(nodes, edges, keep)
        if within > len(keep):
            note = (
                f"{within:,} services are within {depth} hop{'s' if depth > 1 else ''} of {focus}: the "
                f"{len(keep):,} nearest and most critical are drawn (--detail draws them all)"
            )
    # by source then target, in two stable passes: no key tuple per edge (2 million edges of
    # a dense plan's runbook: 150 MB of them); the first pass finds them sorted without a focus
    edges.sort(key=_target)
    edges.sort(key=_source)
    view = View(planning, nodes, edges, {s: state[s] for s in nodes}, errors & set(nodes), scenario, focus)
    view.note = note
    return view


_source = attrgetter("source")
_target = attrgetter("target")


FOCUS_LIMIT = COLLAPSE_ABOVE
"""Services a ``--focus`` picture draws at most: a hub with 100,000 dependents kept Graphviz
busy for more than ten minutes."""


def _around(
    nodes: list[str], edges: list[Edge], focus: str, depth: int, *, limit: int | None, rank: dict[str, int]
) -> tuple[set[str], int]:
    """The services within ``depth`` hops of ``focus`` (at most ``limit``: nearest first, then
    most critical, then by id), and how many there are in all."""
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for e in edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    distance = {focus: 0}
    frontier = [focus]
    for hop in range(1, depth + 1):
        reached = []
        for node in frontier:
            for other in neighbours[node] - distance.keys():
                distance[other] = hop
                reached.append(other)
        frontier = reached
    if limit is None or len(distance) <= limit:
        return set(distance), len(distance)
    nearest = sorted(distance, key=lambda n: (distance[n], rank[n], n))[:limit]
    return set(nearest), len(distance)


def _focus(nodes: list[str], edges: list[Edge], keep: set[str]) -> tuple[list[str], list[Edge]]:
    kept_edges = [e for e in edges if e.source in keep and e.target in keep]
    # hidden paths between kept services (through hidden ones) become indirect edges
    forward: dict[str, list[str]] = {n: [] for n in nodes}
    for e in edges:
        if e.kind != "soft":
            forward[e.source].append(e.target)
    direct = {(e.source, e.target) for e in kept_edges}
    indirect: list[Edge] = []
    for start in sorted(keep):
        hops = {n: 1 for n in forward[start] if n not in keep}
        stack = list(hops)
        while stack:
            node = stack.pop()
            for nxt in forward[node]:
                if nxt in keep:
                    if nxt != start and (start, nxt) not in direct:
                        direct.add((start, nxt))
                        indirect.append(Edge(start, nxt, "indirect", f"via {hops[node]} hidden"))
                elif nxt not in hops:
                    hops[nxt] = hops[node] + 1
                    stack.append(nxt)
    return sorted(keep), kept_edges + _without_redundant(kept_edges, indirect)


def _without_redundant(kept: list[Edge], indirect: list[Edge]) -> list[Edge]:
    """Drop an indirect edge a -> c when c is already reachable from a through shown edges:
    the picture stays true (every dependency path is still visible) with less clutter."""
    forward: dict[str, set[str]] = {}
    for e in kept:
        if e.kind != "soft":
            forward.setdefault(e.source, set()).add(e.target)
    out = []
    for edge in sorted(indirect, key=lambda e: (e.source, e.target)):
        seen = {edge.source}
        stack = [edge.source]
        reachable = False
        while stack and not reachable:
            for nxt in forward.get(stack.pop(), ()):
                if nxt == edge.target:
                    reachable = True
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        if not reachable:
            out.append(edge)
            forward.setdefault(edge.source, set()).add(edge.target)
    return out
