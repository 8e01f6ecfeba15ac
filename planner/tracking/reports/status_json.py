"""An incident's status for machines (``incident status --format json``), drawn from its state
and projection, as :mod:`planner.tracking.reports.status_text` draws it for people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import TYPE_CHECKING, Any

from models.duration import later
from planner.tracking.domain.components import ComponentView, component_json
from planner.tracking.domain.state import RESTORED, MemoryView
from planner.tracking.domain.words import describe
from planner.tracking.reports.progress import Projection, next_update_due
from planner.tracking.reports.status_text import blocked_or_ready, rto_marks, rto_times_left, rto_word

if TYPE_CHECKING:
    from models.events import Event


def event_json(event: Event) -> dict[str, Any]:
    """An event as JSON, with its sentence."""
    data: dict[str, Any] = event.model_dump(mode="json")
    data["text"] = describe(event)
    return data


def _finishes(projection: Projection) -> dict[str, str | None]:
    """Every task's projected finish as JSON text (a task restored has none; None past the year
    9999), each distinct finish written once (half of a 10,000-task projection's finishes are
    shared)."""
    offsets = projection.offsets
    now = datetime.combine(projection.now, projection.now.timetz())  # not a subclass (a Now)
    distinct = list(set(offsets.values()))
    try:
        whens: list[datetime | None] = list(map(now.__add__, map(timedelta, repeat(0), distinct)))
    except OverflowError:  # one is past the year 9999
        whens = [later(now, offset) for offset in distinct]
    written = dict(zip(distinct, _iso_texts(whens, now), strict=True))
    return dict(zip(offsets, map(written.__getitem__, offsets.values()), strict=True))


def _iso_texts(whens: list[datetime | None], now: datetime) -> list[str | None]:
    """``isoformat()`` of each of ``whens``, all made from ``now`` (same type, same zone); in
    UTC by orjson, in one call (5,500 times in 1 ms, where ``isoformat`` took 5 ms): it writes
    them as ``isoformat`` does, but for an offset of seconds, which it rounds, and it writes no
    subclass of datetime.

    Examples
    --------
    >>> from datetime import UTC
    >>> two = [datetime(2026, 1, 1, 2, 3, tzinfo=UTC), datetime(2026, 1, 1, 2, 3, 4, 5, tzinfo=UTC)]
    >>> _iso_texts([*two, None], datetime(2026, 1, 1, tzinfo=UTC))
    ['2026-01-01T02:03:00+00:00', '2026-01-01T02:03:04.000005+00:00', None]
    """
    if type(now) is datetime and now.tzinfo is UTC:
        import orjson

        texts: list[str | None] = orjson.loads(orjson.dumps(whens))
        return texts
    return [None if when is None else when.isoformat() for when in whens]


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
    checks_of, finish_of = state.checks, _finishes(projection).get
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
                "projected_finish": finish_of(service),
                "restored": task.restored.isoformat() if task.restored else None,
            }
        )
    return services
