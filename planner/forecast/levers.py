"""What moves an unlikely RTO most: one estimate halved, one team's capacity raised by one, or
one hard dependency on its chain dropped, each tried by re-running the forecast on a small
sample budget with the same random numbers (common random numbers make the comparison fair).

The cost is bounded: at most :data:`MAX_TRIALS` re-runs of :data:`LEVER_SAMPLES` samples each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from planner.engine.schedule import Problem, critical_chain
from planner.forecast.model import Belief
from planner.forecast.scenario import Setup, run
from planner.style import possessive

LEVER_SAMPLES = 200
"""Samples per trial."""
MAX_TRIALS = 7
"""Trials per service: the three longest tasks of its chain, two teams, two dependencies."""


Kind = Literal["shorten", "capacity", "dependency"]


@dataclass(frozen=True, slots=True)
class ForecastLever:
    """One change and the chance of meeting the RTO with it."""

    kind: Kind
    target: str
    """The service whose estimate to halve, the team, or the dependency ``a -> b`` to drop."""
    chance: float
    """The chance of meeting the RTO with the change (on the lever's small sample)."""

    def describe(self) -> str:
        """A sentence for people."""
        if self.kind == "shorten":
            text = f"halving {possessive(self.target)} restore"
        elif self.kind == "capacity":
            text = f"one more slot for team {self.target}"
        else:
            text = f"not waiting on {self.target} (make it soft, or restore in parallel)"
        return f"{text} gives {round(self.chance * 100)}%"


def trials(setup: Setup, service: str) -> list[tuple[Kind, str, Setup]]:
    """The candidate changes for ``service``, each with the setup it makes."""
    problem = setup.problem
    chain = critical_chain(problem, setup.planned, service)
    longest = sorted(chain, key=lambda s: (-setup.beliefs[s].log_median, s))[:3]
    out: list[tuple[Kind, str, Setup]] = []
    for task in longest:
        if math.isfinite(setup.beliefs[task].log_median):
            b = setup.beliefs[task]
            halved = Belief(b.log_median - math.log(2), b.spread, b.evidence)
            out.append(("shorten", task, replace(setup, beliefs={**setup.beliefs, task: halved})))
    load: dict[str, int] = {}
    for task in problem.order:
        load[problem.team[task]] = load.get(problem.team[task], 0) + 1
    teams = [
        t for t in dict.fromkeys(problem.team[s] for s in reversed(chain)) if load[t] > problem.capacity[t]
    ]
    for team in teams[:2]:
        bigger = replace(problem, capacity={**problem.capacity, team: problem.capacity[team] + 1})
        out.append(("capacity", team, replace(setup, problem=bigger)))
    edges = list(pairwise(chain))[::-1][:2]
    for dep, task in edges:
        out.append(("dependency", f"{task} -> {dep}", replace(setup, problem=_without(problem, task, dep))))
    return out


def _without(problem: Problem, task: str, dep: str) -> Problem:
    return replace(
        problem,
        deps={**problem.deps, task: [d for d in problem.deps[task] if d != dep]},
        dependents={**problem.dependents, dep: [d for d in problem.dependents[dep] if d != task]},
    )


def best_lever(setup: Setup, service: str, seed: int = 0) -> ForecastLever | None:
    """The change that raises ``service``'s chance most (None when none raises it)."""
    base = run(setup, LEVER_SAMPLES, seed).by_service()[service].p_meet or 0.0
    best: ForecastLever | None = None
    for kind, target, trial in trials(setup, service)[:MAX_TRIALS]:
        chance = run(trial, LEVER_SAMPLES, seed).by_service()[service].p_meet or 0.0
        if chance > base and (best is None or chance > best.chance):
            best = ForecastLever(kind, target, chance)
    return best
