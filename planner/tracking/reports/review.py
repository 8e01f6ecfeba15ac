"""The post-incident review (``planner report``): what happened, measured, and the questions a
review must answer. It is computed from the journal and the incident rows only, so it can be
written months later, after the plan file has changed. :mod:`planner.tracking.reports.review_text`
writes it as Markdown and JSON; :mod:`planner.tracking.reports.kpi` computes the KPIs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from models.duration import clock, format_duration
from models.events import (
    Bypassed,
    CheckFailed,
    Escalated,
    Event,
    FailedAgain,
    IncidentStarted,
    Note,
    Restored,
    StakeholderUpdate,
    TaskBegun,
)
from planner.style import visible
from planner.tracking.domain.moments import moment
from planner.tracking.domain.state import RESTORED, MemoryView
from planner.tracking.domain.words import describe
from planner.tracking.reports.component_review import ComponentOutcome, component_outcomes

if TYPE_CHECKING:
    from models.plan import Plan

ESTIMATE_TOLERANCE = 0.25
"""Estimate vs actual: suggest a plan edit when they differ by more than this share ..."""
ESTIMATE_MIN_GAP = timedelta(minutes=5)
"""... and by more than this much."""
HELPFUL_WORDS = ("alert", "page", "paged", "monitor", "dashboard", "alarm")


def _plan_duration(seconds: float) -> str:
    """A measured time as a plan writes durations, in whole minutes (at least one)."""
    return format_duration(timedelta(minutes=max(1, round(seconds / 60))))


@dataclass
class ServiceOutcome:
    """One service's recovery, measured."""

    service: str
    owner: str | None
    rto: timedelta | None
    restored: datetime | None
    """Final restoration (None: never restored)."""
    downtime: timedelta | None
    """From the incident's start to the final restoration."""
    reopened: int
    estimate: timedelta
    actual: timedelta | None
    """From the last time work began to the final restoration."""
    waited: timedelta | None
    """From the moment its dependencies were first all restored to the moment work first began."""
    met: bool | None
    suggestion: str | None = None


@dataclass
class Review:
    """Everything the post-incident review shows."""

    state: MemoryView
    journal: list[Event]
    outcomes: list[ServiceOutcome]
    gaps: list[tuple[datetime, datetime]]
    """Intervals between stakeholder updates longer than the cadence."""
    questions: list[tuple[str, list[str]]] = field(default_factory=list)
    now: datetime | None = None
    """When the review is drawn: a workaround still open past its expiry then is EXPIRED (None:
    nothing is said of expiry)."""
    components: list[ComponentOutcome] = field(default_factory=list)
    """What the incident did to each of the plan's components (none: the plan declares none)."""

    @property
    def started(self) -> IncidentStarted:
        """The first event."""
        first = self.journal[0]
        assert isinstance(first, IncidentStarted)
        return first


def review(
    state: MemoryView, journal: Sequence[Event], now: datetime | None = None, plan: Plan | None = None
) -> Review:
    """Measure an incident from its journal (``now``: when the review is drawn; ``plan``: the
    incident's plan, for its components)."""
    events = sorted(journal, key=lambda e: (e.at, e.seq))
    started = state.row.rto_clock  # downtime and RTOs run from the detection when recorded
    failed = set(events[0].failed) if isinstance(events[0], IncidentStarted) else set()
    last_begun: dict[str, datetime] = {}
    first_begun: dict[str, datetime] = {}
    final_begun: dict[str, datetime] = {}
    first_restored: dict[str, datetime] = {}
    for event in events:
        if isinstance(event, TaskBegun):
            last_begun[event.service] = event.at
            first_begun.setdefault(event.service, event.at)
        elif isinstance(event, Restored):
            final_begun[event.service] = last_begun.get(event.service, event.at)
            first_restored.setdefault(event.service, event.at)
    outcomes = []
    for task in state.tasks.values():
        done = task.restored if task.state == RESTORED else None
        rto = None if task.rto is None else timedelta(seconds=task.rto)
        actual = None if done is None else done - final_begun.get(task.service, done)
        begun = first_begun.get(task.service)
        waited = None
        if begun is not None:  # how long it waited for its dependencies (most tasks never began)
            firsts = (first_restored.get(c.dependency) for c in state.checks(task.service))
            ready = max((t for t in firsts if t is not None), default=started)
            waited = max(timedelta(0), begun - ready)
        outcome = ServiceOutcome(
            service=task.service,
            owner=task.owner,
            rto=rto,
            restored=done,
            downtime=None if done is None else done - started,
            reopened=task.reopened,
            estimate=timedelta(seconds=task.duration),
            actual=actual,
            waited=waited,
            met=None if rto is None or done is None else done - started <= rto,
        )
        if actual is not None:
            gap = abs(actual - outcome.estimate)
            if gap > ESTIMATE_MIN_GAP and gap > outcome.estimate * ESTIMATE_TOLERANCE:
                key = "restore_time" if task.service in failed else "restart_time"
                outcome.suggestion = (
                    f"{task.service}: {key}: {_plan_duration(actual.total_seconds())}   # was "
                    f"{_plan_duration(task.duration) if task.duration else 'not set'}, "
                    f"measured in {state.row.id}"
                )
        outcomes.append(outcome)
    gaps = _update_gaps(state, events)
    result = Review(state, list(journal), outcomes, gaps, now=now)
    result.components = [] if plan is None else component_outcomes(plan, state)
    result.questions = _questions(result)
    return result


