"""An incident's status for people (text, Markdown) and machines (JSON), drawn from its state
and projection (update drafts are in :mod:`planner.tracking.reports.drafting`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from models.duration import clock
from planner import markdown
from planner.style import Style, plain, visible
from planner.tracking.domain.components import ComponentView, component_json
from planner.tracking.domain.moments import moment
from planner.tracking.domain.state import (
    BYPASSED,
    CONFIRMED,
    DOWN,
    RESTORED,
    RESTORING,
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
    if task.rto is None:
        return None
    deadline = state.row.rto_clock + timedelta(seconds=task.rto)
    end = task.restored if task.state == RESTORED and task.restored else now
    return deadline - end


def rto_cell(state: MemoryView, task: TaskRow, now: datetime) -> str:
    """The RTO column of a task: the time left (``25m``); ``LATE 30m`` when it is past its RTO
    and not restored; ``missed 15m`` when it was restored that much after it; ``-`` without one."""
    left = rto_left(state, task, now)
    if left is None:
        return "-"
    if left >= timedelta(0):
        return clock(left)
    return f"{'missed' if task.state == RESTORED else 'LATE'} {clock(-left)}"


def rto_status(
    state: MemoryView,
    task: TaskRow,
    projection: Projection,
    now: datetime,
    marks: Mapping[str, str] | None = None,
) -> str | None:
    """``late`` (past its RTO, not restored), ``missed`` (restored after it), ``at risk``
    (projected to miss it), ``met`` (restored within it), ``on track``; None without an RTO.
    ``marks``: :func:`rto_marks` of ``projection``, for a caller asking of every task (the
    projection's lists are each read once then, not once per task)."""
    left = rto_left(state, task, now)
    if left is None:
        return None
    mark = (rto_marks(projection) if marks is None else marks).get(task.service)
    if mark is not None:
        return mark
    return "met" if task.state == RESTORED else "on track"


def rto_marks(projection: Projection) -> dict[str, str]:
    """The projection's RTO words by task: ``late``, else ``missed``, else ``at risk``.

    Examples
    --------
    >>> from datetime import UTC
    >>> p = Projection(datetime(2026, 1, 1, tzinfo=UTC), {}, None, ["a", "b"], ["b", "c"], ["c"])
    >>> rto_marks(p)
    {'a': 'at risk', 'b': 'missed', 'c': 'late'}
    """
    marks = dict.fromkeys(projection.at_risk, "at risk")
    marks.update(dict.fromkeys(projection.missed, "missed"))
    marks.update(dict.fromkeys(projection.late, "late"))
    return marks


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
    blockers = state.blockers(service)
    more = len(blockers) - shown
    return ", ".join(blockers[:shown]) + (f" +{more}" if more > 0 else "")


def next_step(state: MemoryView, task: TaskRow) -> str:
    """What holds a task back, or the step left: the dependencies not restored (``a, b +2``), a
    failed or pending check, READY (to begin), verify, declare restored; empty once restored."""
    if task.state == RESTORED:
        return ""
    blocked = blocked_by(state, task.service)
    if blocked:
        return blocked
    checks = state.checks(task.service)
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
    checks = state.checks(service)
    if not checks:
        return "-"
    done = sum(1 for c in checks if c.state in CONFIRMED)
    bypassed = sum(1 for c in checks if c.state == BYPASSED)
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


def task_lines(state: MemoryView, now: datetime, style: Style = plain) -> list[str]:
    """The task table in wave order."""
    width = max((len(s) for s in state.tasks), default=7)
    width = min(max(width, 7), 40)
    cells = {s: rto_cell(state, task, now) for s, task in state.tasks.items()}
    rto_w = max(9, *map(len, cells.values()))
    out = [
        f"{'wave':>4}  {'service':<{width}}  {'owner':<14} {'state':<9} {'checks':<7} {'RTO left':>{rto_w}}  "
        "blocked by"
    ]
    for task in state.tasks.values():
        left = rto_left(state, task, now)
        word, rto = state_word(task), cells[task.service]
        ready = state.ready(task.service) and task.state != RESTORED
        line = (
            f"{task.wave:>4}  {task.service[:width]:<{width}}  {(task.owner or '(none)')[:14]:<14} {word:<9} "
            f"{checks_summary(state, task.service):<7} {rto:>{rto_w}}  {next_step(state, task)}"
        )
        if left is not None and left < timedelta(0) and task.state != RESTORED:
            line = style(line, "error")
        elif task.state == RESTORED:
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


def event_json(event: Event) -> dict[str, Any]:
    """An event as JSON, with its sentence."""
    data: dict[str, Any] = event.model_dump(mode="json")
    data["text"] = describe(event)
    return data


def status_json(
    state: MemoryView,
    journal: Sequence[Event],
    projection: Projection,
    now: datetime,
    components: Sequence[ComponentView] = (),
) -> dict[str, Any]:  # long: one JSON document, key by key
    """The status for machines (keys may be added, never removed)."""
    row = state.row
    counts = state.counts()
    services = []
    marks = rto_marks(projection)
    for task in state.tasks.values():
        left = rto_left(state, task, now)
        checks = state.checks(task.service)
        services.append(
            {
                "service": task.service,
                "name": task.name,
                "wave": task.wave,
                "owner": task.owner,
                "criticality": task.criticality,
                "state": task.state,
                "reopened": task.reopened,
                "verified": task.verified,
                "ready": state.ready(task.service),
                "blocked_by": state.blockers(task.service),
                "checks": {c.dependency: c.state for c in checks},
                "check_evidence": {c.dependency: c.observed for c in checks if c.observed},
                "rto_minutes": None if task.rto is None else task.rto / 60,
                "rto_left_minutes": None if left is None else left.total_seconds() / 60,
                "rto_status": rto_status(state, task, projection, now, marks),
                "projected_finish": (f.isoformat() if (f := projection.finish(task.service)) else None),
                "restored": task.restored.isoformat() if task.restored else None,
            }
        )
    return {
        "incident": row.id,
        "title": row.title,
        "scenario": row.scenario,
        "plan": row.plan_name,
        "plan_hash": row.plan_hash,
        "exercise": row.exercise,
        "state": row.state,
        "started": row.started.isoformat(),
        "detected": row.detected.isoformat() if row.detected else None,
        "resolved": row.resolved.isoformat() if row.resolved else None,
        "roles": row.roles,
        "progress": {"impacted": len(state.tasks), **counts},
        "next_update_due": next_update_due(row, state.info.update_cadence).isoformat(),
        "update_overdue": row.state == "open" and next_update_due(row, state.info.update_cadence) < now,
        "projected_finish": projection.eta.isoformat() if projection.eta else None,
        "rto_at_risk": projection.at_risk,
        "rto_missed": projection.missed,
        "rto_late": projection.late,
        "services": services,
        "components": [component_json(v, internal=True) for v in components],
        "workarounds": [
            {
                "id": w.id,
                "service": w.service,
                "dependency": w.dependency,
                "reason": w.reason,
                "applied_by": w.actor,
                "applied": w.applied.isoformat(),
                "expires": w.expires.isoformat() if w.expires else None,
                "owner": w.owner,
                "removed": w.removed.isoformat() if w.removed else None,
                "expired": w.removed is None and w.expires is not None and w.expires < now,
            }
            for w in state.workarounds()
        ],
        "plan_workarounds": [
            {
                "id": w.id,
                "service": w.service,
                "bypasses": w.bypasses,
                "description": w.description,
                "owner": w.owner,
                "applied": w.applied.isoformat(),
                "expires": w.expires.isoformat() if w.expires else None,
                "expired": w.expires is not None and w.expires < now,
            }
            for w in state.info.plan_workarounds
        ],
        "journal": [event_json(e) for e in journal],
    }
