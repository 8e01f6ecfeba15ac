"""RTO analysis: which RTOs cannot be met at all, which the schedule misses, and the cheapest
lever that would fix each miss (shorten one task on its chain, or raise one team's capacity)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from models.duration import fmt_duration
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import Impact
from planner.engine.indexed import Indexed, Links
from planner.engine.schedule import Problem, Schedule, schedule
from planner.style import possessive

VERIFY_LIMIT_TASKS = 5000
"""Levers are verified by re-running the schedule only for scenarios up to this many tasks."""
MAX_ANALYSED = 25
"""Levers are worked out for the worst misses only (most late first)."""
MAX_CAPACITY_STEP = 3


@dataclass(frozen=True)
class Lever:
    """One change that would make a service meet its RTO."""

    kind: Literal["shorten", "capacity", "relax-rto"]
    """Shorten a task, raise a team's capacity, or (when no single change can) relax the RTO."""
    target: str
    """The service whose task to shorten, the team, or the service whose RTO to relax."""
    amount: int
    """Seconds to cut, slots to add, or the smallest achievable RTO in seconds."""
    verified: bool
    """True when re-running the plan with the lever applied showed the RTO met."""

    def describe(self) -> str:
        """A sentence for people."""
        if self.kind == "capacity":
            text = f"raise team {possessive(self.target)} capacity by {self.amount}"
        elif self.kind == "relax-rto":
            text = (
                f"no single task can absorb it: cut work across the chain, or set {possessive(self.target)} "
                f"RTO to at least {fmt_duration(self.amount)}"
            )
        else:
            text = f"shorten {possessive(self.target)} task by {fmt_duration(self.amount)}"
        return text if self.verified else text + " (estimate)"


@dataclass(frozen=True, slots=True)
class RtoMiss:
    """A service whose RTO is not met."""

    service: str
    """The service."""
    rto: int
    """Its RTO, seconds from incident start."""
    finish: int
    """Its finish in the capacity-bound schedule."""
    earliest_finish: int
    """Its finish with unlimited staff."""
    unachievable: bool
    """True when even unlimited staff cannot meet the RTO."""
    chain: tuple[str, ...] = ()
    """The chain that decides it: the earliest-finish chain when unachievable, else the
    schedule's chain (each task the dependency that finished last). Filled for the analysed
    (worst) misses; :meth:`RtoAnalysis.chain` gives it for any."""
    levers: tuple[Lever, ...] = ()
    """Cheapest fixes found, best first (empty when not analysed)."""

    @property
    def late_by(self) -> int:
        """Seconds past the RTO in the schedule."""
        return self.finish - self.rto


