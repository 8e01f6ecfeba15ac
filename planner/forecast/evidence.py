"""Measured restores, as plain numbers: what the store's journals say each task took, pooled per
service and duration field (docs/design/forecast.md#history).

Reading them from the store is the tracking package's work (:mod:`planner.tracking.history`);
this module only weighs and summarises them.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.forecast.model import EXERCISE_WEIGHT


@dataclass(frozen=True, slots=True)
class Measurement:
    """One measured task: from the last time work began to the final restoration."""

    service: str
    """The service restored."""
    key: str
    """``restore_time`` (it failed itself) or ``restart_time`` (down through a dependency)."""
    seconds: float
    """How long it took."""
    incident: str
    """The incident (or exercise) it was measured in."""
    exercise: bool
    """Measured in an exercise rather than a real incident."""

    @property
    def weight(self) -> float:
        """How much it counts in the forecast: 1, or :data:`EXERCISE_WEIGHT` for an exercise."""
        return EXERCISE_WEIGHT if self.exercise else 1.0


@dataclass(frozen=True, slots=True)
class Pooled:
    """Every measurement of one service's duration field."""

    service: str
    key: str
    incidents: tuple[float, ...]
    """Seconds measured in real incidents, oldest first."""
    exercises: tuple[float, ...]
    """Seconds measured in exercises, oldest first."""

    @property
    def weighted(self) -> list[tuple[float, float]]:
        """(seconds, weight) pairs for the model."""
        return [(s, 1.0) for s in self.incidents] + [(s, EXERCISE_WEIGHT) for s in self.exercises]

    @property
    def median(self) -> float:
        """Median of every measurement (incidents and exercises alike)."""
        return statistics.median(self.incidents + self.exercises)

    @property
    def spread(self) -> float | None:
        """Standard deviation of the log-durations (None under two measurements)."""
        values = [math.log(max(s, 1.0)) for s in self.incidents + self.exercises]
        return statistics.stdev(values) if len(values) >= 2 else None


def pool(measurements: Iterable[Measurement]) -> dict[tuple[str, str], Pooled]:
    """Measurements grouped by (service, duration field)."""
    real: dict[tuple[str, str], list[float]] = defaultdict(list)
    drill: dict[tuple[str, str], list[float]] = defaultdict(list)
    for m in measurements:
        (drill if m.exercise else real)[(m.service, m.key)].append(m.seconds)
    keys = sorted(set(real) | set(drill))
    return {k: Pooled(k[0], k[1], tuple(real.get(k, ())), tuple(drill.get(k, ()))) for k in keys}


def weighted(pooled: dict[tuple[str, str], Pooled]) -> dict[tuple[str, str], Sequence[tuple[float, float]]]:
    """What :func:`planner.forecast.scenario.setup_of` takes as ``measured``."""
    return {k: p.weighted for k, p in pooled.items()}
