"""Links between boxes of a collapsed picture (one box per owner team), each drawn once and left to
right: teams are put in the order restoration flows, and two teams that depend on each other
(a cycle between teams) get one two-way link instead of two arrows, one of them pointing back.

The order comes from the one-way links (they all point forward when they allow it) and, between
teams they leave free, from how deep in the dependency graph a team's services sit on average."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Counts = tuple[int, int]
"""(hard, soft) dependencies."""


@dataclass(frozen=True)
class TeamLink:
    """A link between two boxes, drawn from ``left`` to ``right`` (``left`` comes first in the
    reading order)."""

    left: str
    right: str
    forward: Counts
    """Dependencies of ``right``'s services on ``left``'s: restoration flows left to right."""
    backward: Counts
    """Dependencies of ``left``'s services on ``right``'s (a cycle between the two when both
    are set; against the reading order when only this one is)."""

    @property
    def both_ways(self) -> bool:
        """The two teams depend on each other."""
        return any(self.forward) and any(self.backward)

    @property
    def weight(self) -> int:
        """Dependencies either way."""
        return sum(self.forward) + sum(self.backward)


def depth_of(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Each node's depth in the graph of ``edges`` (dependency -> dependent): 0 for a node
    that depends on nothing, else one more than its deepest dependency; nodes on a cycle get
    the depth reached before it.

    Examples
    --------
    >>> depth_of("abc", [("a", "b"), ("b", "c"), ("a", "c")])
    {'a': 0, 'b': 1, 'c': 2}
    """
    after: dict[str, list[str]] = {n: [] for n in nodes}
    waiting = dict.fromkeys(after, 0)
    for source, target in edges:
        after[source].append(target)
        waiting[target] += 1
    depth = dict.fromkeys(after, 0)
    ready = [n for n, count in waiting.items() if count == 0]
    while ready:
        node = ready.pop()
        for nxt in after[node]:
            depth[nxt] = max(depth[nxt], depth[node] + 1)
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
    return depth


def team_order(
    teams: Iterable[str], links: Mapping[tuple[str, str], Counts], depth: Mapping[str, float]
) -> list[str]:
    """The teams in reading order: every one-way link forward when the one-way links have no
    cycle, ties (and everything, when they have one) broken by ``depth`` then name.

    Examples
    --------
    >>> team_order(["a", "b", "c"], {("c", "a"): (1, 0), ("a", "b"): (2, 0), ("b", "a"): (1, 0)},
    ...            {"a": 1.0, "b": 0.0, "c": 2.0})
    ['b', 'c', 'a']
    """
    import heapq

    names = sorted(teams)
    one_way = [(a, b) for (a, b) in links if (b, a) not in links and a != b]
    waiting = dict.fromkeys(names, 0)
    after: dict[str, list[str]] = {n: [] for n in names}
    for a, b in one_way:
        after[a].append(b)
        waiting[b] += 1
    heap = [(depth.get(n, 0.0), n) for n in names if waiting[n] == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        _, node = heapq.heappop(heap)
        order.append(node)
        for nxt in after[node]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(heap, (depth.get(nxt, 0.0), nxt))
    if len(order) < len(names):  # the one-way links have a cycle of three or more teams
        order = sorted(names, key=lambda n: (depth.get(n, 0.0), n))
    return order


def oriented(
    links: Mapping[tuple[str, str], Counts], order: list[str], limit: int | None = None
) -> tuple[list[TeamLink], int]:
    """One :class:`TeamLink` per pair of linked teams, left to right in ``order``; with
    ``limit``, the heaviest that many (then by name). Returns them and how many pairs there are.

    Examples
    --------
    >>> links, pairs = oriented({("b", "a"): (1, 0), ("a", "b"): (0, 2)}, ["a", "b"])
    >>> [(x.left, x.right, x.forward, x.backward) for x in links], pairs
    ([('a', 'b', (0, 2), (1, 0))], 1)
    """
    place = {team: i for i, team in enumerate(order)}
    pairs: dict[tuple[str, str], TeamLink] = {}
    for a, b in links:
        if a == b:
            continue
        left, right = (a, b) if place[a] < place[b] else (b, a)
        if (left, right) not in pairs:
            pairs[(left, right)] = TeamLink(
                left, right, links.get((left, right), (0, 0)), links.get((right, left), (0, 0))
            )
    ranked = sorted(pairs.values(), key=lambda x: (-x.weight, place[x.left], place[x.right]))
    kept = ranked if limit is None else ranked[:limit]
    return sorted(kept, key=lambda x: (place[x.left], place[x.right])), len(pairs)


def said(counts: Counts) -> str:
    """``3 hard, 1 soft``.

    Examples
    --------
    >>> said((3, 1)), said((0, 2))
    ('3 hard, 1 soft', '2 soft')
    """
    hard, soft = counts
    return ", ".join(x for x in (f"{hard} hard" if hard else "", f"{soft} soft" if soft else "") if x)
