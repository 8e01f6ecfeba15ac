"""An incident's status for people (text, Markdown) and machines (JSON), and stakeholder update
drafts for each audience, all drawn from the same state and projection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from models.duration import clock
from planner.style import Style, plain
from planner.tracking.outline import Outline
from planner.tracking.progress import Projection, next_update_due
from planner.tracking.state import (
    BYPASSED,
    CONFIRMED,
    DOWN,
    FAILED,
    RESTORED,
    RESTORING,
    MemoryView,
    TaskRow,
)
from planner.tracking.words import describe

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
    deadline = state.row.started + timedelta(seconds=task.rto)
    end = task.restored if task.state == RESTORED and task.restored else now
    return deadline - end


def blocked_by(state: MemoryView, service: str, shown: int = 3) -> str:
    """The impacted dependencies not restored yet: ``a, b, c +2``."""
    blockers = state.blockers(service)
    more = len(blockers) - shown
    return ", ".join(blockers[:shown]) + (f" +{more}" if more > 0 else "")


def checks_summary(state: MemoryView, service: str) -> str:
    """``passed/total``, with ``!`` per bypassed check."""
    checks = state.checks(service)
    if not checks:
        return "-"
    done = sum(1 for c in checks if c.state in CONFIRMED)
    bypassed = sum(1 for c in checks if c.state == BYPASSED)
    return f"{done}/{len(checks)}" + ("!" * bypassed)


def header_lines(state: MemoryView, projection: Projection, now: datetime, style: Style = plain) -> list[str]:
    """The lines above the task table (and the update's facts)."""
    row = state.row
    counts = state.counts()
    total = len(state.tasks)
    kind = "EXERCISE" if row.exercise else "INCIDENT"
    lines = [style(f"{kind} {row.id}: {row.title}", "bold")]
    if row.resolved:
        lines.append(f"resolved {row.resolved:%Y-%m-%d %H:%M} UTC after {clock(row.resolved - row.started)}")
    else:
        lines.append(f"started {row.started:%Y-%m-%d %H:%M} UTC, {clock(now - row.started)} ago")
    lines.append(
        f"progress: {counts[RESTORED]}/{total} restored, {counts[RESTORING]} restoring, {counts[DOWN]} down"
    )
    if row.state == "open":
        due = next_update_due(state.row, state.info.update_cadence)
        text = f"next stakeholder update due {due:%H:%M} UTC (in {clock(due - now)})"
        if due < now:
            text = style(
                f"stakeholder update OVERDUE by {clock(now - due)} (was due {due:%H:%M} UTC)", "bold"
            )
        lines.append(text)
        if counts[RESTORED] == total:
            lines.append("every impacted service is restored: resolve when the workarounds are settled")
        else:
            eta = projection.eta
            lines.append(
                f"projected finish {eta:%H:%M} UTC (in {clock(eta - now)})"
                if eta
                else f"projected finish: past the year 9999 ({NO_ETA})"
            )
    risk = len(projection.at_risk)
    if risk or projection.missed:
        lines.append(
            style(
                f"RTO at risk: {risk}" + (f", missed: {len(projection.missed)}" if projection.missed else ""),
                "error",
            )
        )
    roles = ", ".join(f"{name}: {state.info.person(pid).name}" for name, pid in sorted(row.roles.items()))
    lines.append(f"roles: {roles or 'none assigned'}")
    return lines


def task_lines(state: MemoryView, now: datetime, style: Style = plain) -> list[str]:
    """The task table in wave order."""
    width = max((len(s) for s in state.tasks), default=7)
    width = min(max(width, 7), 40)
    out = [
        f"{'wave':>4}  {'service':<{width}}  {'owner':<14} {'state':<9} {'checks':<7} {'RTO left':>9}  "
        "blocked by"
    ]
    for task in state.tasks.values():
        left = rto_left(state, task, now)
        rto = "-" if left is None else clock(left)
        blocked = blocked_by(state, task.service)
        word = state_word(task)
        ready = state.ready(task.service) and task.state != RESTORED
        line = (
            f"{task.wave:>4}  {task.service[:width]:<{width}}  {(task.owner or '(none)')[:14]:<14} {word:<9} "
            f"{checks_summary(state, task.service):<7} {rto:>9}  {blocked or ('READY' if ready else '')}"
        )
        if left is not None and left < timedelta(0) and task.state != RESTORED:
            line = style(line, "error")
        elif task.state == RESTORED:
            line = style(line, "success")
        elif ready:
            line = style(line, "bold")
        out.append(line)
    return out


def workaround_lines(state: MemoryView, now: datetime) -> list[str]:
    """Open workarounds of the incident."""
    out = []
    for w in state.open_workarounds():
        expiry = ""
        if w.expires:
            expiry = (
                f", EXPIRED {w.expires:%Y-%m-%d %H:%M}"
                if w.expires < now
                else f", expires {w.expires:%Y-%m-%d %H:%M}"
            )
        out.append(
            f"{w.id}: {w.service} runs without the check of {w.dependency}: {w.reason} "
            f"(by {w.actor} at {w.applied:%H:%M}, owner {w.owner or 'none'}{expiry})"
        )
    return out


def journal_line(event: Event) -> str:
    """``#12 03:10 alice: began restoring db-primary``."""
    return f"#{event.seq} {event.at:%H:%M} {event.actor}: {describe(event)}"


def status_text(
    state: MemoryView, journal: Sequence[Event], projection: Projection, now: datetime, style: Style = plain
) -> str:
    """The whole status for a terminal."""
    lines = header_lines(state, projection, now, style)
    lines += ["", *task_lines(state, now, style)]
    was = workaround_lines(state, now)
    if was:
        lines += ["", style(f"Open workarounds ({len(was)}):", "warning"), *(f"  {w}" for w in was)]
    lines += ["", "Latest events:", *(f"  {journal_line(e)}" for e in reversed(journal[-10:]))]
    return "\n".join(lines) + "\n"


def status_markdown(
    state: MemoryView, journal: Sequence[Event], projection: Projection, now: datetime
) -> str:
    """The status as a Markdown document (for a ticket or a chat channel)."""
    head = header_lines(state, projection, now)
    lines = [f"# {head[0]}", "", *(f"- {line}" for line in head[1:]), ""]
    lines += [
        "| wave | service | owner | state | checks | RTO left | blocked by |",
        "|---|---|---|---|---|---|---|",
    ]
    for task in state.tasks.values():
        left = rto_left(state, task, now)
        lines.append(
            f"| {task.wave} | {task.service} | {task.owner or '(none)'} | {state_word(task)} | "
            f"{checks_summary(state, task.service)} | {'-' if left is None else clock(left)} | "
            f"{', '.join(state.blockers(task.service)) or ('ready' if state.ready(task.service) else '')} |"
        )
    was = workaround_lines(state, now)
    if was:
        lines += ["", "## Open workarounds", "", *(f"- {w}" for w in was)]
    lines += ["", "## Journal", "", *(f"- {journal_line(e)}" for e in journal)]
    return "\n".join(lines) + "\n"


def event_json(event: Event) -> dict[str, Any]:
    """An event as JSON, with its sentence."""
    data: dict[str, Any] = event.model_dump(mode="json")
    data["text"] = describe(event)
    return data


def status_json(
    state: MemoryView, journal: Sequence[Event], projection: Projection, now: datetime
) -> dict[str, Any]:  # long: one JSON document, key by key
    """The status for machines (keys may be added, never removed)."""
    row = state.row
    counts = state.counts()
    services = []
    for task in state.tasks.values():
        left = rto_left(state, task, now)
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
                "checks": {c.dependency: c.state for c in state.checks(task.service)},
                "rto_minutes": None if task.rto is None else task.rto / 60,
                "rto_left_minutes": None if left is None else left.total_seconds() / 60,
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
        "services": services,
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
            }
            for w in state.workarounds()
        ],
        "journal": [event_json(e) for e in journal],
    }


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _names(outline: Outline, services: Sequence[str], limit: int = 6) -> str:
    shown = [outline.name[s] for s in services[:limit]]
    more = len(services) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _customer_update(
    outline: Outline, projection: Projection, now: datetime, down: list[str], restored: list[str]
) -> str:
    """The update for customers: what is affected, how far along, when it should be over."""
    row = outline.row
    nxt = now + timedelta(seconds=outline.cadence)
    if not down:
        body = "Service has been restored. We are monitoring closely and will share a summary."
    else:
        affected = _names(
            outline, [s for s in down if outline.criticality[s] in {"critical", "high"}] or down
        )
        body = (
            f"We are experiencing a disruption affecting {affected}. Our engineers are restoring "
            "service: "
            f"{len(restored)} of {len(outline.state)} affected components are back. "
            + (
                f"We expect full recovery by about {projection.eta:%H:%M} UTC."
                if projection.eta
                else "We cannot give a time for full recovery yet."
            )
        )
    return f"{row.title}: update {now:%H:%M} UTC\n\n{body}\nNext update by {nxt:%H:%M} UTC.\n"


