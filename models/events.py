"""The incident journal: one pydantic model per event, discriminated by ``kind``.

The journal is append-only; the state of an incident is the fold of its events (the tracking
engine builds on these). Every event carries who did it, when it happened (``--at`` lets a scribe
log after the fact) and its sequence number in the store.
"""

# No ``from __future__ import annotations``: pydantic would evaluate every field's annotation
# text again for each event class (1.5 ms of every `planner incident` action).

from functools import cache
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from models.delivery_events import Delivered, DeliveryAttempted, DeliveryEvent, DeliveryFailed
from models.event_base import EventBase
from models.exercise import Injection
from models.scalars import Id, UtcDatetime


class IncidentStarted(EventBase):
    """An incident (or an exercise) was declared."""

    kind: Literal["incident_started"] = "incident_started"
    title: str
    """What happened, in a line."""
    plan_hash: str
    """SHA-256 of the plan text the incident started from (the store keeps the text)."""
    scenario: str
    """Scenario id, ``custom`` or ``full-outage``."""
    failed: list[Id]
    """Services that failed."""
    plan_name: str = ""
    """The plan's ``name``."""
    exercise: bool = False
    """True for a drill."""
    detected: UtcDatetime | None = None
    """When the failure was first detected, if before the declaration (for MTTD)."""


class ServiceEvent(EventBase):
    """An event about one service."""

    service: Id
    """The service concerned."""


class TaskBegun(ServiceEvent):
    """Someone started restoring a service."""

    kind: Literal["task_begun"] = "task_begun"


class RunEvidence(BaseModel):
    """What running a check or verify command showed (``--run``): the evidence kept with the
    event, so the journal says how success was measured, not only that someone said so."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    command: str
    """The command as the plan has it."""
    shell: bool
    """Run through ``/bin/sh -c`` (the command needed a shell)."""
    cwd: str
    """The working directory it ran in."""
    exit_status: int | None
    """Its exit status; None when it timed out or could not start (see ``error``)."""
    seconds: float
    """How long it ran."""
    head: str = ""
    """The first lines of its output (standard output and error, capped)."""
    tail: str = ""
    """The last lines of its output, when there were more than the head holds."""
    error: str | None = None
    """Why there is no exit status: a timeout, a command that could not start."""

    @property
    def passed(self) -> bool:
        """Exit status 0 passes; anything else (a timeout too) fails."""
        return self.exit_status == 0

    def summary(self) -> str:
        """``exit 0 in 0.3 s`` (or the error), the words the journal and the report use."""
        if self.exit_status is None:
            return self.error or "no exit status"
        return f"exit {self.exit_status} in {self.seconds:.1f} s"

    def last_line(self) -> str:
        """The last line of output, for one-line displays."""
        text = (self.tail or self.head).strip()
        return text.splitlines()[-1] if text else ""


class CheckPassed(ServiceEvent):
    """A dependency check of a service passed."""

    kind: Literal["check_passed"] = "check_passed"
    dependency: Id
    """The dependency checked."""
    observed: str | None = None
    """What the responder looked at (needed when the plan has no check command)."""
    run: RunEvidence | None = None
    """The check command's run, when the planner ran it (``--run``)."""


class CheckFailed(ServiceEvent):
    """A dependency check of a service failed."""

    kind: Literal["check_failed"] = "check_failed"
    dependency: Id
    """The dependency checked."""
    observed: str | None = None
    """What was seen."""
    run: RunEvidence | None = None
    """The check command's run, when the planner ran it (``--run``)."""


class Verified(ServiceEvent):
    """The service's own verify command was confirmed."""

    kind: Literal["verified"] = "verified"
    observed: str | None = None
    """What the responder looked at (needed when the plan has no verify command)."""
    run: RunEvidence | None = None
    """The verify command's run, when the planner ran it (``--run``)."""


class VerifyFailed(ServiceEvent):
    """The service's own verify command was run and failed: it stays unconfirmed."""

    kind: Literal["verify_failed"] = "verify_failed"
    run: RunEvidence
    """The run that failed."""


