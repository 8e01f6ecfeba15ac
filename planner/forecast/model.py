"""What a task's duration is believed to be: a lognormal whose median starts at the plan's
estimate and moves towards what was measured (docs/design/forecast.md#the-model).

The logarithm of one restore's duration is normal with an unknown mean ``mu`` and a known
spread ``sigma`` (``policy.forecast_spread``). The prior on ``mu`` is normal around the log of
the plan's estimate with variance ``sigma**2 / PRIOR_WEIGHT`` (the estimate counts as much as
``PRIOR_WEIGHT`` measurements); each measurement of weight ``w`` adds ``w`` to that count
(the normal-normal conjugate update). A new duration is then drawn from the predictive
distribution: normal log-duration with the posterior mean and variance
``sigma**2 * (1 + 1 / count)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_SPREAD = 0.5
"""``policy.forecast_spread`` when the plan does not say."""
PRIOR_WEIGHT = 2.0
"""How many measurements the plan's estimate is worth."""
EXERCISE_WEIGHT = 0.5
"""Weight of a restore measured in an exercise (a real incident's weighs 1): drills run with
people ready and the failure known, so they count, but for less."""
SHORTEST = 1.0
"""A measured duration under a second counts as one second (its logarithm must exist)."""


@dataclass(frozen=True, slots=True)
class Belief:
    """The predictive distribution of one task's duration (lognormal)."""

    log_median: float
    """Mean of the log-duration (``-inf`` for a task that takes no time)."""
    spread: float
    """Standard deviation of the log-duration (0: the duration is certain)."""
    evidence: float
    """How many measurements the belief rests on, the estimate's included."""

    @property
    def median(self) -> float:
        """Median duration in seconds."""
        return math.exp(self.log_median)

    def quantile(self, z: float) -> float:
        """The duration at standard normal quantile ``z`` (1.2816 for P90), seconds."""
        return math.exp(self.log_median + z * self.spread)


def belief(estimate: float, sigma: float, measured: Sequence[tuple[float, float]] = ()) -> Belief:
    """The belief in a task's duration from the plan's ``estimate`` (seconds), the per-restore
    spread ``sigma`` and ``measured`` (seconds, weight) pairs.

    An estimate of 0 (a restart time the plan leaves out) carries no prior: the measurements
    alone decide, and without any the task takes no time.

    Examples
    --------
    >>> b = belief(600, 0.5)
    >>> round(b.median), round(b.spread, 3)
    (600, 0.612)
    >>> b = belief(600, 0.5, [(1200, 1.0), (1200, 1.0)])
    >>> round(b.median), b.evidence
    (849, 4.0)
    >>> belief(0, 0.5).median
    0.0
    """
    prior = PRIOR_WEIGHT if estimate > 0 else 0.0
    total = prior * (math.log(estimate) if estimate > 0 else 0.0)
    count = prior
    for seconds, weight in measured:
        total += weight * math.log(max(seconds, SHORTEST))
        count += weight
    if count <= 0:
        return Belief(-math.inf, 0.0, 0.0)
    return Belief(total / count, sigma * math.sqrt(1.0 + 1.0 / count), count)


def sample_durations(beliefs: Sequence[Belief], samples: int, rng: np.random.Generator) -> np.ndarray:
    """``samples`` draws of every task's duration: an integer array of shape (tasks, samples),
    whole seconds, as the deterministic schedule counts them.

    The draws are made task by task in the given order from one stream of standard normals, so
    the same seed and the same tasks give the same numbers.
    """
    n = len(beliefs)
    out = np.zeros((n, samples), dtype=np.int64)
    if n == 0 or samples == 0:
        return out
    mean = np.array([b.log_median for b in beliefs])
    spread = np.array([b.spread for b in beliefs])
    normals = rng.standard_normal((n, samples))
    finite = np.isfinite(mean)
    logs = mean[finite, None] + spread[finite, None] * normals[finite]
    out[finite] = np.rint(np.exp(logs)).astype(np.int64)
    return out