NO_ETA = "the restore times left add up to more than the calendar holds: check them in the plan"


def _technical_lines(
    outline: Outline,
    down: list[str],
    restoring: list[str],
    blocked: list[str],
    failing: list[tuple[str, str]],
) -> list[str]:
    """Actions and needs for responders: who restores what since when, what waits on what."""
    acts = [
        f"{s} by {outline.owner[s] or '(no owner)'} since {began:%H:%M}"
        if (began := outline.begun.get(s))
        else s
        for s in restoring[:10]
    ]
    more = len(restoring) - 10
    actions = (
        "restoring " + "; ".join(acts) + (f"; and {more} more" if more > 0 else "")
        if acts
        else "nothing in progress"
    )
    needs = [f"{s} waits on {', '.join(outline.blockers(s)[:3])}" for s in blocked[:10]]
    needs += [f"check of {d} for {s} failed" for s, d in failing[:5]]
    # nine at most: eight are named and a ninth says there are more (at 10,000 tasks this skips
    # a readiness check of every task down)
    ready = list(islice((s for s in down if outline.state[s] == DOWN and outline.ready(s)), 9))
    if ready:
        needs.append(
            f"ready to start, needs hands: {', '.join(ready[:8])}" + (" ..." if len(ready) > 8 else "")
        )
    return [f"Actions: {actions}.", "Needs: " + ("; ".join(needs) if needs else "none") + "."]


