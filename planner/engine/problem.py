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
    """:func:`build_problem` from the waves by service number, with :attr:`Problem.indexed`."""
    order = [s for wave in waves for s in wave]
    count = len(order)
    ids = list(map(graph.ids.__getitem__, order))
    where = dict(zip(ids, range(count), strict=True))
    at = [-1] * len(graph.ids)
    for task, number in enumerate(order):
        at[number] = task
    if count == len(graph.ids):  # full outage: every edge stays, no filtering
        get = at.__getitem__
        deps = [list(map(get, graph.deps_of[s])) for s in order]
        dependents = [list(map(get, graph.dependents_of[s])) for s in order]
    else:
        deps = [[at[d] for d in graph.deps_of[s] if at[d] >= 0] for s in order]
        dependents = [[at[d] for d in graph.dependents_of[s] if at[d] >= 0] for s in order]
    failed = bytearray(len(graph.ids))
    for sid in impact.selection.failed:
        failed[graph.index[sid]] = 1
    restore, restart = graph.restore_of, graph.restart_of
    duration = [restore[s] if failed[s] else restart[s] for s in order]
    team = list(map(graph.team_of.__getitem__, order))
    indexed = Indexed(
        ids,
        where,
        deps,
        dependents,
        duration,
        team,
        list(graph.capacity.values()),
        list(map(graph.rto_of.__getitem__, order)),
        list(map(graph.rank_of.__getitem__, order)),
        order,  # numbers in id order already
    )
    names = list(graph.capacity)
    problem = Problem(
        ids,
        Adjacency(ids, where, deps),
        Adjacency(ids, where, dependents),
        dict(zip(ids, duration, strict=True)),
        dict(zip(ids, map(names.__getitem__, team), strict=True)),
        dict(graph.capacity),
        dict(zip(ids, (k for k, wave in enumerate(waves, 1) for _ in wave), strict=True)),
    )
    problem.indexed = indexed
    return problem


def index_problem(problem: Problem, rto: Mapping[str, int | None], rank: Mapping[str, int]) -> Indexed:
    """Number an id-keyed problem (a lever tried on a copy, a problem made by hand)."""
    ids = list(problem.order)
    where = dict(zip(ids, range(len(ids)), strict=True))
    get = where.__getitem__
    names = {name: k for k, name in enumerate(problem.capacity)}
    by_id = sorted(range(len(ids)), key=ids.__getitem__)
    rank_by_id = [0] * len(ids)
    for place, task in enumerate(by_id):
        rank_by_id[task] = place
    return Indexed(
        ids,
        where,
        [list(map(get, problem.deps[s])) for s in ids],
        [list(map(get, problem.dependents[s])) for s in ids],
        list(map(problem.duration.__getitem__, ids)),
        [names[problem.team[s]] for s in ids],
        list(problem.capacity.values()),
        [rto.get(s) for s in ids],
        list(map(rank.__getitem__, ids)),
        rank_by_id,
    )