@dataclass
class RtoAnalysis:
    """Every RTO problem of a scenario."""

    unachievable: list[RtoMiss] = field(default_factory=list)
    """RTOs no staffing can meet (earliest restore > RTO)."""
    missed: list[RtoMiss] = field(default_factory=list)
    """RTOs the capacity-bound schedule misses but more staff could meet."""
    schedule: Schedule | None = None
    """The schedule analysed, for chains on demand."""

    def chain(self, miss: RtoMiss) -> tuple[str, ...]:
        """The chain that decides ``miss`` (see :attr:`RtoMiss.chain`)."""
        if miss.chain or self.schedule is None:
            return miss.chain
        ids = self.schedule.indexed.ids
        pred = self._chain_links(miss.unachievable).pred
        out = []
        node = self.schedule.indexed.where[miss.service]
        while node >= 0:
            out.append(ids[node])
            node = pred[node]
        return tuple(reversed(out))

    def links(self, misses: Sequence[RtoMiss]) -> dict[str, dict[str, str | None]]:
        """The links of every chain that decides one of ``misses``, each task once: for
        ``missed`` (the schedule's chains) and ``unachievable`` (the earliest-finish chains), each
        task on a chain mapped to the task before it (None at the chain's start). Follow them back
        from a miss to read its chain: the total stays linear in the tasks, where a list per miss
        grows with the square of a chain's length.
        """
        out: dict[str, dict[str, str | None]] = {"missed": {}, "unachievable": {}}
        if self.schedule is None:
            for miss in misses:
                kept = out["unachievable" if miss.unachievable else "missed"]
                kept.update(zip(miss.chain, (None, *miss.chain[:-1]), strict=True))
            return out
        ix = self.schedule.indexed
        ids, where = ix.ids, ix.where
        for miss in misses:
            kept = out["unachievable" if miss.unachievable else "missed"]
            pred = self._chain_links(miss.unachievable).pred
            node = where[miss.service]
            while node >= 0 and ids[node] not in kept:
                before = pred[node]
                kept[ids[node]] = None if before < 0 else ids[before]
                node = before
        return out

    def start_and_length(self, miss: RtoMiss) -> tuple[str, int]:
        """The first task of the chain that decides ``miss``, and how many tasks it has."""
        if self.schedule is None:
            return (miss.chain[0] if miss.chain else miss.service), len(miss.chain) or 1
        links = self._chain_links(miss.unachievable)
        number = self.schedule.indexed.where[miss.service]
        return self.schedule.indexed.ids[links.root[number]], links.depth[number]

    def starts_and_lengths(self, misses: Sequence[RtoMiss]) -> list[tuple[str, int]]:
        """:meth:`start_and_length` of each of ``misses``, in one pass."""
        if self.schedule is None:
            return [self.start_and_length(miss) for miss in misses]
        kinds = {kind: self._chain_links(kind) for kind in (False, True)}
        ids, where = self.schedule.indexed.ids, self.schedule.indexed.where
        out = []
        for miss in misses:
            links = kinds[miss.unachievable]
            number = where[miss.service]
            out.append((ids[links.root[number]], links.depth[number]))
        return out

    def brief(self, miss: RtoMiss, keep: int = 3) -> tuple[list[str], int, list[str]]:
        """The chain of ``miss`` shortened for a message: its first ``keep`` services, how many
        are left out, and its last ``keep``; without walking long chains (100,000-service plans
        have thousands of misses with chains a hundred long)."""
        if self.schedule is None:
            return [], 0, list(miss.chain)
        links = self._chain_links(miss.unachievable)
        ids = self.schedule.indexed.ids
        number = self.schedule.indexed.where[miss.service]
        depth = links.depth[number]
        if depth <= 2 * keep:
            return list(self.chain(miss)), 0, []
        last = [number]
        pred = links.pred
        while len(last) < keep:
            last.append(pred[last[-1]])
        return [ids[links.root[number]]], depth - keep - 1, [ids[n] for n in reversed(last)]

    def _chain_links(self, unachievable: bool) -> Links:
        assert self.schedule is not None
        made = self.schedule.columns.links
        if unachievable not in made:
            columns = self.schedule.columns
            times = columns.earliest if unachievable else columns.finish
            made[unachievable] = Links.build(self.schedule.indexed, times)
        return made[unachievable]

    @property
    def all(self) -> list[RtoMiss]:
        """Both kinds, worst first."""
        return sorted(self.unachievable + self.missed, key=lambda m: (m.rto - m.finish, m.service))


def analyse(
    graph: RecoveryGraph, impact: Impact, plan_schedule: Schedule, find_levers: bool = True
) -> RtoAnalysis:
    """Classify every RTO miss of ``plan_schedule`` and find levers for the worst ones.

    Examples
    --------
    >>> from models import Plan
    >>> from planner.engine.impact import compute_impact
    >>> from planner.engine.scenario import select
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db", "restore_time": "50m", "rto": "40m"}]})
    >>> graph = RecoveryGraph.from_plan(plan)
    >>> impact = compute_impact(graph, select(plan))
    >>> result = analyse(graph, impact, schedule(graph, impact))
    >>> miss = result.unachievable[0]
    >>> miss.service, miss.late_by // 60, miss.levers[0].describe()
    ('db', 10, "shorten db's task by 10m")
    """
    ix, columns = plan_schedule.indexed, plan_schedule.columns
    ids, rto_of, finish, ef = ix.ids, ix.rto, columns.finish, columns.earliest
    result = RtoAnalysis(schedule=plan_schedule)
    misses = plan_schedule.missed_numbers()
    worst = heapq.nsmallest(
        MAX_ANALYSED if find_levers else 0,
        (((rto_of[t] or 0) - finish[t], ids[t]) for t in misses),  # most late first, then by id
    )
    analysed = {ix.where[s] for _, s in worst}
    verify_budget = [40 if len(ix.order) <= VERIFY_LIMIT_TASKS else 0]
    unachievable, missed = result.unachievable, result.missed
    for task in misses:
        rto = rto_of[task]
        assert rto is not None
        earliest = ef[task]
        late = earliest > rto
        miss = RtoMiss(ids[task], rto, finish[task], earliest, late)
        if task in analysed:
            # a direct walk: cheaper for a few misses than building every task's links
            chain = ix.chain(ef if late else finish, task)
            miss = replace(miss, chain=tuple(map(ids.__getitem__, chain)))
            levers = (
                _shorten_levers(plan_schedule.problem, ix, miss)
                if late
                else _capacity_levers(graph, impact, plan_schedule, miss, verify_budget)
            )
            miss = replace(miss, levers=tuple(levers))
        (unachievable if late else missed).append(miss)
    return result


