"""``planner tune``: each estimate against what was measured, and the estimates to change where
the evidence suffices (docs/design/forecast.md#tune).

The rule: an estimate is changed only from at least :data:`MIN_INCIDENTS` measurements in real
incidents (exercises are shown, and weigh in the forecast, but never rewrite an estimate alone),
to the median of those measurements in whole minutes, and only when that differs from the
estimate by more than :data:`TOLERANCE` of it.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from models.duration import format_duration
from models.plan import Plan
from planner.forecast.evidence import Pooled

MIN_INCIDENTS = 3
"""Real-incident measurements an estimate needs before ``--write`` changes it."""
TOLERANCE = 0.10
"""A measured median within this share of the estimate leaves the estimate alone."""


@dataclass(frozen=True, slots=True)
class TuneRow:
    """One service's duration field against its measurements."""

    service: str
    key: str
    """``restore_time`` or ``restart_time``."""
    estimate: int | None
    """The plan's value, seconds (None when it does not set one)."""
    incidents: int
    """Measurements from real incidents."""
    exercises: int
    """Measurements from exercises."""
    median: float
    """Median of every measurement, seconds."""
    spread: float | None
    """Standard deviation of the log-durations (None under two measurements)."""
    proposed: int | None
    """The new estimate, seconds, when the rule allows one."""
    reason: str
    """Why nothing is proposed (empty when something is)."""


def tune_rows(plan: Plan, pooled: Mapping[tuple[str, str], Pooled]) -> list[TuneRow]:
    """A row per measured (service, field) of services the plan still has, in plan order.

    Examples
    --------
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db", "restore_time": "20m"}]})
    >>> row = tune_rows(plan, {("db", "restore_time"): Pooled("db", "restore_time",
    ...     (1800.0, 2100.0, 1500.0), (600.0,))})[0]
    >>> row.proposed // 60, row.incidents, row.exercises
    (30, 3, 1)
    """
    rows = []
    for service in plan.services:
        for key in ("restore_time", "restart_time"):
            found = pooled.get((service.id, key))
            if found is None:
                continue
            value = getattr(service, key)
            estimate = None if value is None else round(value.total_seconds())
            proposed, reason = _proposal(estimate, found)
            rows.append(
                TuneRow(
                    service=service.id,
                    key=key,
                    estimate=estimate,
                    incidents=len(found.incidents),
                    exercises=len(found.exercises),
                    median=found.median,
                    spread=found.spread,
                    proposed=proposed,
                    reason=reason,
                )
            )
    return rows


def _proposal(estimate: int | None, found: Pooled) -> tuple[int | None, str]:
    if len(found.incidents) < MIN_INCIDENTS:
        return None, f"keep: {len(found.incidents)} of {MIN_INCIDENTS} incidents"
    measured = max(60, round(statistics.median(found.incidents) / 60) * 60)
    if estimate and abs(measured - estimate) <= TOLERANCE * estimate:
        return None, "keep: within 10%"
    return measured, ""


def apply_rows(rows: list[TuneRow]) -> Any:
    """The change :func:`planner.planfile.writeback.edit_plan` applies: each proposed estimate
    written into its service, with a comment saying where it came from."""

    def change(document: Any) -> None:
        proposed = {(r.service, r.key): r for r in rows if r.proposed is not None}
        for entry in document.get("services") or []:
            for key in ("restore_time", "restart_time"):
                row = proposed.get((entry.get("id"), key))
                if row is None or row.proposed is None:
                    continue
                entry[key] = format_duration(timedelta(seconds=row.proposed))
                if key in entry.ca.items:  # the person's own comment on that line stays
                    continue
                was = "not set" if row.estimate is None else format_duration(timedelta(seconds=row.estimate))
                entry.yaml_add_eol_comment(f"tuned: median of {row.incidents} incidents (was {was})", key)

    return change
