"""What each page says, as plain data (the templates and the JSON endpoints format it).

The public page is built from an allow-list: the plan's public components (name, state, ETA),
the updates written for customers, and the components' history. Nothing else of the incident
reaches it: no service id, team, person, note, check command or its output, not even the
incident's title (a responder may have typed a service's name into it). The internal page
shows the whole incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.events import Event, StakeholderUpdate
from planner.tracking.domain.components import ComponentStatus, ComponentView, component_views, worst
from planner.tracking.domain.state import OPEN, RESTORED, TaskRow
from planner.tracking.domain.words import describe
from planner.tracking.reports.status_text import next_step, rto_left, rto_marks, rto_word
from planner.web.reading import Reading

ROWS_SHOWN = 300
"""Services the internal page lists at most (a table of 10,000 rows pushed at every action helps
no one; ``planner incident status`` lists them all)."""
PUBLIC = "public"
CUSTOMER = "customer"
"""The audience of the stakeholder updates the public page shows."""
UNKNOWN = "unknown"
"""The page's state during an incident when the plan publishes no component: no claim either way."""
HEADLINES = {
    ComponentStatus.OPERATIONAL: "All systems operational",
    ComponentStatus.DEGRADED: "Some systems are degraded",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
}


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _p90(reading: Reading, view: ComponentView) -> str | None:
    """When the component is back in nine of ten sampled recoveries: the latest of the P90s of
    the services it waits on (None without a live forecast, or once it waits on nothing)."""
    odds = reading.odds
    if odds is None or not view.waiting_on or view.status == ComponentStatus.OPERATIONAL:
        return None
    ends = [odds.eta(s) for s in view.waiting_on]
    if any(e is None for e in ends):  # a service the forecast does not hold: no claim
        return None
    return _iso(max(e[1] for e in ends if e is not None))


def _views(reading: Reading) -> list[ComponentView]:
    plan, state, projection = reading.plan, reading.state, reading.projection
    if plan is None or state is None or projection is None:
        return []
    return component_views(plan, state, projection, reading.now)


def public_page(reading: Reading) -> dict[str, Any]:
    """The public page's data; also its JSON (``/status.json``), so only allowed keys."""
    shown = [v for v in _views(reading) if v.audience == PUBLIC]
    overall = worst(shown)
    open_now = reading.row is not None and reading.row.state == OPEN
    row = reading.row
    incident = None
    if row is not None:
        incident = {
            "open": row.state == OPEN,
            "started": _iso(row.started),
            "resolved": _iso(row.resolved),
            "exercise": row.exercise,
        }
    public = {v.id for v in shown}
    timeline = reading.timeline
    history = [] if timeline is None else [c for c in timeline.changes if c.component in public]
    return {
        "status": str(overall) if shown or not open_now else UNKNOWN,
        "headline": HEADLINES[overall] if shown or not open_now else "An incident is in progress",
        "incident": incident,
        "components": [
            {
                "id": v.id,
                "name": v.name,
                "description": v.description,
                "status": str(v.status),
                "label": v.status.label,
                "eta": _iso(v.eta),
                "eta_p90": _p90(reading, v),
            }
            for v in shown
        ],
        "updates": [
            {"at": _iso(e.at), "text": e.text}
            for e in reversed(reading.updates)
            if isinstance(e, StakeholderUpdate) and e.audience == CUSTOMER
        ],
        "history": [
            {
                "at": _iso(c.at),
                "name": c.name,
                "before": c.before.label,
                "after": c.after.label,
                "status": str(c.after),
            }
            for c in reversed(history)
        ],
        "updated": _iso(reading.now),
    }


def _internal_component(reading: Reading, v: ComponentView) -> dict[str, Any]:
    return {
        "id": v.id,
        "name": v.name,
        "audience": v.audience,
        "status": str(v.status),
        "label": v.status.label,
        "eta": _iso(v.eta),
        "eta_p90": _p90(reading, v),
        "waiting_on": list(v.waiting_on),
    }


def internal_page(reading: Reading) -> dict[str, Any]:
    """The internal page's data: the whole incident."""
    state, projection, row = reading.state, reading.projection, reading.row
    if state is None or projection is None or row is None:
        return {"incident": None, "updated": _iso(reading.now)}
    teams = state.info.teams
    shown = _rows(list(state.tasks.values()))
    marks = rto_marks(projection)  # the projection's lists read once, not once per row
    tasks = [
        {
            "service": t.service,
            "name": t.name,
            "wave": t.wave,
            "team": None if t.owner is None else (teams[t.owner].name if t.owner in teams else t.owner),
            "state": t.state,
            "blocked_by": state.blockers(t.service),
            "next": next_step(state, t),
            "rto": None if rto_left(state, t, reading.now) is None else rto_word(t, marks),
            "finish": _iso(projection.finish(t.service)),
        }
        for t in shown
    ]
    views = _views(reading)
    return {
        "status": str(worst(views)),
        "incident": {
            "id": row.id,
            "title": row.title,
            "state": row.state,
            "exercise": row.exercise,
            "started": _iso(row.started),
            "resolved": _iso(row.resolved),
            "eta": _iso(projection.eta),
            "progress": {"impacted": len(state.tasks), **state.counts()},
        },
        "components": [_internal_component(reading, v) for v in views],
        "waves": _waves(tasks),
        "not_shown": len(state.tasks) - len(shown),
        "workarounds": [
            {"id": w.id, "service": w.service, "dependency": w.dependency, "reason": w.reason, "by": w.actor}
            for w in state.open_workarounds()
        ],
        "updates": [
            {"at": _iso(e.at), "audience": e.audience, "text": e.text, "by": e.actor}
            for e in reversed(reading.updates)
            if isinstance(e, StakeholderUpdate)
        ],
        "journal": [_line(e) for e in reversed(reading.journal)],
        "updated": _iso(reading.now),
    }


def _rows(tasks: list[TaskRow]) -> list[TaskRow]:
    """The tasks the services table shows: all of them, or in a large incident the first
    :data:`ROWS_SHOWN` not restored (in wave order: what is being worked on and next)."""
    if len(tasks) <= ROWS_SHOWN:
        return tasks
    return [t for t in tasks if t.state != RESTORED][:ROWS_SHOWN]


def _waves(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks grouped by wave, in wave order."""
    waves: dict[int, list[dict[str, Any]]] = {}
    for task in tasks:
        waves.setdefault(task["wave"], []).append(task)
    return [{"wave": n, "tasks": waves[n]} for n in sorted(waves)]


def _line(event: Event) -> dict[str, Any]:
    return {"seq": event.seq, "at": _iso(event.at), "actor": event.actor, "what": describe(event)}
