"""Cycles among hard dependencies: found fast, reported as paths with an edge to cut."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_CYCLES_PER_COMPONENT = 50
"""Cap on the cycles listed per strongly connected component (they can be exponential)."""


@dataclass(frozen=True)
class Cycle:
    """A cycle of hard dependencies, as a closed path of service ids."""

    path: tuple[str, ...]
    """``(a, b, c)`` for ``a -> b -> c -> a``: each depends on the next."""
    cut: tuple[str, str]
    """The suggested edge to remove or make soft: ``(dependent, dependency)``."""
    cut_breaks: int
    """How many of the listed cycles of its component that edge breaks."""
    component_cycles: int
    """How many cycles were listed in the same strongly connected component."""

    def render(self) -> str:
        """``a -> b -> c -> a``."""
        return " -> ".join((*self.path, self.path[0]))


def nodes_on_cycles(edges: Mapping[str, Sequence[str]]) -> set[str]:
    """Services left over by Kahn's algorithm: those on a cycle or depending on one.

    Linear time, no recursion; an empty set proves the graph acyclic.

    Examples
    --------
    >>> sorted(nodes_on_cycles({"a": ["b"], "b": ["a"], "c": ["a"], "d": []}))
    ['a', 'b', 'c']
    """
    indegree: dict[str, int] = {node: len(deps) for node, deps in edges.items()}
    reverse: dict[str, list[str]] = {}
    for node, deps in edges.items():
        for dep in deps:
            if dep in reverse:
                reverse[dep].append(node)
            else:
                reverse[dep] = [node]
                indegree.setdefault(dep, 0)
    ready = [n for n, d in indegree.items() if d == 0]
    while ready:
        node = ready.pop()
        for dependent in reverse.get(node, ()):
            indegree[dependent] -= 1
            if indegree[dependent] == 0:
                ready.append(dependent)
    return {n for n, d in indegree.items() if d > 0}


def find_cycles(
    edges: Mapping[str, Sequence[str]],
    soft_candidates: Callable[[], Iterable[tuple[str, str]]] | Iterable[tuple[str, str]] = (),
) -> list[Cycle]:
    """Every elementary cycle of ``edges`` (dependent -> its hard dependencies), deterministic.

    Parameters
    ----------
    edges
        Each service's hard dependencies. Self-loops are ignored (reported separately).
    soft_candidates
        Edges that would be good to make soft (e.g. a dependency less critical than its
        dependent); preferred as the cut when they lie on the cycle. A callable is called only
        when there is a cycle.

    Examples
    --------
    >>> [c.render() for c in find_cycles({"a": ["b"], "b": ["c"], "c": ["a"]})]
    ['a -> b -> c -> a']
    """
    has_loops = any(n in deps for n, deps in edges.items())
    clean = {n: [d for d in deps if d != n] for n, deps in edges.items()} if has_loops else edges
    suspects = nodes_on_cycles(clean)
    if not suspects:
        return []
    import networkx as nx  # only for a plan with a cycle: importing it costs 0.2-0.35 s

    graph = nx.DiGraph()
    for node in sorted(suspects):
        for dep in sorted(clean.get(node, ())):
            if dep in suspects:
                graph.add_edge(node, dep)
    soft = set(soft_candidates() if callable(soft_candidates) else soft_candidates)
    out: list[Cycle] = []
    components = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    for component in sorted(components):
        sub = graph.subgraph(component)
        paths: list[tuple[str, ...]] = []
        for raw in nx.simple_cycles(sub):
            paths.append(_rotate(raw))
            if len(paths) >= MAX_CYCLES_PER_COMPONENT:
                break
        paths.sort(key=lambda p: (len(p), p))
        counts: Counter[tuple[str, str]] = Counter(e for p in paths for e in _edges(p))
        for path in paths:
            on_cycle = _edges(path)
            preferred = [e for e in on_cycle if e in soft] or on_cycle
            cut = min(preferred, key=lambda e: (-counts[e], e))
            out.append(Cycle(path, cut, counts[cut], len(paths)))
    return out


def _rotate(path: Sequence[str]) -> tuple[str, ...]:
    start = path.index(min(path))
    return tuple(path[start:]) + tuple(path[:start])


def _edges(path: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(path[i], path[(i + 1) % len(path)]) for i in range(len(path))]
