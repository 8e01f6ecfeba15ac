"""Corrections: the journal is append-only, so a mistake is corrected by a new event that says
so. ``amend`` fixes what the start recorded (the detection time, the title); ``void`` declares an
earlier event a mistake, and the store folds the incident's rows again without it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.events import Amended, Bypassed, Event, IncidentStarted, Resolved, Voided, WorkaroundAmended
from planner.errors import UsageError
from planner.style import possessive
from planner.tracking.domain.actions import Action
from planner.tracking.domain.fold import voided_seqs
from planner.tracking.domain.guards import RefusedError, require_started
from planner.tracking.domain.state import View
from planner.tracking.domain.words import describe

UNVOIDABLE: dict[type, str] = {
    IncidentStarted: "an incident's start cannot be voided: start a new incident (an exercise if it was one)",
    Bypassed: (
        "a bypass is never voided: every bypass stays on the record until its workaround is removed "
        "(planner incident remove-workaround); a wrong expiry or reason is corrected with planner "
        "incident amend-workaround"
    ),
    Voided: "a void cannot be voided: record the event again instead",
}
"""Events a void may not take back, and why."""


def _reason(reason: str) -> str:
    if not reason.strip():
        raise UsageError("a correction needs a reason (--reason)")
    return reason.strip()


@dataclass(frozen=True)
class Amend(Action):
    """Correct the detection time or the title recorded at the start."""

    reason: str
    detected: datetime | None = None
    title: str | None = None

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        row = require_started(view, at)
        reason = _reason(self.reason)
        if self.detected is None and not (self.title and self.title.strip()):
            raise UsageError("say what to correct: --detected TIME and/or --title TEXT")
        if self.detected is not None and self.detected > row.started:
            raise UsageError(
                f"--detected {self.detected:%Y-%m-%d %H:%M} is after {row.id} was declared "
                f"({row.started:%Y-%m-%d %H:%M}); detection comes first"
            )
        title = self.title.strip() if self.title else None
        return [
            Amended(incident=row.id, at=at, actor=actor, detected=self.detected, title=title, reason=reason)
        ]


@dataclass(frozen=True)
class AmendWorkaround(Action):
    """Correct a bypass's workaround: its expiry (``expires`` after it was applied, as the bypass's
    own expiry counts) or its reason. The bypass stays on the record; the correction is an event."""

    wid: str
    reason: str
    expires: timedelta | None = None
    reason_text: str | None = None

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        row = require_started(view, at)
        why = _reason(self.reason)
        wa = view.workaround(self.wid)
        if wa is None:
            raise UsageError(f"{self.wid} is not a workaround of {row.id}")
        if wa.removed is not None:
            raise RefusedError(f"{self.wid} was removed ({wa.removed:%Y-%m-%d %H:%M} by {wa.removed_by})")
        text = self.reason_text.strip() if self.reason_text else None
        if self.expires is None and not text:
            raise UsageError("say what to correct: --expires DURATION and/or --bypass-reason TEXT")
        if self.expires is not None and self.expires <= timedelta(0):
            raise UsageError("--expires must be a positive duration (after the bypass was applied)")
        expires = None if self.expires is None else wa.applied + self.expires
        return [
            WorkaroundAmended(
                incident=row.id,
                at=at,
                actor=actor,
                workaround=self.wid,
                expires=expires,
                reason_text=text,
                reason=why,
            )
        ]


@dataclass(frozen=True)
class Void(Action):
    """Declare ``target`` (an event of this incident, read from the journal by the caller) a
    mistake; ``voided`` is every event already voided."""

    target: Event
    reason: str
    voided: frozenset[int] = frozenset()

    def decide(self, view: View, actor: str, at: datetime) -> list[Event]:
        row = require_started(view, at)
        reason = _reason(self.reason)
        target = self.target
        if target.incident != row.id:
            raise UsageError(f"event #{target.seq} belongs to {target.incident}, not {row.id}")
        why = UNVOIDABLE.get(type(target))
        if why is not None:
            raise RefusedError(why)
        if target.seq in self.voided:
            raise RefusedError(f"event #{target.seq} is already voided")
        what = f"{target.at:%H:%M} {target.actor}: {describe(target)}"
        return [Voided(incident=row.id, at=at, actor=actor, target=target.seq, what=what, reason=reason)]


def void(journal: Sequence[Event], seq: int, reason: str) -> Void:
    """The void of event ``seq`` of ``journal`` (an incident's whole journal, never empty).

    Raises
    ------
    UsageError
        When the journal has no such event.
    """
    found = next((e for e in journal if e.seq == seq), None)
    if found is None:  # a journal is never empty: it starts with the incident's start
        first, last = journal[0], journal[-1]
        raise UsageError(f"{first.incident} has no event #{seq} (its events are #{first.seq}-#{last.seq})")
    return Void(found, reason, voided_seqs(journal))


UNDO_WINDOW = timedelta(minutes=10)
"""How long after an action its author may take it back with ``undo`` (later: ``void``)."""


def undo(journal: Sequence[Event], actor: str, now: datetime) -> Void:
    """The void of ``actor``'s latest event still standing, if recorded within
    :data:`UNDO_WINDOW` of ``now``: a slip (a wrong ``begin``, ``verify``) taken back as a
    correction, not recorded as a failure (which would count as a reopen in the KPIs).

    Raises
    ------
    UsageError
        When there is nothing of ``actor``'s to take back.
    """
    voided = voided_seqs(journal)
    mine = [e for e in journal if e.actor == actor and e.seq not in voided and not isinstance(e, Voided)]
    if not mine or now - mine[-1].at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        raise UsageError(
            f"nothing of {possessive(actor)} to undo in the last {minutes} minutes "
            "(planner incident void takes "
            "back any event, with a reason)"
        )
    return Void(mine[-1], f"undone by {actor} (a slip)", voided)


def reopen(journal: Sequence[Event], reason: str) -> Void:
    """The void of the incident's resolution: it is open again, as if never resolved.

    Raises
    ------
    UsageError
        When the incident is not resolved.
    """
    voided = voided_seqs(journal)
    resolved = [e for e in journal if isinstance(e, Resolved) and e.seq not in voided]
    if not resolved:
        raise UsageError("the incident is not resolved: nothing to reopen")
    return Void(resolved[-1], f"reopened: {_reason(reason)}", voided)
