"""From a matrix of sampled finish times to what people ask: the chance each RTO is met, the
P50/P90 finish, the chance every critical RTO is met, and the tasks most often on the chain
that ends last."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from planner.forecast.simulate import Compiled

TOP_CRITICAL = 10
"""Tasks listed as most often on the critical chain."""


@dataclass(frozen=True, slots=True)
class ServiceForecast:
    """One service's forecast."""

    service: str
    """The service."""
    rto: int | None
    """Its RTO, seconds from incident start (None without one)."""
    critical: bool
    """Whether its criticality is ``critical``."""
    p_meet: float | None
    """Share of samples that finish it within its RTO (None without an RTO)."""
    p50: int
    """Median finish, seconds from incident start."""
    p90: int
    """Finish it beats in nine samples out of ten."""
    planned: int
    """Finish in the deterministic schedule of the plan's estimates."""
    evidence: float = 0.0
    """Measurements its duration rests on, the estimate counting as
    :data:`~planner.forecast.model.PRIOR_WEIGHT`."""


@dataclass
class Forecast:
    """The forecast of one scenario (or of an incident's remaining work)."""

    samples: int
    """Sampled schedules."""
    seed: int
    """Seed of the random numbers: the same seed gives the same forecast."""
    spread: float
    """Per-restore spread of the log-duration (``policy.forecast_spread``)."""
    services: list[ServiceForecast] = field(default_factory=list)
    """Every task, in restore (topological) order."""
    all_critical: float | None = None
    """Share of samples meeting every critical service's RTO (None: no critical RTO)."""
    makespan: tuple[int, int] = (0, 0)
    """P50 and P90 of the time the last task finishes."""
    critical_path: list[tuple[str, float]] = field(default_factory=list)
    """Tasks most often on the chain that ends last, with the share of samples."""

    def by_service(self) -> dict[str, ServiceForecast]:
        """Each service's forecast by id."""
        return {f.service: f for f in self.services}

    def unlikely(self, threshold: float) -> list[ServiceForecast]:
        """Services whose chance of meeting their RTO is under ``threshold``, least likely first."""
        found = [f for f in self.services if f.p_meet is not None and f.p_meet < threshold]
        return sorted(found, key=lambda f: (f.p_meet, f.service))


@dataclass(frozen=True)
class Targets:
    """Per task (in :attr:`Compiled.services` order): RTO, criticality, planned finish."""

    rto: list[int | None]
    critical: list[bool]
    planned: list[int]
    evidence: list[float]


def summarise(compiled: Compiled, finish: np.ndarray, targets: Targets, forecast: Forecast) -> Forecast:
    """Fill ``forecast`` from ``finish`` (tasks x samples)."""
    n, samples = finish.shape
    if n == 0 or samples == 0:
        return forecast
    p50, p90 = np.quantile(finish, [0.5, 0.9], axis=1, method="inverted_cdf")
    met = _met(finish, targets.rto)
    for i, service in enumerate(compiled.services):
        hit = met[i]
        forecast.services.append(
            ServiceForecast(
                service=service,
                rto=targets.rto[i],
                critical=targets.critical[i],
                p_meet=None if hit is None else float(hit.mean()),
                p50=int(p50[i]),
                p90=int(p90[i]),
                planned=targets.planned[i],
                evidence=targets.evidence[i],
            )
        )
    critical = [hit for i, hit in enumerate(met) if targets.critical[i] and hit is not None]
    if critical:
        forecast.all_critical = float(np.logical_and.reduce(critical).mean())
    last = finish.max(axis=0)
    low, high = np.quantile(last, [0.5, 0.9], method="inverted_cdf")
    forecast.makespan = (int(low), int(high))
    forecast.critical_path = chain_shares(compiled, finish)
    return forecast


def _met(finish: np.ndarray, rto: list[int | None]) -> list[np.ndarray | None]:
    return [None if r is None else finish[i] <= r for i, r in enumerate(rto)]


def chain_shares(compiled: Compiled, finish: np.ndarray, top: int = TOP_CRITICAL) -> list[tuple[str, float]]:
    """The tasks most often on the critical chain (as :func:`planner.engine.schedule.critical_chain`
    walks it: from the task that ends last, back through the dependency that finished last),
    with the share of samples; most often first, then by id."""
    services, deps = compiled.services, compiled.deps
    id_order = np.argsort(np.argsort(np.array(services, dtype=object)))
    last = finish.max(axis=0)
    ties = np.where(finish == last, id_order[:, None], len(services))
    ends = ties.argmin(axis=0).tolist()
    counts: Counter[int] = Counter()
    by_sample = finish.T
    for s, end in enumerate(ends):
        column = by_sample[s]
        node = end
        counts[node] += 1
        while deps[node]:
            node = max(deps[node], key=lambda d: (column[d], services[d]))
            counts[node] += 1
    samples = finish.shape[1]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], services[kv[0]]))[:top]
    return [(services[i], count / samples) for i, count in ranked]