class RunNotApplied(ServiceEvent):
    """A check or verify command was run on request, and what it showed could not change the
    state (the guard refused it: the service was restored meanwhile, say). The run is evidence
    all the same: the journal keeps it, with why it changed nothing."""

    kind: Literal["run_not_applied"] = "run_not_applied"
    dependency: Id | None = None
    """The dependency whose check was run; None for the service's own verify."""
    run: RunEvidence
    """What the run showed."""
    refused: str = Field(min_length=1)
    """Why it changed nothing (the guard's words)."""


class WorkaroundAmended(EventBase):
    """A bypass's workaround corrected: its expiry or its reason was recorded wrong (the journal
    keeps both the bypass and this)."""

    kind: Literal["workaround_amended"] = "workaround_amended"
    workaround: str
    expires: UtcDatetime | None = None
    """The new expiry, if it is corrected."""
    reason_text: str | None = None
    """The new reason for the bypass, if it is corrected."""
    reason: str = Field(min_length=1)
    """Why the correction (required)."""


class Restored(ServiceEvent):
    """The service was declared restored."""

    kind: Literal["restored"] = "restored"


class Bypassed(ServiceEvent):
    """A dependency check was bypassed: a workaround now exists until removed."""

    kind: Literal["bypassed"] = "bypassed"
    dependency: Id
    """The dependency whose check is bypassed."""
    reason: str = Field(min_length=1)
    """Why (required)."""
    workaround: str
    """Id of the workaround record created."""
    expires: UtcDatetime | None = None
    """When it must be gone."""
    owner: str | None = None
    """Team accountable for removing it (the service's owner)."""


class FailedAgain(ServiceEvent):
    """A restored (or restoring) service failed again."""

    kind: Literal["failed_again"] = "failed_again"
    # Copied for each event, as a factory's list; pydantic inspects a factory (builtin: 1.7 ms).
    reopened: list[Id] = Field(default=[])
    """Restored services that depend on it (directly or not) and are down again with it."""


class Escalated(ServiceEvent):
    """The next person on the owner team's escalation path was paged."""

    kind: Literal["escalated"] = "escalated"
    person: str
    """Who was paged."""


class Note(EventBase):
    """A free-text journal entry."""

    kind: Literal["note"] = "note"
    text: str = Field(min_length=1)
    """The note."""


class StakeholderUpdate(EventBase):
    """A stakeholder update was sent."""

    kind: Literal["stakeholder_update"] = "stakeholder_update"
    audience: Literal["technical", "executive", "customer"]
    """Who it was for."""
    text: str
    """What was sent."""
    send_to: list[str] = Field(default=[])  # copied for each event (see FailedAgain)
    """The destinations (names in the delivery config) it is to be delivered to (``--send``);
    empty when it was only logged. Each attempt is a ``delivery_*`` event."""


class RoleAssigned(EventBase):
    """An incident role was (re)assigned."""

    kind: Literal["role_assigned"] = "role_assigned"
    role: str
    """incident_commander, communications_lead, scribe, ..."""
    person: str
    """Who holds it now."""


class WorkaroundRemoved(EventBase):
    """A workaround was taken out."""

    kind: Literal["workaround_removed"] = "workaround_removed"
    workaround: str
    """Its id."""


class Resolved(EventBase):
    """The incident was resolved."""

    kind: Literal["resolved"] = "resolved"
    accepted_workarounds: list[str] = Field(default=[])  # copied for each event (see FailedAgain)
    """Workarounds still open at resolution, each now an action item."""


class ReviewHeld(EventBase):
    """The post-incident review was held (the audit's readiness question 5 counts these)."""

    kind: Literal["review_held"] = "review_held"
    summary: str | None = None
    """Where the review lives, or its conclusion in a line."""


