"""A scenario's scheduling problem: what is restored, in which order, by whom, for how long;
id-keyed for everyone, and numbered by task for the schedule's passes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.engine.graph import Adjacency
from planner.engine.indexed import Indexed
from planner.engine.waves import wave_numbers

if TYPE_CHECKING:
    from planner.engine.graph import RecoveryGraph
    from planner.engine.impact import Impact


@dataclass
class Problem:
    """The inputs of one scheduling run, so it can be re-run with a lever applied."""

    order: list[str]
    """Impacted services in topological order (waves flattened)."""
    deps: Mapping[str, list[str]]
    """Impacted hard dependencies of each task."""
    dependents: Mapping[str, list[str]]
    """Impacted hard dependents of each task."""
    duration: dict[str, int]
    """Task durations."""
    team: dict[str, str]
    """Team of each task."""
    capacity: dict[str, int]
    """Slots per team."""
    wave: dict[str, int] = field(default_factory=dict)
    """Wave of each task."""
    indexed: Indexed | None = field(default=None, init=False, repr=False, compare=False)
    """The same problem by task number, when it was built from a graph (a copy made with
    ``dataclasses.replace`` has none: it is numbered again when scheduled)."""


def build_problem(graph: RecoveryGraph, impact: Impact, waves: list[list[str]] | None = None) -> Problem:
    """The scheduling inputs of a scenario (``waves`` if already computed)."""

    index = graph.index
    if waves is None:
        members = impact.impacted
        everything = len(members) == len(graph.ids)
        numbers = wave_numbers(graph, None if everything else list(map(index.__getitem__, members)))
    else:
        numbers = [list(map(index.__getitem__, wave)) for wave in waves]
    return numbered_problem(graph, impact, numbers)


def numbered_problem(graph: RecoveryGraph, impact: Impact, waves: list[list[int]]) -> Problem:
    """:func:`build_problem` from the waves by service number, with :attr:`Problem.indexed`; for a
    full outage its lists are the graph's own."""
    order = [s for wave in waves for s in wave]
    ids, size = graph.ids, len(graph.ids)
    tasks = list(map(ids.__getitem__, order))
    failed = impact.selection.failed
    if len(order) == size:  # full outage: every edge stays, no filtering
        where: Mapping[str, int] = graph.index
        deps, dependents = graph.deps_of, graph.dependents_of
        deps_view, dependents_view = graph.hard_deps, graph.hard_dependents
    else:
        where = dict(zip(tasks, order, strict=True))
        inside = bytearray(size)
        for s in order:
            inside[s] = 1
        deps = [_NONE] * size
        dependents = [_NONE] * size
        for s in order:
            deps[s] = [d for d in graph.deps_of[s] if inside[d]]
            dependents[s] = [d for d in graph.dependents_of[s] if inside[d]]
        deps_view = Adjacency(ids, where, deps, where)
        dependents_view = Adjacency(ids, where, dependents, where)
    if len(failed) == size:  # every service failed itself: each task takes its restore time
        duration = graph.restore_of
    else:
        duration = graph.restart_of.copy()  # down through a dependency: its restart time
        restore = graph.restore_of
        for sid in failed:
            number = graph.index[sid]
            duration[number] = restore[number]
    indexed = Indexed(
        ids,
        where,
        order,
        deps,
        dependents,
        duration,
        graph.team_of,
        list(graph.capacity.values()),
        graph.rto_of,
        graph.rank_of,
    )
    names = graph.team_names
    problem = Problem(
        tasks,
        deps_view,
        dependents_view,
        dict(zip(tasks, map(duration.__getitem__, order), strict=True)),
        dict(zip(tasks, map(names.__getitem__, map(graph.team_of.__getitem__, order)), strict=True)),
        dict(graph.capacity),
        dict(zip(tasks, (k for k, wave in enumerate(waves, 1) for _ in wave), strict=True)),
    )
    problem.indexed = indexed
    return problem


_NONE: list[int] = []
"""The (never changed) list of a service that has no task."""


def index_problem(problem: Problem, rto: Mapping[str, int | None], rank: Mapping[str, int]) -> Indexed:
    """Number an id-keyed problem (a lever tried on a copy, a problem made by hand): its tasks
    in id order."""
    ids = sorted(problem.order)
    where = dict(zip(ids, range(len(ids)), strict=True))
    get = where.__getitem__
    names = {name: k for k, name in enumerate(problem.capacity)}
    return Indexed(
        ids,
        where,
        list(map(get, problem.order)),
        [list(map(get, problem.deps[s])) for s in ids],
        [list(map(get, problem.dependents[s])) for s in ids],
        list(map(problem.duration.__getitem__, ids)),
        [names[problem.team[s]] for s in ids],
        list(problem.capacity.values()),
        [rto.get(s) for s in ids],
        list(map(rank.__getitem__, ids)),
    )
