"""An incident's status for machines (``incident status --format json``), drawn from its state
and projection, as :mod:`planner.tracking.reports.status_text` draws it for people."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from models.duration import later
from planner.tracking.domain.components import ComponentView, component_json
from planner.tracking.domain.state import MemoryView
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


def _finishes(projection: Projection) -> Callable[[str], str | None]:
    """A task's projected finish as JSON text (None when it is restored, or past the year 9999),
    each distinct finish written once (half of a 10,000-task projection's finishes are shared)."""
    written: dict[int, str | None] = {}
    offsets, now = projection.offsets, projection.now

    def finish(service: str) -> str | None:
        offset = offsets.get(service)
        if offset is None:
            return None
        if offset not in written:
            when = later(now, offset)
            written[offset] = None if when is None else when.isoformat()
        return written[offset]

    return finish


def status_json(
    state: MemoryView,
    journal: Sequence[Event],
    projection: Projection,
    now: datetime,
    components: Sequence[ComponentView] = (),
) -> dict[str, Any]:  # long: one JSON document, key by key
    """The status for machines (keys may be added, never removed)."""
    row = state.row
    counts = state.counts()
    services = []
    marks = rto_marks(projection)
    tasks = state.tasks
    state_of = {service: task.state for service, task in tasks.items()}
    checks_of, finish_of = state.checks, _finishes(projection)
    for task, left in zip(tasks.values(), rto_times_left(state, now), strict=True):  # 10,000 of them
        checks = checks_of(task.service)
        blockers, ready = blocked_or_ready(task.state, checks, state_of)
        services.append(
            {
                "service": task.service,
                "name": task.name,
                "wave": task.wave,
                "owner": task.owner,
                "criticality": task.criticality,
                "state": task.state,
                "reopened": task.reopened,
                "verified": task.verified,
                "ready": ready,
                "blocked_by": blockers,
                "checks": {c.dependency: c.state for c in checks},
                "check_evidence": {c.dependency: c.observed for c in checks if c.observed},
                "rto_minutes": None if task.rto is None else task.rto / 60,
                "rto_left_minutes": None if left is None else left.total_seconds() / 60,
                "rto_status": None if left is None else rto_word(task, marks),
                "projected_finish": finish_of(task.service),
                "restored": task.restored.isoformat() if task.restored else None,
            }
        )
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
        "progress": {"impacted": len(state.tasks), **counts},
        "next_update_due": next_update_due(row, state.info.update_cadence).isoformat(),
        "update_overdue": row.state == "open" and next_update_due(row, state.info.update_cadence) < now,
        "projected_finish": projection.eta.isoformat() if projection.eta else None,
        "rto_at_risk": projection.at_risk,
        "rto_missed": projection.missed,
        "rto_late": projection.late,
        "services": services,
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
