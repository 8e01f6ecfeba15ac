"""The live forecast of an incident: from the current state, the chance each remaining RTO is met
and when each service is likely back ("P90 14:20"), for ``incident status``, the recovery
screen's header and the status page (docs/design/forecast.md#live).

Computed at a bounded rate: :func:`cached_odds` keeps the answer per incident, journal position
and minute, so a screen refreshing every second samples at most once a minute or per action.
The forecast's modules (and numpy, 0.1 s to import) are imported when a forecast is sampled:
``incident status`` on an incident with too much left to sample (:func:`worth_sampling`) does
without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import countOf
from typing import TYPE_CHECKING, Any

from models.duration import later
from planner.tracking.domain.outline import Outline
from planner.tracking.domain.state import OPEN, RESTORED
from planner.tracking.reports.progress import remaining

if TYPE_CHECKING:
    from planner.forecast.summary import Forecast

TASK_LIMIT = 2500
"""More tasks left than this: no live forecast (the screen stays fast; ``planner forecast`` has
the whole picture)."""
SAMPLE_BUDGET = 250_000
"""Tasks x samples of one live forecast: 1,000 samples up to 250 tasks, fewer (at least 100)
beyond, about half a second at the limit."""
CACHE_SIZE = 32
"""Live forecasts kept (one per incident, journal position and minute)."""


@dataclass(frozen=True)
class LiveOdds:
    """The remaining work's forecast, from :attr:`now`."""

    now: datetime
    """When it was computed."""
    forecast: Forecast
    """Finish times in seconds from :attr:`now`."""
    missed: frozenset[str]
    """Critical services whose RTO is already lost (restored late, or past it)."""
    critical: frozenset[str]
    """Every critical service of the incident with an RTO."""

    @property
    def all_critical(self) -> float | None:
        """The chance every critical RTO is met (0 once one is lost; None: no critical RTO)."""
        if not self.critical:
            return None
        if self.missed:
            return 0.0
        return 1.0 if self.forecast.all_critical is None else self.forecast.all_critical

    def eta(self, service: str) -> tuple[datetime, datetime] | None:
        """When ``service`` is back in half and in nine of ten samples (None: restored)."""
        found = self.forecast.by_service().get(service)
        if found is None:
            return None
        low, high = later(self.now, found.p50), later(self.now, found.p90)
        return None if low is None or high is None else (low, high)

    def header(self) -> str:
        """``all critical RTOs: 64%`` (the recovery screen's header), or empty without any."""
        chance = self.all_critical
        return "" if chance is None else f"all critical RTOs: {round(chance * 100)}%"

    def _iso(self, offset: int) -> str | None:
        moment = later(self.now, offset)
        return None if moment is None else moment.isoformat()

    def to_json(self) -> dict[str, Any]:
        """``incident status --format json``'s ``forecast``: times as ISO 8601 UTC."""
        services = {}
        for f in self.forecast.services:
            services[f.service] = {
                "p50": self._iso(f.p50),
                "p90": self._iso(f.p90),
                "p_meet_rto": f.p_meet,
            }
        return {
            "samples": self.forecast.samples,
            "all_critical_rtos_met": self.all_critical,
            "finish_p50": self._iso(self.forecast.makespan[0]),
            "finish_p90": self._iso(self.forecast.makespan[1]),
            "services": services,
        }


def live_odds(
    outline: Outline, now: datetime, spread: float | None = None, samples: int | None = None
) -> LiveOdds:
    """Sample the remaining work of ``outline`` from ``now`` (seed 0: the same state and minute
    give the same answer on every terminal); ``spread`` and ``samples`` default to the
    forecast's (``DEFAULT_SPREAD``, ``LIVE_SAMPLES``)."""
    from models.common import Criticality  # the plan models' base: only a forecast needs it
    from planner.forecast.live import LIVE_SAMPLES, Remaining, live_forecast
    from planner.forecast.model import DEFAULT_SPREAD, belief

    spread = DEFAULT_SPREAD if spread is None else spread
    samples = LIVE_SAMPLES if samples is None else samples
    problem, keys, rto = remaining(outline, now)
    elapsed = {
        s: max(0, int((now - began).total_seconds())) for s, began in outline.begun.items() if s in rto
    }
    critical = frozenset(
        s for s, c in outline.criticality.items() if c == Criticality.CRITICAL and outline.rto[s] is not None
    )
    work = Remaining(problem, keys, elapsed, rto, critical)
    beliefs = {s: belief(outline.duration[s], spread) for s in problem.order}
    clock = outline.row.rto_clock
    missed = frozenset(
        s
        for s in critical
        if (r := outline.rto[s]) is not None
        and (
            (outline.state[s] == RESTORED and outline.restored[s] > clock + timedelta(seconds=r))
            or (outline.state[s] != RESTORED and (rto[s] or 0) < 0)
        )
    )
    return LiveOdds(now, live_forecast(work, beliefs, samples), missed, critical)


_cache: dict[tuple[str, int, str, int], LiveOdds] = {}


def cached_odds(outline: Outline, now: datetime, position: int) -> LiveOdds:
    """:func:`live_odds`, computed once per incident, journal ``position`` (the newest event's
    number) and minute of ``now`` (and tasks' states: two stores may hold an ``INC-1`` each)."""
    fingerprint = hash((outline.row.started, tuple(outline.state.items()), tuple(outline.begun.items())))
    key = (outline.row.id, position, now.strftime("%Y-%m-%dT%H:%M"), fingerprint)
    found = _cache.get(key)
    if found is None:
        from planner.forecast.live import LIVE_SAMPLES

        samples = max(100, min(LIVE_SAMPLES, SAMPLE_BUDGET // max(1, _left(outline))))
        found = live_odds(outline, now.replace(second=0, microsecond=0), samples=samples)
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = found
    return found


def current_odds(outline: Outline, now: datetime, position: int) -> LiveOdds | None:
    """:func:`cached_odds` when the incident is worth sampling (:func:`worth_sampling`), else None:
    resolved, everything restored, or too much left to sample. What ``incident status``, the
    recovery screen and the status page all ask."""
    return cached_odds(outline, now, position) if worth_sampling(outline) else None


def odds_header(outline: Outline, now: datetime, position: int) -> str:
    """The recovery screen's ``all critical RTOs: 64%`` (empty when nothing critical is left to
    forecast, or everything is restored)."""
    odds = current_odds(outline, now, position)
    return "" if odds is None else odds.header()


def worth_sampling(outline: Outline) -> bool:
    """True for an open incident with work left, and not more than :data:`TASK_LIMIT` tasks of it."""
    return outline.row.state == OPEN and 0 < _left(outline) <= TASK_LIMIT


def _left(outline: Outline) -> int:
    """How many tasks are not restored (counted in C: every status asks, of 10,000 tasks)."""
    return len(outline.state) - countOf(outline.state.values(), RESTORED)
