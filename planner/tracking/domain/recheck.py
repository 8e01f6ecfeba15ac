"""What a void must re-check: every later event that relied on the voided one.

A void changes the past: the rows are folded again without the voided event. Each later event
was recorded because its guard held then; if it no longer holds without the voided event (a
``restored`` whose verify is being voided, a check that passed on a dependency whose restoration
is voided), the rows would say what no guard allows. :func:`require_still_holds` refuses such a
void, naming the later event that relies on it, so the record can never be wrong. What a guard
requires before each event is :func:`unmet`; the journal is walked twice side by side (with the
voided event and without it) and only what held with it and fails without it counts, so an old
journal recorded under looser guards still takes voids of what nothing relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models import events as ev
from models.events import Event
from planner.tracking.domain.blockers import restore_blockers
from planner.tracking.domain.fold import apply, effective
from planner.tracking.domain.guards import RefusedError, hhmm
from planner.tracking.domain.state import (
    BYPASSED,
    DOWN,
    OPEN,
    PASSED,
    RESTORED,
    RESTORING,
    MemoryView,
    View,
)
from planner.tracking.domain.words import describe


def restored_dependents(view: View, service: str) -> list[str]:
    """The restored services that depend on ``service`` (directly or through other restored
    ones), nearest first: what its failure reopens."""
    reopened: list[str] = []
    seen = {service}
    frontier = [service]
    while frontier:
        nxt = []
        for node in frontier:
            for held in view.dependents(node):
                if held.service in seen:
                    continue
                seen.add(held.service)
                other = view.task(held.service)
                if other is not None and other.state == RESTORED:
                    reopened.append(held.service)
                    nxt.append(held.service)
        frontier = nxt
    return reopened


def unmet(view: MemoryView, event: Event) -> str | None:  # long: one case per kind of event
    """What the guard of ``event`` requires and ``view`` (the rows just before it) lacks, in
    words; None when the event could be recorded on these rows."""
    if isinstance(event, ev.ServiceEvent | ev.Resolved) and view.row.state != OPEN:
        return f"{view.row.id} was resolved"
    match event:
        case ev.TaskBegun() | ev.FailedAgain():
            task = view.task(event.service)
            if task is None:
                return None
            if isinstance(event, ev.TaskBegun) and task.state != DOWN:
                return f"{event.service} was {task.state}"
            if isinstance(event, ev.FailedAgain):
                if task.state == DOWN:
                    return f"{event.service} was down"
                missed = [s for s in restored_dependents(view, event.service) if s not in event.reopened]
                if missed:
                    return f"{', '.join(missed)} would stay restored on top of it"
        case ev.Verified() | ev.VerifyFailed():
            task = view.task(event.service)
            if task is not None and task.state != RESTORING:
                return f"{event.service} was {task.state}, not being restored"
        case ev.Restored():
            task = view.task(event.service)
            if task is not None:
                why = ["it was restored already"] if task.state == RESTORED else restore_blockers(view, task)
                return "; ".join(why) or None
        case ev.CheckPassed() | ev.CheckFailed() | ev.Bypassed():
            return _unmet_check(view, event)
        case ev.WorkaroundRemoved():
            wa = view.workaround(event.workaround)
            if wa is None:
                return f"{event.workaround} was never applied"
            if wa.removed is not None:
                return f"{event.workaround} was removed already"
            held = next((c for c in view.checks(wa.service) if c.dependency == wa.dependency), None)
            if view.row.state == OPEN and held is not None and held.state == BYPASSED:
                return f"the check of {wa.dependency} for {wa.service} was still bypassed"
        case ev.Resolved():
            left = [w.id for w in view.open_workarounds() if w.id not in event.accepted_workarounds]
            if left:
                return f"{', '.join(left)} would be open and not accepted"
    return None


def _unmet_check(view: MemoryView, event: ev.CheckPassed | ev.CheckFailed | ev.Bypassed) -> str | None:
    """What a check's result or a bypass requires and ``view`` lacks."""
    task = view.task(event.service)
    held = next((c for c in view.checks(event.service) if c.dependency == event.dependency), None)
    if task is None or held is None:
        return None
    passing = isinstance(event, ev.CheckPassed)
    if task.state == RESTORED and not (passing and held.state == BYPASSED):
        return f"{event.service} was restored"
    if passing:
        dep = view.task(event.dependency)
        if dep is not None and dep.state != RESTORED:
            return f"{event.dependency} was {dep.state}"
    if isinstance(event, ev.Bypassed):
        if held.state in {BYPASSED, PASSED}:
            return f"the check of {event.dependency} for {event.service} was {held.state} already"
        if event.workaround in view.wa_rows:
            return f"{event.workaround} existed already"
    return None


def require_still_holds(initial: Callable[[], MemoryView], journal: Sequence[Event]) -> MemoryView:
    """Refuse the void that ends ``journal`` (an incident's whole journal, its last event a
    ``voided``) if a later event relied on what it takes back; else the rows after it (the fold
    of the journal without the voided event). ``initial`` gives the incident's rows before any
    event (called twice: one walk with the voided event, one without).

    Raises
    ------
    RefusedError
        Naming the first later event whose guard no longer holds, and what it lacks.
    """
    void = journal[-1]
    assert isinstance(void, ev.Voided), "a journal being re-checked ends with its void"
    before = effective(journal[:-1])  # the journal as it counted until this void
    with_it, without = initial(), initial()
    relied: Event | None = None
    for event in before[1:]:
        if isinstance(event, ev.Voided):
            continue
        if event.seq == void.target:
            relied = event
            apply(with_it, event)
            continue
        if relied is not None:
            lacks = unmet(without, event)
            if lacks is not None and unmet(with_it, event) is None:
                raise RefusedError(
                    f"event #{void.target} ({hhmm(relied.at)} {relied.actor}: {describe(relied)}) cannot "
                    f"be taken back: the later #{event.seq} ({hhmm(event.at)} {event.actor}: "
                    f"{describe(event)}) relies on it (without it: {lacks}). Void #{event.seq} first, or "
                    "record what is true now (a service that is not working: `fail`)"
                )
        apply(with_it, event)
        apply(without, event)
    return without
