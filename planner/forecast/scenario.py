"""The forecast of a scenario: its tasks' beliefs, sampled, scheduled and summarised.

:class:`Setup` holds everything one forecast needs, so the audit's levers can re-run it with one
thing changed (an estimate, a team's capacity, a dependency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from models.common import Criticality
from planner.engine.planning import Planning
from planner.engine.schedule import Problem, deadline_priority
from planner.forecast.model import DEFAULT_SPREAD, Belief, belief, sample_durations
from planner.forecast.simulate import Compiled, finish_times
from planner.forecast.summary import Forecast, Targets, summarise

Measured = Mapping[tuple[str, str], Sequence[tuple[float, float]]]
"""Measured durations by (service, ``restore_time`` or ``restart_time``): (seconds, weight) pairs."""

DEFAULT_SAMPLES = 2000
"""Sampled schedules when the command does not say."""
MAX_SAMPLES = 1_000_000


@dataclass(frozen=True)
class Setup:
    """One forecast's inputs."""

    problem: Problem
    """Tasks, dependencies, teams and capacities (durations: the plan's estimates)."""
    priority: Mapping[str, tuple[float, ...]]
    """The plan's priority among ready tasks (fixed: see :mod:`planner.forecast.simulate`)."""
    beliefs: Mapping[str, Belief]
    """Each task's duration distribution."""
    rto: Mapping[str, int | None]
    """RTO of each task, seconds from the start of the forecast."""
    critical: frozenset[str]
    """Tasks of critical services."""
    planned: Mapping[str, int]
    """Finish of each task in the deterministic schedule."""
    spread: float = DEFAULT_SPREAD
    """Per-restore spread the beliefs were made with."""


def duration_key(service: str, failed: set[str] | frozenset[str]) -> str:
    """The plan field a task's duration comes from: ``restore_time`` for a failed service,
    ``restart_time`` for one down through a dependency."""
    return "restore_time" if service in failed else "restart_time"


def setup_of(planning: Planning, spread: float, measured: Measured | None = None) -> Setup:
    """The forecast inputs of a planned scenario, with ``measured`` durations folded in."""
    problem = planning.schedule.problem
    failed = set(planning.impact.selection.failed)
    measured = measured or {}
    beliefs = {
        s: belief(problem.duration[s], spread, measured.get((s, duration_key(s, failed)), ()))
        for s in problem.order
    }
    graph = planning.graph
    critical = frozenset(s for s in problem.order if graph.services[s].criticality == Criticality.CRITICAL)
    return Setup(
        problem=problem,
        priority=deadline_priority(problem, graph, planning.schedule.due),
        beliefs=beliefs,
        rto={s: graph.rto[s] for s in problem.order},
        critical=critical,
        planned=planning.schedule.finish,
        spread=spread,
    )


def sampled_finish(setup: Setup, samples: int, seed: int) -> tuple[Compiled, np.ndarray]:
    """Finish times (tasks x samples) of ``samples`` sampled schedules."""
    compiled = Compiled.build(setup.problem, setup.priority)
    rng = np.random.default_rng(seed)
    durations = sample_durations([setup.beliefs[s] for s in compiled.services], samples, rng)
    return compiled, finish_times(compiled, durations)


def run(setup: Setup, samples: int = DEFAULT_SAMPLES, seed: int = 0) -> Forecast:
    """The forecast of ``setup`` from ``samples`` sampled schedules.

    Examples
    --------
    >>> from models import Plan
    >>> from planner.engine.planning import plan_recovery
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db", "restore_time": "30m", "rto": "1h", "criticality": "critical"}]})
    >>> result = run(setup_of(plan_recovery(plan), spread=0.5), samples=1000, seed=1)
    >>> 0.85 < result.services[0].p_meet < 0.95, result.services[0].p50 // 60
    (True, 29)
    """
    compiled, finish = sampled_finish(setup, samples, seed)
    targets = Targets(
        rto=[setup.rto.get(s) for s in compiled.services],
        critical=[s in setup.critical for s in compiled.services],
        planned=[setup.planned.get(s, 0) for s in compiled.services],
        evidence=[setup.beliefs[s].evidence for s in compiled.services],
    )
    return summarise(compiled, finish, targets, Forecast(samples, seed, setup.spread))
