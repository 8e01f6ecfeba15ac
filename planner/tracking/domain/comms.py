"""The actions about people and the word rather than a task: journal notes, stakeholder
updates, incident roles, and the review held after resolution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from models.events import Event, Note, ReviewHeld, RoleAssigned, StakeholderUpdate
from planner.errors import UsageError
from planner.tracking.domain.actions import Action
from planner.tracking.domain.guards import (
    RefusedError,
    require_not_before,
    require_open,
    require_person,
    require_started,
)
from planner.tracking.domain.state import OPEN, View


class Audience(StrEnum):
    """Who a stakeholder update is written for."""

    TECHNICAL = "technical"
    EXECUTIVE = "executive"
    CUSTOMER = "customer"


AUDIENCES: dict[str, Audience] = {a.value: a for a in Audience}
"""Each audience by name."""


def as_audience(name: str) -> Audience:
    """``name`` as an :class:`Audience`; a usage error for any other word."""
    if name not in AUDIENCES:
        raise UsageError(f"audience {name!r}: use one of {', '.join(AUDIENCES)}")
    return AUDIENCES[name]


@dataclass(frozen=True)
class AddNote(Action):
    """A journal note (also after the incident is resolved)."""

    text: str

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        text = self.text
        row = require_started(view, at)
        if not text.strip():
            raise UsageError("a note needs some text")
        return [Note(incident=row.id, at=at, actor=actor, text=text.strip())]


@dataclass(frozen=True)
class SendUpdate(Action):
    """Log a stakeholder update (also the final one after resolution), and name the
    destinations it is to be delivered to (``planner.delivery`` sends it)."""

    audience: Audience
    text: str
    send_to: tuple[str, ...] = ()

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        audience, text = self.audience, self.text
        row = require_started(view, at)
        if not text.strip():
            raise UsageError("an update needs some text")
        return [
            StakeholderUpdate(
                incident=row.id,
                at=at,
                actor=actor,
                audience=audience.value,
                text=text.strip(),
                send_to=list(self.send_to),
            )
        ]


@dataclass(frozen=True)
class AssignRole(Action):
    """(Re)assign an incident role."""

    role: str
    person: str
    outside_plan: bool = False
    """Allow someone the plan does not list (a vendor's engineer)."""

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        role, person = self.role, self.person
        row = require_open(view, at)
        if not self.outside_plan:
            require_person(view, person)
        return [RoleAssigned(incident=row.id, at=at, actor=actor, role=role, person=person)]


@dataclass(frozen=True)
class HoldReview(Action):
    """Record that the post-incident review was held (after resolution)."""

    summary: str | None

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        summary = self.summary
        row = require_started(view, at)
        if row.state == OPEN:
            raise RefusedError(f"{row.id} is still open: resolve it before its review is held")
        require_not_before(at, row.resolved, f"{row.id} was resolved")
        return [ReviewHeld(incident=row.id, at=at, actor=actor, summary=summary)]
