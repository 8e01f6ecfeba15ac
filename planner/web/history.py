"""The history of an incident as the status page tells it: when each component changed state.

A component's state follows from its services' states (see
:mod:`planner.tracking.domain.components`); the history replays the journal event by event and
keeps every change, so the page can say "Checkout: major outage from 09:12, operational at
10:40" without the store keeping anything more than its journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from models.events import Event, IncidentStarted, ServiceEvent
from planner.tracking.domain.components import ComponentStatus, component_views
from planner.tracking.domain.fold import apply, effective
from planner.tracking.domain.opening import rebuild

if TYPE_CHECKING:
    from models.plan import Plan
    from planner.tracking.domain.state import MemoryView

OPERATIONAL = ComponentStatus.OPERATIONAL


@dataclass(frozen=True)
class Change:
    """A component went from one state to another."""

    at: datetime
    component: str
    """The component's id."""
    name: str
    audience: str
    """``public`` or ``internal``."""
    before: ComponentStatus
    after: ComponentStatus


@dataclass
class Timeline:
    """The incident's state folded event by event, and every component change on the way."""

    plan: Plan
    state: MemoryView
    changes: list[Change] = field(default_factory=list)
    statuses: dict[str, ComponentStatus] = field(default_factory=dict)
    """Each component's state after the last event folded."""
    seen: int = 0
    """Sequence number of the last event folded."""

    @classmethod
    def replay(cls, plan: Plan, journal: list[Event]) -> Timeline:
        """The timeline of a whole journal (its first event is the incident's start)."""
        started = journal[0]
        assert isinstance(started, IncidentStarted), "a journal starts with its incident"
        timeline = cls(plan, rebuild(plan, [started]))
        timeline.seen = started.seq
        timeline.observe(started.at)
        timeline.extend(effective(journal)[1:])
        timeline.seen = max(timeline.seen, journal[-1].seq)
        return timeline

    def extend(self, events: list[Event]) -> None:
        """Fold ``events`` (none of them a void: a void changes the past, so the caller replays
        the journal instead) and record the changes they make."""
        for event in events:
            if event.seq <= self.seen:
                continue
            apply(self.state, event)
            self.seen = event.seq
            if isinstance(event, ServiceEvent):
                self.observe(event.at)

    def observe(self, at: datetime) -> None:
        """Record every component whose state differs from the last one seen."""
        for view in component_views(self.plan, self.state, None, at):  # states only: no ETA
            before = self.statuses.get(view.id, OPERATIONAL)
            if view.status != before:
                self.changes.append(Change(at, view.id, view.name, view.audience, before, view.status))
            self.statuses[view.id] = view.status
