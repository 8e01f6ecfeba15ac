"""Stakeholder update drafts for each audience (technical, executive, customer), drawn from an
incident's outline, its components and the schedule re-run on what is left (``planner incident
update`` and the screen's update dialog). Technical and executive updates are internal: they
name services, teams and components; the customer update is written by
:mod:`planner.tracking.reports.customer_draft`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import islice

from models.duration import clock
from planner.tracking.domain.components import ComponentView
from planner.tracking.domain.moments import moment
from planner.tracking.domain.outline import Outline
from planner.tracking.domain.state import DOWN, FAILED, RESTORED, RESTORING
from planner.tracking.reports.component_text import affected, eta_words
from planner.tracking.reports.customer_draft import customer_update
from planner.tracking.reports.progress import NO_ETA, Projection


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _names(outline: Outline, services: Sequence[str], limit: int = 6) -> str:
    shown = [outline.name[s] for s in services[:limit]]
    more = len(services) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _components_line(views: Sequence[ComponentView], now: datetime) -> list[str]:
    """For responders and executives: every affected component with its state and ETA, public or
    internal (nothing when the plan has no components)."""
    if not views:
        return []
    hit = affected(views)
    if not hit:
        return [f"Components: all {len(views)} operational."]
    named = [f"{v.name} ({v.audience}) {v.status.label.lower()}, {eta_words(v, now)}" for v in hit[:8]]
    more = f"; and {len(hit) - 8} more" if len(hit) > 8 else ""
    return [f"Components: {len(hit)} of {len(views)} affected: " + "; ".join(named) + more + "."]


def _executive_lines(
    outline: Outline, down: list[str], restoring: list[str], blocked: list[str], failing: int
) -> list[str]:
    """Actions and needs in counts that are right: who restores how much, or why nobody does."""
    if not down:
        return ["Actions: none needed: every impacted service is restored."]
    if restoring:
        teams = {owner for s in restoring if (owner := outline.owner[s]) is not None}
        unowned = sum(1 for s in restoring if outline.owner[s] is None)
        by = [_count(len(teams), "team")] if teams else []
        by += [f"{unowned} with no owner team"] if unowned else []
        action = f"Actions: {_count(len(restoring), 'service')} being restored ({', '.join(by)})."
    else:
        ready = sum(1 for s in down if not outline.blockers(s))
        action = (
            f"Actions: no restoration under way; {_count(ready, 'service')} can start now, "
            f"{len(down) - ready} waiting on dependencies."
        )
    lines = [action]
    if blocked or failing:
        lines.append(
            f"Needs: {_count(len(blocked), 'restoration')} blocked on dependencies, "
            f"{_count(failing, 'failed check')}."
        )
    return lines


def _workarounds(outline: Outline, now: datetime) -> list[str]:
    """Every open workaround in a few words: the incident's, then the plan's own on its services;
    one past its expiry says ``EXPIRED since 03:20``."""

    def expired(expires: datetime | None) -> str:
        return f" EXPIRED since {moment(expires, now)}" if expires is not None and expires < now else ""

    return [
        f"{w.service} without the check of {w.dependency}{expired(w.expires)}"
        for w in outline.open_workarounds
    ] + [
        f"{w.service} without the check of {w.bypasses} (plan {w.id}){expired(w.expires)}"
        for w in outline.plan_workarounds
    ]


def _technical_lines(
    outline: Outline,
    down: list[str],
    restoring: list[str],
    blocked: list[str],
    failing: list[tuple[str, str]],
    *,
    now: datetime,
) -> list[str]:
    """Actions and needs for responders: who restores what since when (on ``now``'s day, or with
    its date), what waits on what."""
    acts = [
        f"{s} by {outline.owner[s] or '(no owner)'} since {moment(began, now)}"
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


def draft_update(
    outline: Outline,
    projection: Projection,
    now: datetime,
    audience: str,
    *,
    components: Sequence[ComponentView] = (),
) -> str:
    """A stakeholder update drafted from the state: conditions, actions, needs, restored so far,
    and the ETA from the schedule re-run on the current state; ``components``: the plan's, as
    the incident leaves them (a customer update names the public ones and nothing else)."""
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
        eta = f"all services back by about {moment(projection.eta, now)} UTC"
    else:
        eta = f"no time for all services back ({NO_ETA})"
    blocked = [s for s in restoring if outline.blockers(s)]
    failing = (
        [(s, d) for s in down for d in outline.deps[s] if outline.check(s, d) == FAILED]
        if FAILED in outline.checks.values()
        else []
    )
    if audience == "customer":
        return customer_update(components, projection.eta, now, outline.cadence, over=not down)
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
    lines += _components_line(components, now)
    if audience == "technical":
        lines += _technical_lines(outline, down, restoring, blocked, failing, now=now)
    else:
        lines += _executive_lines(outline, down, restoring, blocked, len(failing))
    lines.append("Restored so far: " + (_names(outline, restored, 10) if restored else "none") + ".")
    risk = f" RTO missed, still down: {_names(outline, projection.late)}." if projection.late else ""
    risk += f" RTO at risk: {_names(outline, projection.at_risk)}." if projection.at_risk else ""
    lines.append(f"ETA: {eta} (projected from the current state).{risk}")
    open_was = _workarounds(outline, now)
    if open_was:
        lines.append(f"Workarounds in place: {len(open_was)} (" + "; ".join(open_was[:5]) + ").")
    lines.append(f"Next update by {moment(nxt, now)} UTC.")
    return "\n".join(lines) + "\n"
