"""How the journal's events change an incident's rows: :func:`apply` one event, :func:`fold`
many. The store applies each event inside the action's transaction; a session folds the events
other terminals wrote; a rebuild folds the whole journal. All three therefore agree."""

from __future__ import annotations

from collections.abc import Iterable

from models import events as ev
from models.events import Event
from planner.tracking.state import (
    BYPASSED,
    DOWN,
    FAILED,
    PASSED,
    PENDING,
    RESOLVED,
    RESTORED,
    RESTORING,
    MemoryView,
    TaskRow,
    View,
    WorkaroundRow,
)


def apply(view: View, event: Event) -> None:  # long: one case per kind of event
    """Change the rows as ``event`` says. Guards ran before: this never refuses."""
    match event:
        case ev.StakeholderUpdate():
            row = view.incident()
            row.last_update = event.at
            row.updates += 1
            view.put_incident(row)
        case ev.RoleAssigned():
            row = view.incident()
            row.roles = {**row.roles, event.role: event.person}
            view.put_incident(row)
        case ev.Resolved():
            row = view.incident()
            row.state, row.resolved = RESOLVED, event.at
            view.put_incident(row)
        case ev.WorkaroundRemoved():
            wa = view.workaround(event.workaround)
            if wa is not None:
                wa.removed, wa.removed_by = event.at, event.actor
                view.put_workaround(wa)
                for check in view.checks(wa.service):  # nothing vouches for a bypassed check any more
                    if check.dependency == wa.dependency and check.state == BYPASSED:
                        check.state = PENDING
                        view.put_check(check)
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
                    view.put_check(check)
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
        case _:  # incident started, notes: nothing changes
            pass


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
        task.state, task.verified, task.begun = DOWN, False, None
        view.put_task(task)
        for check in view.dependents(service):
            check.state = PENDING
            view.put_check(check)
            dependent = view.task(check.service)
            if dependent is not None and dependent.verified and dependent.state != RESTORED:
                dependent.verified = False
                view.put_task(dependent)


def fold(initial: MemoryView, events: Iterable[Event]) -> MemoryView:
    """The state after ``events``, starting from the incident's initial rows."""
    for event in events:
        apply(initial, event)
    return initial
