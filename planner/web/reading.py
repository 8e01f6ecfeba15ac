"""What the status page shows, read from the journal store: the incident it follows, its plan
(the copy the store kept when it started), its state folded from the journal, the projection of
the rest of the recovery, and the components' history.

The page reads and never writes. Each read opens the store, reads what is new since the last
one, and closes it: the state is folded from the journal's events (a void, or an event the
store cannot read, makes it read the whole journal again), so what the page shows is exactly
what the journal says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from models.events import Event, Voided
from planner.errors import UsageError
from planner.tracking.domain.outline import outline_of
from planner.tracking.domain.state import OPEN, IncidentRow
from planner.tracking.persistence.store import Store
from planner.tracking.reports.odds import LiveOdds, current_odds
from planner.tracking.reports.progress import Projection, project
from planner.web.history import Timeline

if TYPE_CHECKING:
    from models.plan import Plan
    from planner.tracking.domain.state import MemoryView
    from planner.tracking.persistence.db import Location

JOURNAL_SHOWN = 200
"""Newest journal events the internal page lists."""


@dataclass(frozen=True)
class Reading:
    """One read of the incident the page follows (``timeline`` None: the store has none yet)."""

    now: datetime
    timeline: Timeline | None
    journal: list[Event]
    """The newest :data:`JOURNAL_SHOWN` events, oldest first."""
    projection: Projection | None
    updates: list[Event]
    """Every stakeholder update, oldest first."""
    odds: LiveOdds | None = None
    """The live forecast of what is left (None: nothing to sample, or too much of it)."""

    @property
    def plan(self) -> Plan | None:
        return None if self.timeline is None else self.timeline.plan

    @property
    def state(self) -> MemoryView | None:
        return None if self.timeline is None else self.timeline.state

    @property
    def row(self) -> IncidentRow | None:
        return None if self.timeline is None else self.timeline.state.row


def newest_incident(rows: list[IncidentRow]) -> str | None:
    """The incident a page without ``--incident`` follows: the newest real one still open, else
    the newest open drill (a drill started during an outage must not hide it), else the newest
    one; None when the store has none."""
    if not rows:
        return None
    real = [r for r in rows if r.state == OPEN and not r.exercise]
    drills = [r for r in rows if r.state == OPEN]
    return max(real or drills or rows, key=lambda r: (r.started, r.id)).id


class Reader:
    """Reads one store for the page: a given incident, or the newest (see :func:`newest_incident`)."""

    def __init__(self, location: Location, incident: str | None = None) -> None:
        self.location = location
        self.fixed = incident
        self.incident: str | None = None
        self.timeline: Timeline | None = None
        self.journal: list[Event] = []
        self.updates: list[Event] = []
        self._plans: dict[str, Plan] = {}

    def open(self) -> Store:
        """The store; a missing file is an error (the page never creates a store)."""
        return Store(self.location, create=False)

    def check(self) -> None:
        """Refuse a store that cannot be opened, or an ``--incident`` it does not hold (exit 2)."""
        with self.open() as store:
            if self.fixed is not None:
                store.require(self.fixed)

    def read(self, now: datetime) -> Reading:
        """What the journal says now (only what is new is read and folded)."""
        with self.open() as store:
            chosen = self.fixed or newest_incident(store.incident_rows())
            if chosen is not None and (chosen != self.incident or not self._catch_up(store)):
                self._load(store, chosen)
        timeline = self.timeline
        if timeline is None:
            return Reading(now, None, self.journal[-JOURNAL_SHOWN:], None, list(self.updates))
        outline = outline_of(timeline.state)
        position = self.journal[-1].seq if self.journal else 0
        odds = current_odds(outline, now, position)
        return Reading(
            now, timeline, self.journal[-JOURNAL_SHOWN:], project(outline, now), list(self.updates), odds
        )

    def _load(self, store: Store, incident: str) -> None:
        """Read the incident's whole journal and fold it."""
        journal = store.events(incident)
        if not journal:
            raise UsageError(f"incident {incident} in {store.path} has no journal")
        plan = self._plan(store, incident)
        self.incident = incident
        self.timeline = Timeline.replay(plan, journal)
        self.journal = journal[-JOURNAL_SHOWN:]
        self.updates = [e for e in journal if e.kind == "stakeholder_update"]
        self._voided(journal)

    def _catch_up(self, store: Store) -> bool:
        """Fold what is new; False when the journal must be read whole again (a void changed the
        past, or an event could not be read)."""
        assert self.timeline is not None
        assert self.incident is not None
        seen = self.timeline.seen
        fresh = store.events_since(self.incident, seen)
        if store.skipped.get(self.incident, 0) > seen or any(isinstance(e, Voided) for e in fresh):
            return False
        self.timeline.extend(fresh)
        self.journal = (self.journal + fresh)[-JOURNAL_SHOWN:]
        self.updates += [e for e in fresh if e.kind == "stakeholder_update"]
        return True

    def _voided(self, journal: list[Event]) -> None:
        """Leave voided updates out of the page (the journal pane keeps the record)."""
        gone = {e.target for e in journal if isinstance(e, Voided)}
        self.updates = [e for e in self.updates if e.seq not in gone]

    def _plan(self, store: Store, incident: str) -> Plan:
        """The plan the incident started from (loaded once per plan)."""
        from planner.planfile.loader import load_source
        from planner.planfile.source import Source

        row = store.require(incident)
        if row.plan_hash not in self._plans:
            text = store.plan_text(row.plan_hash)
            if text is None:
                raise UsageError(f"{store.path} does not hold the plan incident {incident} started from")
            source = Source(f"<plan of {incident}>", text, "yaml")
            self._plans[row.plan_hash] = load_source(source).require_valid()
        return self._plans[row.plan_hash]
