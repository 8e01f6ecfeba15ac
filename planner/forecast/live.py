"""The forecast of an incident's remaining work, from now (docs/design/forecast.md#live).

A task not begun takes a fresh draw of its duration; a task under way for ``e`` seconds takes
what is left of a draw conditioned on being longer than ``e`` (its median no longer counts once
it is overrun). The caller passes the remaining work as a scheduling problem with its
priority, so this module knows nothing of journals or stores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from planner.engine.schedule import Problem, list_schedule
from planner.forecast.model import Belief, sample_durations
from planner.forecast.simulate import Compiled, finish_times
from planner.forecast.summary import Forecast, Targets, summarise

LIVE_SAMPLES = 1000
"""Samples of a live forecast: a probability within about 1.6 points, in tens of milliseconds
for a few hundred tasks."""
_UNIT = NormalDist()


@dataclass(frozen=True)
class Remaining:
    """The work left, as the projection schedules it (times in seconds from now)."""

    problem: Problem
    """Tasks not restored; ``duration`` the full estimates."""
    priority: Mapping[str, tuple[float, ...]]
    """Priority among ready tasks (work under way first)."""
    elapsed: Mapping[str, int]
    """Seconds each task under way has run."""
    rto: Mapping[str, int | None]
    """Seconds from now to each task's RTO (negative: passed)."""
    critical: frozenset[str]
    """Tasks of critical services."""


def left_over(belief: Belief, elapsed: int, samples: int, rng: np.random.Generator) -> np.ndarray:
    """What is left of a task under way for ``elapsed`` seconds: draws of its duration given it
    is longer than that, minus ``elapsed`` (whole seconds)."""
    if not math.isfinite(belief.log_median):
        return np.zeros(samples, dtype=np.int64)
    if belief.spread == 0:
        return np.full(samples, max(0, round(belief.median) - elapsed), dtype=np.int64)
    floor = _UNIT.cdf((math.log(max(elapsed, 1)) - belief.log_median) / belief.spread)
    floor = min(floor, 1 - 1e-9)
    uniform = floor + (1 - floor) * rng.random(samples)
    z = np.array([_UNIT.inv_cdf(min(max(u, 1e-12), 1 - 1e-12)) for u in uniform.tolist()])
    drawn: np.ndarray = np.exp(belief.log_median + belief.spread * z)
    left: np.ndarray = np.maximum(0, np.rint(drawn - elapsed)).astype(np.int64)
    return left


def live_forecast(
    work: Remaining, beliefs: Mapping[str, Belief], samples: int = LIVE_SAMPLES, seed: int = 0
) -> Forecast:
    """The forecast of ``work``: finish times in seconds from now."""
    compiled = Compiled.build(work.problem, work.priority)
    rng = np.random.default_rng(seed)
    durations = sample_durations([beliefs[s] for s in compiled.services], samples, rng)
    for i, service in enumerate(compiled.services):
        if service in work.elapsed:
            durations[i] = left_over(beliefs[service], work.elapsed[service], samples, rng)
    finish = finish_times(compiled, durations)
    medians = {s: max(0, round(beliefs[s].median) - work.elapsed.get(s, 0)) for s in compiled.services}
    _, _, planned = list_schedule(replace(work.problem, duration=medians), work.priority)
    targets = Targets(
        rto=[work.rto.get(s) for s in compiled.services],
        critical=[s in work.critical for s in compiled.services],
        planned=[planned[s] for s in compiled.services],
        evidence=[beliefs[s].evidence for s in compiled.services],
    )
    spread = max((b.spread for b in beliefs.values()), default=0.0)
    return summarise(compiled, finish, targets, Forecast(samples, seed, spread))