class Amended(EventBase):
    """A correction of what the incident's start recorded (a mistyped ``--detected`` would
    otherwise sit in MTTD for good). The journal stays append-only: the correction is an event."""

    kind: Literal["amended"] = "amended"
    detected: UtcDatetime | None = None
    """The corrected detection time, when it is corrected."""
    title: str | None = None
    """The corrected title, when it is corrected."""
    reason: str = Field(min_length=1)
    """Why (required)."""


class Voided(EventBase):
    """An earlier event is declared a mistake: the state, the report and the KPIs are computed as
    if it had not been recorded, and the journal keeps both it and this."""

    kind: Literal["voided"] = "voided"
    target: int
    """Sequence number of the event voided."""
    what: str
    """What the voided event said, for the record (``02:15 alice: db restored``)."""
    reason: str = Field(min_length=1)
    """Why (required)."""


class ExercisePlanned(EventBase):
    """An exercise's injection timeline, recorded at its start (docs/guide/exercises.md)."""

    kind: Literal["exercise_planned"] = "exercise_planned"
    injections: list[Injection]
    """The timeline, in file order."""
    source: str = ""
    """The injection file it was read from."""


class InjectionFired(EventBase):
    """An injection happened (at its time on the timeline, or now for a live one)."""

    kind: Literal["injection_fired"] = "injection_fired"
    injection: Injection
    """What happened."""
    live: bool = False
    """Injected by a facilitator during the drill, not from the timeline."""


Event = Annotated[
    IncidentStarted
    | TaskBegun
    | CheckPassed
    | CheckFailed
    | Verified
    | VerifyFailed
    | Restored
    | RunNotApplied
    | Bypassed
    | FailedAgain
    | Escalated
    | Note
    | StakeholderUpdate
    | RoleAssigned
    | WorkaroundRemoved
    | WorkaroundAmended
    | Resolved
    | ReviewHeld
    | Amended
    | Voided
    | DeliveryAttempted
    | Delivered
    | DeliveryFailed
    | ExercisePlanned
    | InjectionFired,
    Field(discriminator="kind"),
]
"""Any journal event."""

_ADAPTER: TypeAdapter[Event] | None = None


def event_adapter() -> TypeAdapter[Event]:
    """Validates and serialises any event by its ``kind`` (built on first use)."""
    global _ADAPTER  # noqa: PLW0603 - a lazily built module constant
    if _ADAPTER is None:
        _ADAPTER = TypeAdapter(Event)
    return _ADAPTER


def event_from_json(text: str) -> Event:
    """An event from its stored JSON: read directly when it is in the form the store writes (as
    validating it would give: :func:`models.event_reading.plain_event`), else validated, which
    says why a damaged event cannot be read."""
    from models.event_reading import plain_event  # only readers of the journal need it

    event = plain_event(text, _kinds) if _ADAPTER is None else None  # built: it reads faster
    return event if event is not None else event_adapter().validate_json(text)


@cache
def _kinds() -> dict[str, type[Event]]:
    return {member.model_fields["kind"].default: member for member in get_args(get_args(Event)[0])}


def event_to_json(event: Event) -> str:
    """The stored JSON of an event (its own model's schema only: no need to build the union)."""
    return event.model_dump_json()


__all__ = [
    "Amended",
    "Bypassed",
    "CheckFailed",
    "CheckPassed",
    "Delivered",
    "DeliveryAttempted",
    "DeliveryEvent",
    "DeliveryFailed",
    "Escalated",
    "Event",
    "EventBase",
    "ExercisePlanned",
    "FailedAgain",
    "IncidentStarted",
    "Injection",
    "InjectionFired",
    "Note",
    "Resolved",
    "Restored",
    "ReviewHeld",
    "RoleAssigned",
    "RunEvidence",
    "RunNotApplied",
    "StakeholderUpdate",
    "TaskBegun",
    "Verified",
    "VerifyFailed",
    "Voided",
    "WorkaroundAmended",
    "WorkaroundRemoved",
    "event_adapter",
    "event_from_json",
    "event_to_json",
]
