"""An incident's status for machines (``incident status --format json``), drawn from its state
and projection, as :mod:`planner.tracking.reports.status_text` draws it for people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from models.duration import later
from models.event_reading import plain_dump
from planner.tracking.domain.components import ComponentView, component_json
from planner.tracking.domain.state import RESTORED, MemoryView
from planner.tracking.domain.words import describe
from planner.tracking.reports.progress import Projection, next_update_due
from planner.tracking.reports.status_text import blocked_or_ready, rto_marks, rto_times_left, rto_word

if TYPE_CHECKING:
    from models.events import Event


def event_json(event: Event) -> dict[str, Any]:
    """An event as JSON, with its sentence."""
    data = plain_dump(event)  # model_dump(mode="json"), without building 11 serializers
    data["text"] = describe(event)
    return data


def _finish_texts(projection: Projection) -> dict[int, str | None]:
    """Each distinct projected finish (half of a 10,000-task projection's finishes are shared),
    by its offset, as JSON text: None past the year 9999. Whole seconds from a time in UTC (a
    projection's) are written by :func:`_utc_texts`; anything else by ``isoformat``."""
    now, offsets = projection.now, set(projection.offsets.values())
    if now.tzinfo is UTC and {type(offset) for offset in offsets} <= {int}:
        return _utc_texts(now, offsets)
    return {o: None if (when := later(now, o)) is None else when.isoformat() for o in offsets}


_TWO = tuple(f"{n:02d}" for n in range(60))
"""00 to 59."""


def _utc_texts(now: datetime, offsets: Iterable[int]) -> dict[int, str | None]:
    """``(now + offset seconds).isoformat()`` by offset, for ``now`` in UTC: the offsets in
    order, each day's date and each time of day written once (5,500 finishes fall on 6 days
    and 1,500 times of day); half the work of making a datetime for each, a quarter of writing
    each with ``isoformat``. None past the year 9999 (or before the year 1).

    Examples
    --------
    >>> _utc_texts(datetime(2026, 1, 1, 23, 59, 0, 5, tzinfo=UTC), [0, 60, 86400 * 3_000_000])
    {0: '2026-01-01T23:59:00.000005+00:00', 60: '2026-01-02T00:00:00.000005+00:00', 259200000000: None}
    """
    midnight = datetime(now.year, now.month, now.day)
    into = now.hour * 3600 + now.minute * 60 + now.second  # seconds since midnight
    tail = (f".{now.microsecond:06d}" if now.microsecond else "") + "+00:00"
    clocks: dict[int, str] = {}
    texts: dict[int, str | None] = {}
    day_start = next_day = 0  # seconds since midnight, of the day being written and the next
    date: str | None = ""
    for offset in sorted(offsets):
        second = into + offset
        if second >= next_day or second < day_start:  # the first offset, or a day later
            day_start = second - second % 86400
            next_day = day_start + 86400
            when = later(midnight, day_start)
            date = None if when is None else f"{when.date().isoformat()}T"
        if date is None:  # past the calendar's end (or before its start)
            texts[offset] = None
            continue
        in_day = second - day_start
        clock = clocks.get(in_day)
        if clock is None:  # a format per number took twice the time of the rest
            hour, rest = divmod(in_day, 3600)
            clock = clocks[in_day] = f"{_TWO[hour]}:{_TWO[rest // 60]}:{_TWO[rest % 60]}{tail}"
        texts[offset] = date + clock
    return texts


def status_json(
    state: MemoryView,
    journal: Sequence[Event],
    projection: Projection,
    now: datetime,
    components: Sequence[ComponentView] = (),
) -> dict[str, Any]:  # long: one JSON document, key by key
    """The status for machines (keys may be added, never removed)."""
    row = state.row
    due = next_update_due(row, state.info.update_cadence)
    return {
        "incident": row.id,
        "title": row.title,
        "scenario": row.scenario,
        "plan": row.plan_name,
        "plan_hash": row.plan_hash,
        "exercise": row.exercise,
        "state": row.state,
        "started": row.started.isoformat(),
        "detected": row.detected.isoformat() if row.detected else None,
        "resolved": row.resolved.isoformat() if row.resolved else None,
        "roles": row.roles,
        "progress": {"impacted": len(state.tasks), **state.counts()},
        "next_update_due": due.isoformat(),
        "update_overdue": row.state == "open" and due < now,
        "projected_finish": projection.eta.isoformat() if projection.eta else None,
        "rto_at_risk": projection.at_risk,
        "rto_missed": projection.missed,
        "rto_late": projection.late,
        "services": _services(state, projection, now),
        "components": [component_json(v, internal=True) for v in components],
        "workarounds": [
            {
                "id": w.id,
                "service": w.service,
                "dependency": w.dependency,
                "reason": w.reason,
                "applied_by": w.actor,
                "applied": w.applied.isoformat(),
                "expires": w.expires.isoformat() if w.expires else None,
                "owner": w.owner,
                "removed": w.removed.isoformat() if w.removed else None,
                "expired": w.removed is None and w.expires is not None and w.expires < now,
            }
            for w in state.workarounds()
        ],
        "plan_workarounds": [
            {
                "id": w.id,
                "service": w.service,
                "bypasses": w.bypasses,
                "description": w.description,
                "owner": w.owner,
                "applied": w.applied.isoformat(),
                "expires": w.expires.isoformat() if w.expires else None,
                "expired": w.expires is not None and w.expires < now,
            }
            for w in state.info.plan_workarounds
        ],
        "journal": [event_json(e) for e in journal],
    }


def _services(state: MemoryView, projection: Projection, now: datetime) -> list[dict[str, Any]]:
    """Every task as JSON, in wave order: one pass over 10,000 of them, each one's checks
    looked at in a single loop, what tasks share (finishes, RTO words) worked out once."""
    marks = rto_marks(projection)
    tasks = state.tasks
    restored_ones = {service for service, task in tasks.items() if task.state == RESTORED}
    checks_of, offset_of, finishes = state.checks, projection.offsets.get, _finish_texts(projection)
    lefts = rto_times_left(state, now)
    # each distinct RTO and time left (a few) in minutes once: one float each, not 20,000
    rtos = {task.rto for task in tasks.values()}
    minutes: dict[int | None, float] = {rto: rto / 60 for rto in rtos if rto is not None}
    left_minutes: dict[timedelta | None, float] = {
        left: left.total_seconds() / 60
        for left in set(lefts)
        if left is not None  # 0 is one
    }
    services = []
    for task, left in zip(tasks.values(), lefts, strict=True):
        service = task.service
        offset = offset_of(service)
        checks = checks_of(service)
        blockers, ready = blocked_or_ready(task.state, checks, restored_ones)
        states: dict[str, str] = {}
        evidence: dict[str, str] = {}
        for c in checks:
            states[c.dependency] = c.state
            if c.observed:
                evidence[c.dependency] = c.observed
        services.append(
            {
                "service": service,
                "name": task.name,
                "wave": task.wave,
                "owner": task.owner,
                "criticality": task.criticality,
                "state": task.state,
                "reopened": task.reopened,
                "verified": task.verified,
                "ready": ready,
                "blocked_by": blockers,
                "checks": states,
                "check_evidence": evidence,
                "rto_minutes": minutes.get(task.rto),
                "rto_left_minutes": left_minutes.get(left),
                "rto_status": None if left is None else rto_word(task, marks),
                "projected_finish": None if offset is None else finishes[offset],
                "restored": task.restored.isoformat() if task.restored else None,
            }
        )
    return services
