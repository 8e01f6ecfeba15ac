"""How the journal's events change an incident's rows: :func:`apply` one event, :func:`fold`
many. The store applies each event inside the action's transaction; a session folds the events
other terminals wrote; a rebuild folds the whole journal. All three therefore agree."""

from __future__ import annotations

from collections.abc import Iterable

from models import events as ev
from models.events import Event
from planner.tracking.domain.state import (
    BYPASSED,
    DOWN,
    FAILED,
    PASSED,
    PENDING,
    RESOLVED,
    RESTORED,
    RESTORING,
    IncidentRow,
    MemoryView,
    TaskRow,
    View,
    WorkaroundRow,
)
from planner.tracking.domain.words import evidence


def apply(view: View, event: Event) -> None:  # long: one case per kind of event
    """Change the rows as ``event`` says. Guards ran before: this never refuses."""
    match event:
        case ev.StakeholderUpdate() | ev.RoleAssigned() | ev.Amended() | ev.Resolved():
            view.put_incident(_incident_changed(view.incident(), event))
        case ev.WorkaroundRemoved():
            wa = view.workaround(event.workaround)
            if wa is not None:
                wa.removed, wa.removed_by = event.at, event.actor
                view.put_workaround(wa)
                for check in view.checks(wa.service):  # nothing vouches for a bypassed check any more
                    if check.dependency == wa.dependency and check.state == BYPASSED:
                        check.state, check.observed = PENDING, None
                        view.put_check(check)
        case ev.WorkaroundAmended():
            wa = view.workaround(event.workaround)
            if wa is not None:
                wa.expires = event.expires or wa.expires
                wa.reason = event.reason_text or wa.reason
                view.put_workaround(wa)
        case ev.FailedAgain():
            task = view.task(event.service)
            if task is not None:
                _reopen(view, task, [event.service, *event.reopened])
        case ev.CheckPassed() | ev.CheckFailed() | ev.Bypassed():
            state = PASSED if isinstance(event, ev.CheckPassed) else FAILED
            if isinstance(event, ev.Bypassed):
                state = BYPASSED
                view.put_workaround(
                    WorkaroundRow(
                        id=event.workaround,
                        incident=event.incident,
                        service=event.service,
                        dependency=event.dependency,
                        reason=event.reason,
                        actor=event.actor,
                        applied=event.at,
                        expires=event.expires,
                        owner=event.owner,
                    )
                )
            for check in view.checks(event.service):
                if check.dependency == event.dependency:
                    check.state = state
                    check.observed = (
                        None if isinstance(event, ev.Bypassed) else evidence(event.run, event.observed)
                    )
                    view.put_check(check)
        case ev.VerifyFailed():
            task = view.task(event.service)
            if task is not None and task.verified:
                task.verified = False
                view.put_task(task)
        case ev.TaskBegun() | ev.Verified() | ev.Restored() | ev.Escalated():
            task = view.task(event.service)
            if task is None:
                return
            if isinstance(event, ev.TaskBegun):
                task.state, task.begun = RESTORING, event.at
            elif isinstance(event, ev.Verified):
                task.verified = True
            elif isinstance(event, ev.Restored):
                task.state, task.restored = RESTORED, event.at
            else:
                task.escalations += 1
            view.put_task(task)
        case _:  # incident started, notes, a run not applied: nothing changes; a void is a rebuild
            pass


def _incident_changed(
    row: IncidentRow, event: ev.StakeholderUpdate | ev.RoleAssigned | ev.Amended | ev.Resolved
) -> IncidentRow:
    """The incident row after an event about the incident as a whole."""
    match event:
        case ev.StakeholderUpdate():
            row.last_update = event.at
            row.updates += 1
        case ev.RoleAssigned():
            row.roles = {**row.roles, event.role: event.person}
        case ev.Amended():
            row.detected = event.detected or row.detected
            row.title = event.title or row.title
        case ev.Resolved():
            row.state, row.resolved = RESOLVED, event.at
    return row


def _reopen(view: View, failed: TaskRow, down: Iterable[str]) -> None:
    """``failed`` is down again, and so is every restored dependent named in ``down``: each goes
    back to ``down`` with its own verify to confirm again, and every check held on any of them
    goes back to ``pending``."""
    for service in down:
        task = failed if service == failed.service else view.task(service)
        if task is None:
            continue
        if task.state == RESTORED:
            task.reopened += 1
        task.state, task.verified, task.begun, task.restored = DOWN, False, None, None
        view.put_task(task)
        for check in view.dependents(service):
            check.state, check.observed = PENDING, None
            view.put_check(check)
            dependent = view.task(check.service)
            if dependent is not None and dependent.verified and dependent.state != RESTORED:
                dependent.verified = False
                view.put_task(dependent)


def voided_seqs(events: Iterable[Event]) -> frozenset[int]:
    """The sequence numbers of the events a ``voided`` among ``events`` names."""
    return frozenset(e.target for e in events if isinstance(e, ev.Voided))


def effective(events: Iterable[Event]) -> list[Event]:
    """The journal as it counts: every event but those a later ``voided`` names. A void changes
    the past, so no single step applies it: the rows are folded again from these (the store does
    it in the voiding transaction, a session reloads)."""
    events = list(events)
    voided = voided_seqs(events)
    return [e for e in events if e.seq not in voided] if voided else events


def fold(initial: MemoryView, events: Iterable[Event]) -> MemoryView:
    """The state after ``events`` (voided ones left out), from the incident's initial rows."""
    for event in effective(events):
        apply(initial, event)
    return initial
