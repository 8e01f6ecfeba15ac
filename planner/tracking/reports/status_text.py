"""An incident's status for people (text, Markdown), drawn from its state and projection (for
machines: :mod:`planner.tracking.reports.status_json`; update drafts:
:mod:`planner.tracking.reports.drafting`)."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from models.duration import clock
from planner import markdown
from planner.style import Style, plain, visible
from planner.tracking.domain.components import ComponentView
from planner.tracking.domain.moments import moment
from planner.tracking.domain.state import (
    BYPASSED,
    CONFIRMED,
    DOWN,
    RESTORED,
    RESTORING,
    CheckRow,
    MemoryView,
    TaskRow,
)
from planner.tracking.domain.words import describe
from planner.tracking.reports.component_text import component_lines, component_markdown
from planner.tracking.reports.progress import NO_ETA, Projection, next_update_due
from planner.tracking.reports.workaround_text import (
    evidence_lines,
    plan_workaround_lines,
    workaround_lines,
)

if TYPE_CHECKING:
    from models.events import Event


def state_word(task: TaskRow) -> str:
    """down / restoring / restored, and reopened for a service that went down again."""
    if task.state == DOWN and task.reopened:
        return "reopened"
    return task.state


def rto_left(state: MemoryView, task: TaskRow, now: datetime) -> timedelta | None:
    """Time left until the RTO (negative: late by that much); for a restored service, the
    margin it was restored with."""
    return rto_time_left(state.row.rto_clock, task, now)


def rto_time_left(rto_clock: datetime, task: TaskRow, now: datetime) -> timedelta | None:
    """:func:`rto_left`, given the incident's :attr:`~IncidentRow.rto_clock` (read once by a
    caller asking of every task)."""
    if task.rto is None:
        return None
    deadline = rto_clock + timedelta(seconds=task.rto)
    end = task.restored if task.state == RESTORED and task.restored else now
    return deadline - end


def rto_times_left(state: MemoryView, now: datetime) -> list[timedelta | None]:
    """:func:`rto_left` of every task, in wave order, each distinct one worked out once (tasks
    share a few RTOs, and every task not restored ends at ``now``)."""
    rto_clock = state.row.rto_clock
    known: dict[tuple[int | None, datetime], timedelta | None] = {}
    out = []
    for task in state.tasks.values():
        end = task.restored if task.state == RESTORED and task.restored else now
        key = (task.rto, end)
        if key not in known:
            known[key] = rto_time_left(rto_clock, task, now)
        out.append(known[key])
    return out


def rto_cell(state: MemoryView, task: TaskRow, now: datetime) -> str:
    """The RTO column of a task: the time left (``25m``); ``LATE 30m`` when it is past its RTO
    and not restored; ``missed 15m`` when it was restored that much after it; ``-`` without one."""
    return _cell(task, rto_left(state, task, now))


def _cell(task: TaskRow, left: timedelta | None) -> str:
    if left is None:
        return "-"
    if left >= timedelta(0):
        return clock(left)
    return f"{'missed' if task.state == RESTORED else 'LATE'} {clock(-left)}"


def rto_status(state: MemoryView, task: TaskRow, projection: Projection, now: datetime) -> str | None:
    """``late`` (past its RTO, not restored), ``missed`` (restored after it), ``at risk``
    (projected to miss it), ``met`` (restored within it), ``on track``; None without an RTO."""
    if rto_left(state, task, now) is None:
        return None
    for word, services in _rto_lists(projection):
        if task.service in services:
            return word
    return _unmarked(task)


def rto_word(task: TaskRow, marks: Mapping[str, str]) -> str:
    """:func:`rto_status` of a task with an RTO, from :func:`rto_marks` of the projection (a
    caller asking of every task reads the projection's lists once, not once per task)."""
    return marks.get(task.service) or _unmarked(task)


def rto_marks(projection: Projection) -> dict[str, str]:
    """The projection's RTO words by task: ``late``, else ``missed``, else ``at risk``.

    Examples
    --------
    >>> from datetime import UTC
    >>> p = Projection(datetime(2026, 1, 1, tzinfo=UTC), {}, None, ["a", "b"], ["b", "c"], ["c"])
    >>> rto_marks(p)
    {'a': 'at risk', 'b': 'missed', 'c': 'late'}
    """
    marks: dict[str, str] = {}
    for word, services in reversed(_rto_lists(projection)):  # the first list's word wins
        marks.update(dict.fromkeys(services, word))
    return marks


def _rto_lists(projection: Projection) -> tuple[tuple[str, list[str]], ...]:
    """Each RTO word and the projection's tasks it is said of, the one said first first."""
    return (("late", projection.late), ("missed", projection.missed), ("at risk", projection.at_risk))


def _unmarked(task: TaskRow) -> str:
    return "met" if task.state == RESTORED else "on track"


def rto_summary(projection: Projection) -> str | None:
    """``RTO missed: 3 (2 still down: late), at risk: 1``; ``RTO at risk: 2`` when none was
    missed; None when every RTO is on track."""
    risk, missed, late = len(projection.at_risk), len(projection.missed), len(projection.late)
    if not missed:
        return f"RTO at risk: {risk}" if risk else None
    down = f" ({late} still down: late)" if late else ""
    return f"RTO missed: {missed}{down}, at risk: {risk}"


def blocked_by(state: MemoryView, service: str, shown: int = 3) -> str:
    """The impacted dependencies not restored yet: ``a, b, c +2``."""
    return _first(state.blockers(service), shown)


def _first(blockers: list[str], shown: int = 3) -> str:
    more = len(blockers) - shown
    return ", ".join(blockers[:shown]) + (f" +{more}" if more > 0 else "")


def next_step(state: MemoryView, task: TaskRow) -> str:
    """What holds a task back, or the step left: the dependencies not restored (``a, b +2``), a
    failed or pending check, READY (to begin), verify, declare restored; empty once restored."""
    if task.state == RESTORED:
        return ""
    return _step(task, state.checks(task.service), state.blockers(task.service))


def _step(task: TaskRow, checks: list[CheckRow], blockers: list[str]) -> str:
    """:func:`next_step` of a task not restored, from its checks and its blockers."""
    blocked = _first(blockers)
    if blocked:
        return blocked
    failed = [c.dependency for c in checks if c.state == "failed"]
    pending = [c.dependency for c in checks if c.state not in CONFIRMED]
    if failed:
        return "check FAILED: " + ", ".join(failed)
    if pending:
        return "check " + ", ".join(pending)
    if task.state == DOWN:
        return "READY"
    return "declare restored" if task.verified else "verify"


def checks_summary(state: MemoryView, service: str) -> str:
    """``passed/total``, with ``!`` per bypassed check."""
    return _summary(state.checks(service))


def _summary(checks: list[CheckRow]) -> str:
    if not checks:
        return "-"
    done = bypassed = 0
    for c in checks:
        if c.state in CONFIRMED:
            done += 1
            bypassed += c.state == BYPASSED
    return f"{done}/{len(checks)}" + ("!" * bypassed)


def header_lines(
    state: MemoryView, projection: Projection, now: datetime, style: Style = plain, *, odds: str = ""
) -> list[str]:
    """The lines above the task table (and the update's facts); ``odds``: the live forecast's line."""
    row = state.row
    counts = state.counts()
    total = len(state.tasks)
    kind = "EXERCISE" if row.exercise else "INCIDENT"
    lines = [style(f"{kind} {row.id}: {row.title}", "bold")]
    if row.resolved:
        lines.append(f"resolved {row.resolved:%Y-%m-%d %H:%M} UTC after {clock(row.resolved - row.started)}")
    else:
        lines.append(f"started {row.started:%Y-%m-%d %H:%M} UTC, {clock(now - row.started)} ago")
    if row.detected is not None and row.detected < row.started:  # the RTOs and MTTD run from it
        lines.append(
            f"detected {row.detected:%Y-%m-%d %H:%M} UTC, {clock(row.started - row.detected)} before it was "
            "declared (RTOs run from the detection)"
        )
    lines.append(
        f"progress: {counts[RESTORED]}/{total} restored, {counts[RESTORING]} restoring, {counts[DOWN]} down"
    )
    if row.state == "open":
        due = next_update_due(state.row, state.info.update_cadence)
        text = f"next stakeholder update due {moment(due, now)} UTC (in {clock(due - now)})"
        if due < now:
            text = style(
                f"stakeholder update OVERDUE by {clock(now - due)} (was due {moment(due, now)} UTC)", "bold"
            )
        lines.append(text)
        if counts[RESTORED] == total:
            lines.append("every impacted service is restored: resolve when the workarounds are settled")
        else:
            eta = projection.eta
            lines.append(
                f"projected finish {moment(eta, now)} UTC (in {clock(eta - now)})"
                if eta
                else f"projected finish: past the year 9999 ({NO_ETA})"
            )
            if odds:
                lines.append(odds)
    rto = rto_summary(projection)
    if rto:
        lines.append(style(rto, "error"))
    roles = ", ".join(f"{name}: {state.info.person(pid).name}" for name, pid in sorted(row.roles.items()))
    lines.append(f"roles: {roles or 'none assigned'}")
    return lines


def blocked_or_ready(
    state: str, checks: Sequence[CheckRow], restored: Container[str]
) -> tuple[list[str], bool]:
    """:func:`~planner.tracking.domain.state.task_blockers` and
    :func:`~planner.tracking.domain.state.task_ready` of a task in ``state`` with ``checks``,
    given the tasks ``restored`` (a set: a status asks this of all 10,000 tasks).

    Examples
    --------
    >>> from planner.tracking.domain.state import DOWN, PASSED
    >>> db = CheckRow("api", "db", None, PASSED)
    >>> blocked_or_ready(DOWN, [db], {"db"}), blocked_or_ready(DOWN, [db], set())
    (([], True), (['db'], False))
    """
    blockers = []
    for c in checks:
        if c.dependency not in restored:
            blockers.append(c.dependency)
    return blockers, not blockers and state != RESTORED and all(c.state in CONFIRMED for c in checks)


def task_lines(state: MemoryView, now: datetime, style: Style = plain) -> list[str]:
    """The task table in wave order.

    One pass over the tasks with what every row asks for at hand (a status has 10,000 rows):
    each task's checks read once, its dependencies' states from one mapping, and the RTO cell
    worked out once per distinct time left (tasks share a few RTOs)."""
    tasks = state.tasks
    width = max((len(s) for s in tasks), default=7)
    width = min(max(width, 7), 40)
    lefts = list(zip(tasks.values(), rto_times_left(state, now), strict=True))
    said: dict[tuple[timedelta | None, bool], str] = {}
    cells = []
    for task, left in lefts:
        key = (left, task.state == RESTORED)
        cell = said.get(key)
        if cell is None:
            cell = said[key] = _cell(task, left)
        cells.append(cell)
    rto_w = max(9, *map(len, cells))
    out = [
        f"{'wave':>4}  {'service':<{width}}  {'owner':<14} {'state':<9} {'checks':<7} {'RTO left':>{rto_w}}  "
        "blocked by"
    ]
    zero = timedelta(0)
    restored_ones = {service for service, task in tasks.items() if task.state == RESTORED}
    checks_of = state.checks
    for (task, left), rto in zip(lefts, cells, strict=True):
        checks = checks_of(task.service)
        restored = task.state == RESTORED
        if restored:
            ready, step = False, ""
        else:
            blockers, ready = blocked_or_ready(task.state, checks, restored_ones)
            step = _first(blockers) if blockers else _step(task, checks, blockers)
        line = (
            f"{task.wave:>4}  {task.service[:width]:<{width}}  {(task.owner or '(none)')[:14]:<14} "
            f"{state_word(task):<9} {_summary(checks):<7} {rto:>{rto_w}}  {step}"
        )
        if left is not None and left < zero and not restored:
            line = style(line, "error")
        elif restored:
            line = style(line, "success")
        elif ready:
            line = style(line, "bold")
        out.append(line)
    return out


def journal_line(event: Event, today: datetime | None = None) -> str:
    """``#12 03:10 alice: began restoring db-primary`` (with the date when ``today`` is given and
    the event was on another day)."""
    at = f"{event.at:%H:%M}" if today is None else moment(event.at, today)
    return f"#{event.seq} {at} {event.actor}: {describe(event)}"


def status_text(
    state: MemoryView,
    journal: Sequence[Event],
    projection: Projection,
    now: datetime,
    style: Style = plain,
    *,
    components: Sequence[ComponentView] = (),
    odds: str = "",
) -> str:
    """The whole status for a terminal (``components``: the plan's, derived for this incident;
    ``odds``: the live forecast's line, under the ETA)."""
    lines = header_lines(state, projection, now, style, odds=odds)
    if components:
        lines += ["", *component_lines(components, now, style)]
    lines += ["", *task_lines(state, now, style)]
    seen = evidence_lines(state)
    if seen:
        lines += ["", "What the checks showed:", *(visible(line) for line in seen)]
    was = workaround_lines(state, now)
    if was:
        lines += ["", style(f"Open workarounds ({len(was)}):", "warning"), *(f"  {w}" for w in was)]
    planned = plan_workaround_lines(state, now)
    if planned:
        head = f"Open workarounds from the plan, on services of this incident ({len(planned)}):"
        lines += ["", style(head, "warning"), *(f"  {w}" for w in planned)]
    lines += ["", "Latest events:", *(f"  {journal_line(e, now)}" for e in reversed(journal[-10:]))]
    return "\n".join(lines) + "\n"


def status_markdown(
    state: MemoryView,
    journal: Sequence[Event],
    projection: Projection,
    now: datetime,
    components: Sequence[ComponentView] = (),
) -> str:
    """The status as a Markdown document (for a ticket or a chat channel)."""
    head = header_lines(state, projection, now)
    lines = [f"# {head[0]}", "", *(f"- {line}" for line in head[1:]), ""]
    if components:
        lines += [*component_markdown(components, now), ""]
    lines += [
        "| wave | service | owner | state | checks | RTO left | blocked by |",
        "|---|---|---|---|---|---|---|",
    ]
    for task in state.tasks.values():
        lines.append(
            f"| {task.wave} | {task.service} | {task.owner or '(none)'} | {state_word(task)} | "
            f"{checks_summary(state, task.service)} | {rto_cell(state, task, now)} | "
            f"{', '.join(state.blockers(task.service)) or ('ready' if state.ready(task.service) else '')} |"
        )
    seen = evidence_lines(state)
    if seen:
        lines += ["", "## What the checks showed", "", *(f"- {markdown.text(line.strip())}" for line in seen)]
    was = workaround_lines(state, now)
    if was:
        lines += ["", "## Open workarounds", "", *(f"- {w}" for w in was)]
    planned = plan_workaround_lines(state, now)
    if planned:
        lines += ["", "## Open workarounds from the plan", "", *(f"- {markdown.text(w)}" for w in planned)]
    lines += ["", "## Journal", "", *(f"- {journal_line(e, now)}" for e in journal)]
    return "\n".join(lines) + "\n"