def _shorten_levers(problem: Problem, ix: Indexed, miss: RtoMiss) -> list[Lever]:
    """Unachievable RTO: which single task on the chain, cut by how much, brings it in."""
    needed = miss.earliest_finish - miss.rto
    ancestors = ix.ancestors(ix.where[miss.service], VERIFY_LIMIT_TASKS)
    candidates = sorted(
        (s for s in miss.chain if problem.duration[s] >= needed),
        key=lambda s: (-problem.duration[s], s),
    )
    for candidate in candidates:
        if ancestors is None:  # too many to re-check cheaply: a cut there is necessary, maybe enough
            return [Lever("shorten", candidate, needed, verified=False)]
        if _ef_with_cut(ix, ix.where[miss.service], ix.where[candidate], needed) <= miss.rto:
            return [Lever("shorten", candidate, needed, verified=True)]
    return [Lever("relax-rto", miss.service, miss.earliest_finish, verified=True)]


def _capacity_levers(
    graph: RecoveryGraph,
    impact: Impact,
    plan_schedule: Schedule,
    miss: RtoMiss,
    budget: list[int],
) -> list[Lever]:
    """A capacity-bound miss: which team on the chain waited, and how many slots fix it."""
    problem = plan_schedule.problem
    columns, where = plan_schedule.columns, plan_schedule.indexed.where
    waited: dict[str, int] = {}
    for s in miss.chain:
        wait = columns.start[where[s]] - columns.ready[where[s]]
        if wait > 0:
            waited[problem.team[s]] = waited.get(problem.team[s], 0) + wait
    teams = sorted(waited, key=lambda t: (-waited[t], t))[:3]
    levers: list[Lever] = []
    for team in teams:
        for step in range(1, MAX_CAPACITY_STEP + 1):
            if budget[0] <= 0:
                levers.append(Lever("capacity", team, 1, verified=False))
                break
            budget[0] -= 1
            trial = replace(problem, capacity={**problem.capacity, team: problem.capacity[team] + step})
            if schedule(graph, impact, trial).finish[miss.service] <= miss.rto:
                levers.append(Lever("capacity", team, step, verified=True))
                break
        if levers:
            break
    if not levers and miss.chain:
        longest = max(miss.chain, key=lambda s: (problem.duration[s], s))
        if problem.duration[longest] >= miss.late_by:
            levers.append(Lever("shorten", longest, miss.late_by, verified=False))
    return levers


def _ef_with_cut(ix: Indexed, task: int, cut: int, amount: int) -> int:
    """The earliest finish of ``task`` with task ``cut`` shortened by ``amount`` (depth first
    through what it depends on, each task once)."""
    out: dict[int, int] = {}
    deps, duration = ix.deps, ix.duration
    stack = [task]
    while stack:
        node = stack[-1]
        if node in out:
            stack.pop()
            continue
        waiting = [d for d in deps[node] if d not in out]
        if waiting:
            stack.extend(waiting)
            continue
        stack.pop()
        best = max(map(out.__getitem__, deps[node]), default=0)
        out[node] = duration[node] - (amount if node == cut else 0) + best
    return out[task]
