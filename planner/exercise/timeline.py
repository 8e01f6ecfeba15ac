"""An exercise's injections on the incident's clock (docs/guide/exercises.md#how-injections-arrive).

The timeline is recorded when the drill starts (an ``exercise_planned`` event). An injection is
due once the drill's clock passes its time; whichever client sees it first (any ``planner
incident`` action or ``status``, the recovery screen's timer) records it as an
``injection_fired`` event dated at its time on the timeline. The check runs inside the store's
write transaction, so two clients never record one injection twice.

This module imports only the journal's models and the store: every ``planner incident`` action
on a drill runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.events import (
    CheckFailed,
    Escalated,
    Event,
    ExercisePlanned,
    FailedAgain,
    InjectionFired,
    Restored,
    StakeholderUpdate,
    TaskBegun,
)
from models.exercise import Injection
from planner.tracking.domain.fold import effective
from planner.tracking.domain.state import OPEN, View
from planner.tracking.persistence.store import Store

FACILITATOR = "exercise"
"""Who an injection from the timeline is recorded by (a live one is by the facilitator)."""


def planned(journal: Sequence[Event]) -> list[Injection]:
    """Every injection the drill's timeline holds, in file order."""
    return [i for e in journal if isinstance(e, ExercisePlanned) for i in e.injections]


def fired(journal: Sequence[Event]) -> list[InjectionFired]:
    """Every injection recorded so far, in journal order."""
    return [e for e in journal if isinstance(e, InjectionFired)]


def due(journal: Sequence[Event], started: datetime, now: datetime) -> list[Injection]:
    """The timeline's injections whose time has come by ``now`` and are not recorded yet."""
    done = {e.injection.id for e in fired(journal)}
    return [i for i in planned(journal) if i.id not in done and started + timedelta(seconds=i.after) <= now]


def fire_due(store: Store, incident: str, now: datetime) -> list[Event]:
    """Record the injections of ``incident`` due by ``now`` (none for a real incident, a resolved
    drill, or one without a timeline); returns the events recorded."""
    row = store.incident(incident)
    if row is None or not row.exercise or row.state != OPEN:
        return []
    if not due(store.events(incident), row.started, now):
        return []  # the common case reads without taking the write lock

    def decide(view: View) -> list[Event]:
        current = view.incident()
        if current.state != OPEN:
            return []
        return [
            InjectionFired(
                incident=incident,
                at=current.started + timedelta(seconds=i.after),
                actor=FACILITATOR,
                injection=i,
            )
            for i in due(store.events(incident), current.started, now)  # read again under the lock
        ]

    return store.act(incident, decide)


@dataclass(frozen=True)
class Answer:
    """One injection and the action it asked for."""

    fired: InjectionFired
    answered: datetime | None
    """When the action it asks for was recorded (None: never)."""
    moot: bool = False
    """It asked for nothing the team could do: "X fails again" came while X was still down (not
    begun since it went down), so there was no failure to record. Not counted in the score."""

    @property
    def delay(self) -> timedelta | None:
        """From the injection to the answer."""
        return None if self.answered is None else max(timedelta(0), self.answered - self.fired.at)


def answers(journal: Sequence[Event]) -> list[Answer]:
    """Each recorded injection with the first event, at or after it, that does what it asks: the
    check recorded failed, the service escalated or recorded failed again, the update sent. A
    ``fails_again`` that came while its service was still down is moot (:attr:`Answer.moot`)."""
    out = []
    for shot in fired(journal):
        i = shot.injection
        reply = next((e.at for e in journal if e.at >= shot.at and e.seq != shot.seq and _does(e, i)), None)
        moot = i.what == "fails_again" and i.service is not None and _still_down(journal, i.service, shot)
        out.append(Answer(shot, reply, moot))
    return out


def _still_down(journal: Sequence[Event], service: str, shot: InjectionFired) -> bool:
    """``service`` was down when ``shot`` came: never begun, or failed again and not begun since
    (a failure recorded at the very moment of the injection is its answer, not its past)."""
    down = True  # an injection names an impacted service: down when the drill starts
    for event in sorted(effective(journal), key=lambda e: (e.at, e.seq)):
        if event.at > shot.at:
            break
        if isinstance(event, TaskBegun | Restored) and event.service == service:
            down = False
        elif (
            isinstance(event, FailedAgain)
            and service in (event.service, *event.reopened)
            and event.at < shot.at
        ):
            down = True
    return down


def _does(event: Event, i: Injection) -> bool:
    match event:
        case CheckFailed():
            return i.what == "check_fails" and (event.service, event.dependency) == (i.service, i.dependency)
        case Escalated():
            return i.what == "no_answer" and event.service == i.service
        case FailedAgain():
            return i.what == "fails_again" and event.service == i.service
        case StakeholderUpdate():
            return i.what == "update_due" and event.audience == i.audience
    return False


def waiting_lines(journal: Sequence[Event], started: datetime) -> list[str]:
    """For ``incident status``: the injections not answered yet and what each asks for, and the
    timeline's next one (when it is due, not what it is: a drill keeps its surprises)."""
    from planner.style import visible
    from planner.tracking.domain.words import injection_words

    waiting = [a for a in answers(journal) if a.answered is None and not a.moot]
    lines = [f"\nInjections waiting for an answer ({len(waiting)}):"] if waiting else []
    for a in waiting:
        what, asks = injection_words(a.fired.injection)
        verb, _, rest = asks.partition(" ")
        command = f"planner incident {verb} {a.fired.incident} {rest}"
        said = f"  {a.fired.at:%H:%M} {a.fired.injection.id}: {what}; asks: {command}"
        lines.append(visible(said))
    done = {e.injection.id for e in fired(journal)}
    ahead = sorted(i.after for i in planned(journal) if i.id not in done)
    if ahead:
        next_at = started + timedelta(seconds=ahead[0])
        lines.append(f"Next injection due at {next_at:%H:%M} ({len(ahead)} to come)")
    return lines


def injections_json(journal: Sequence[Event], started: datetime) -> dict[str, object]:
    """For ``incident status --format json``: the recorded injections, each with what it asks
    and when it was acted on (None: waiting), and when the next one is due."""
    from planner.tracking.domain.words import injection_words

    done = {e.injection.id for e in fired(journal)}
    ahead = sorted(i.after for i in planned(journal) if i.id not in done)
    return {
        "recorded": [
            {
                "id": a.fired.injection.id,
                "what": a.fired.injection.what,
                "at": a.fired.at.isoformat(),
                "asks": injection_words(a.fired.injection)[1],
                "answered": None if a.answered is None else a.answered.isoformat(),
                "moot": a.moot,
            }
            for a in answers(journal)
        ],
        "next_due": None if not ahead else (started + timedelta(seconds=ahead[0])).isoformat(),
        "to_come": len(ahead),
    }