def _update_gaps(state: MemoryView, events: Sequence[Event]) -> list[tuple[datetime, datetime]]:
    cadence = timedelta(seconds=state.info.update_cadence)
    marks = [state.row.started] + [e.at for e in events if isinstance(e, StakeholderUpdate)]
    end = state.row.resolved
    if end is not None:
        marks = [m for m in marks if m <= end] + [end]
    return [(a, b) for a, b in pairwise(marks) if b - a > cadence]


def _questions(r: Review) -> list[tuple[str, list[str]]]:  # long: the review's questions, one after another
    events = r.journal
    slow = sorted((o for o in r.outcomes if o.waited), key=lambda o: o.waited or timedelta(0), reverse=True)
    decisions = [
        f"{o.service} waited {clock(o.waited)} after its dependencies were back before work began"
        for o in slow[:5]
        if o.waited and o.waited >= timedelta(minutes=1)
    ]
    decisions += [
        f"{describe(e)} at {moment(e.at, r.state.row.started)} by {e.actor}"
        for e in events
        if isinstance(e, Bypassed | FailedAgain)
    ]
    row = r.state.row
    alerts = []
    if row.detected is not None:
        alerts.append(f"detected {clock(row.started - row.detected)} before the incident was declared")
    else:
        alerts.append("detection time not recorded (start incidents with --detected)")
    alerts += [
        f"{moment(e.at, r.state.row.started)} {e.actor}: {visible(e.text)}"
        for e in events
        if isinstance(e, Note) and any(w in e.text.lower() for w in HELPFUL_WORDS)
    ]
    info: dict[str, list[str]] = defaultdict(list)
    for e in events:
        if isinstance(e, CheckFailed):
            info[r.state.tasks[e.service].owner or "(no owner)"].append(
                f"check of {e.dependency} for {e.service} failed"
            )
        elif isinstance(e, Escalated):
            info[r.state.tasks[e.service].owner or "(no owner)"].append(
                f"escalated {e.service} to {e.person}"
            )
    for task in r.state.tasks.values():
        if task.owner is None:
            info["(no owner)"].append(f"{task.service} has no owner team")
        if task.verify is None:
            info[task.owner or "(no owner)"].append(f"{task.service} has no verify command")
    teams = [
        f"{team}: {'; '.join(items[:4])}" + (f" (+{len(items) - 4})" if len(items) > 4 else "")
        for team, items in sorted(info.items())
    ]
    prevent = [
        f"remove workaround {w.id} ({w.service} without the check of {w.dependency}), "
        f"owner {w.owner or 'none'}"
        for w in r.state.open_workarounds()
    ]
    prevent += [
        f"{o.service} was reopened {o.reopened} time(s): harden what it depends on"
        for o in r.outcomes
        if o.reopened
    ]
    prevent += [
        f"{o.service} missed its RTO by {clock((o.downtime or timedelta(0)) - (o.rto or timedelta(0)))}"
        for o in r.outcomes
        if o.met is False
    ]
    return [
        ("Which decisions slowed recovery?", decisions or ["nothing in the journal points to one"]),
        ("Which alerts helped?", alerts),
        (
            "Which teams lacked information?",
            teams or ["no failed checks, escalations or missing commands recorded"],
        ),
        (
            "What action prevents recurrence?",
            prevent or ["no open workaround, reopening or RTO miss recorded"],
        ),
    ]
