"""An incident in outline: what stakeholder updates and the projection need, and nothing else.

The shape of an incident's tasks (names, owners, criticality, RTOs, estimates, which impacted
dependency each waits on) never changes after the start, so the store keeps it as one compact
record beside the rows (:func:`shape_json`). An outline is that shape plus the state of every
task that is no longer down and every check that is no longer pending: reading it costs a few
milliseconds where reading every row of a 10,000-service incident costs a tenth of a second.
The same outline is made from rows in memory (:func:`outline_of`) for the recovery screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from planner.tracking.domain.plan_workarounds import PlanWorkaround
from planner.tracking.domain.state import (
    DOWN,
    PENDING,
    RESTORED,
    RESTORING,
    CheckState,
    IncidentMeta,
    IncidentRow,
    MemoryView,
    TaskState,
    WorkaroundRow,
    task_blockers,
    task_ready,
)


@dataclass
class Outline:
    """An incident's tasks in compact form (every mapping is keyed by service, in wave order)."""

    row: IncidentRow
    cadence: int
    """Seconds between stakeholder updates."""
    capacity: dict[str, int]
    """Slots of every owner team of a task."""
    name: dict[str, str]
    owner: dict[str, str | None]
    criticality: dict[str, str]
    rto: dict[str, int | None]
    """Seconds from the start."""
    duration: dict[str, int]
    deps: dict[str, list[str]]
    """The impacted hard dependencies each task waits on."""
    state: dict[str, TaskState]
    begun: dict[str, datetime]
    """When each task being restored was begun."""
    restored: dict[str, datetime]
    """When each restored task was restored."""
    checks: dict[tuple[str, str], CheckState]
    """(service, dependency) -> state, for checks that are not pending."""
    open_workarounds: list[WorkaroundRow]
    plan_workarounds: list[PlanWorkaround] = field(default_factory=list)
    """The plan's open workarounds on the incident's services."""

    def check(self, service: str, dependency: str) -> CheckState:
        """The state of one check."""
        return self.checks.get((service, dependency), PENDING)

    def blockers(self, service: str) -> list[str]:
        """Impacted hard dependencies not restored yet (see :func:`task_blockers`)."""
        return task_blockers(self.deps[service], self.state.__getitem__)

    def ready(self, service: str) -> bool:
        """Whether ``service`` can be finished now (see :func:`task_ready`)."""
        state = self.state
        links = ((state[d], self.check(service, d)) for d in self.deps[service])
        return task_ready(state[service], links)


def shape_json(view: MemoryView) -> str:
    """The fixed part of an incident's outline, as the store keeps it."""
    tasks = list(view.tasks.values())
    index = {t.service: i for i, t in enumerate(tasks)}
    return json.dumps(
        {
            "services": [t.service for t in tasks],
            "name": [t.name for t in tasks],
            "owner": [t.owner for t in tasks],
            "criticality": [t.criticality for t in tasks],
            "rto": [t.rto for t in tasks],
            "duration": [t.duration for t in tasks],
            "deps": [[index[c.dependency] for c in view.checks(t.service)] for t in tasks],
        },
        separators=(",", ":"),
    )


def capacities(meta: IncidentMeta, owners: dict[str, str | None]) -> dict[str, int]:
    """Slots of every owner team of a task: its capacity, else the plan's default."""
    teams = meta.teams
    return {
        o: teams[o].capacity if o in teams else meta.default_capacity
        for o in set(owners.values())
        if o is not None
    }


@dataclass
class Overlay:
    """What changed since the start, as read from the rows."""

    tasks: list[tuple[str, TaskState, datetime | None, datetime | None]]
    """(service, state, begun, restored) of every task that is not down."""
    checks: list[tuple[str, str, CheckState]]
    """(service, dependency, state) of every check that is not pending."""
    open_workarounds: list[WorkaroundRow]


def outline(row: IncidentRow, meta: IncidentMeta, shape: str, changed: Overlay) -> Outline:
    """An outline from the stored shape and the rows that changed."""
    raw = json.loads(shape)
    services: list[str] = raw["services"]
    owner = dict(zip(services, raw["owner"], strict=True))
    state = dict.fromkeys(services, DOWN)
    begun: dict[str, datetime] = {}
    restored: dict[str, datetime] = {}
    for service, now_state, began, done in changed.tasks:
        state[service] = now_state
        if now_state == RESTORING and began is not None:
            begun[service] = began
        elif now_state == RESTORED and done is not None:
            restored[service] = done
    return Outline(
        row=row,
        cadence=meta.update_cadence,
        capacity=capacities(meta, owner),
        name=dict(zip(services, raw["name"], strict=True)),
        owner=owner,
        criticality=dict(zip(services, raw["criticality"], strict=True)),
        rto=dict(zip(services, raw["rto"], strict=True)),
        duration=dict(zip(services, raw["duration"], strict=True)),
        deps={s: [services[i] for i in d] for s, d in zip(services, raw["deps"], strict=True)},
        state=state,
        begun=begun,
        restored=restored,
        checks={(s, d): st for s, d, st in changed.checks},
        open_workarounds=changed.open_workarounds,
        plan_workarounds=meta.plan_workarounds,
    )


def outline_of(view: MemoryView) -> Outline:
    """The outline of rows in memory (the recovery screen's mirror)."""
    tasks = view.tasks.values()
    owner = {t.service: t.owner for t in tasks}
    return Outline(
        row=view.row,
        cadence=view.info.update_cadence,
        capacity=capacities(view.info, owner),
        name={t.service: t.name for t in tasks},
        owner=owner,
        criticality={t.service: t.criticality for t in tasks},
        rto={t.service: t.rto for t in tasks},
        duration={t.service: t.duration for t in tasks},
        deps={t.service: [c.dependency for c in view.checks(t.service)] for t in tasks},
        state={t.service: t.state for t in tasks},
        begun={t.service: t.begun for t in tasks if t.state == RESTORING and t.begun is not None},
        restored={t.service: t.restored for t in tasks if t.state == RESTORED and t.restored is not None},
        checks={k: c.state for k, c in view.check_rows.items() if c.state != PENDING},
        open_workarounds=view.open_workarounds(),
        plan_workarounds=view.info.plan_workarounds,
    )