def _impact(outline: Outline, down: list[str]) -> str:
    """The services down, grouped by criticality, most critical first."""
    by_crit: dict[str, list[str]] = {}
    for s in down:
        by_crit.setdefault(outline.criticality[s], []).append(s)
    return "; ".join(
        f"{crit}: {_names(outline, by_crit[crit])}"
        for crit in ("critical", "high", "medium", "low")
        if crit in by_crit
    )


def draft_update(outline: Outline, projection: Projection, now: datetime, audience: str) -> str:
    """A stakeholder update drafted from the state: conditions, actions, needs, restored so far,
    and the ETA from the schedule re-run on the current state."""
    row = outline.row
    state = outline.state
    down = [s for s, st in state.items() if st != RESTORED]
    restoring = [s for s, st in state.items() if st == RESTORING]
    restored = [s for s, st in state.items() if st == RESTORED]
    nxt = now + timedelta(seconds=outline.cadence)
    kind = "Exercise" if row.exercise else "Incident"
    impact = _impact(outline, down)
    if not down:
        eta = "all services are restored"
    elif projection.eta:
        eta = f"all services back by about {projection.eta:%H:%M} UTC"
    else:
        eta = f"no time for all services back ({NO_ETA})"
    blocked = [s for s in restoring if outline.blockers(s)]
    failing = (
        [(s, d) for s in down for d in outline.deps[s] if outline.check(s, d) == FAILED]
        if FAILED in outline.checks.values()
        else []
    )
    if audience == "customer":
        return _customer_update(outline, projection, now, down, restored)
    lines = [
        f"[{audience}] {kind} {row.id}: {row.title}: update {row.updates + 1} at {now:%H:%M} UTC "
        f"({clock(now - row.started)} in)"
    ]
    lines.append("")
    lines.append(
        f"Conditions: {len(down)} of {len(state)} impacted services not restored"
        + (f"; customer impact by criticality: {impact}" if impact else "")
        + "."
    )
    if audience == "technical":
        lines += _technical_lines(outline, down, restoring, blocked, failing)
    else:
        lines.append(
            f"Actions: {_count(len(restoring), 'service')} being restored by "
            f"{_count(len({outline.owner[s] for s in restoring}), 'team')}."
        )
        if blocked or failing:
            lines.append(
                f"Needs: {len(blocked)} restorations blocked on dependencies, {len(failing)} failed checks."
            )
    lines.append("Restored so far: " + (_names(outline, restored, 10) if restored else "none") + ".")
    risk = f" RTO at risk: {_names(outline, projection.at_risk)}." if projection.at_risk else ""
    lines.append(f"ETA: {eta} (projected from the current state).{risk}")
    open_was = outline.open_workarounds
    if open_was:
        lines.append(
            f"Workarounds in place: {len(open_was)} ("
            + "; ".join(f"{w.service} without the check of {w.dependency}" for w in open_was[:5])
            + ")."
        )
    lines.append(f"Next update by {nxt:%H:%M} UTC.")
    return "\n".join(lines) + "\n"
