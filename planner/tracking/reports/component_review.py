"""What an incident did to each component, for the post-incident review: the worst state it
reached (at the start, when every impacted service was down: a service that fails again only
returns to that), when it was working again (every needed service back) and when it was whole
(every used one back too), measured from the incident's rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from models.duration import delta_minutes, span
from planner import markdown as md
from planner.tracking.domain.components import ComponentStatus, status_of
from planner.tracking.domain.moments import moment
from planner.tracking.domain.state import RESTORED, MemoryView

if TYPE_CHECKING:
    from models.plan import Plan


@dataclass(frozen=True)
class ComponentOutcome:
    """One component through the incident."""

    id: str
    name: str
    audience: str
    worst: ComponentStatus
    working: datetime | None
    """When every needed service was back for good (None: not yet)."""
    whole: datetime | None
    """When every needed and used service was back for good (None: not yet)."""


def component_outcomes(plan: Plan, state: MemoryView) -> list[ComponentOutcome]:
    """Every component of ``plan`` through the incident of ``state``, in the plan's order."""
    tasks = state.tasks
    start = state.row.rto_clock

    def back(services: Iterable[str]) -> datetime | None:
        """When the last of ``services`` impacted was restored for good (the start if none was hit)."""
        times = [start]
        for s in services:
            task = tasks.get(s)
            if task is not None:
                if task.state != RESTORED or task.restored is None:
                    return None
                times.append(task.restored)
        return max(times)

    out = []
    for c in plan.components:
        needs_hit = sum(1 for s in set(c.needs) if s in tasks)
        uses_hit = sum(1 for s in set(c.uses) - set(c.needs) if s in tasks)
        worst = status_of(len(set(c.needs)), needs_hit, uses_hit)
        out.append(
            ComponentOutcome(c.id, c.name, c.audience, worst, back(c.needs), back([*c.needs, *c.uses]))
        )
    return out


def outcomes_markdown(outcomes: list[ComponentOutcome], state: MemoryView) -> list[str]:
    """The review's components section: a table of those the incident reached, then the others."""
    if not outcomes:
        return []
    start, day = state.row.rto_clock, state.row.started
    hit = [o for o in outcomes if o.worst is not ComponentStatus.OPERATIONAL]
    lines = ["", "## Components", ""]
    if hit:
        lines += [
            "| component | audience | worst state | working again | outage | whole again |",
            "|---|---|---|---|---|---|",
        ]
    for o in hit:
        working = f"{moment(o.working, day)} | {span(o.working - start)}" if o.working else "not yet | -"
        whole = moment(o.whole, day) if o.whole else "not yet"
        lines.append(f"| {md.text(o.name)} | {o.audience} | {o.worst.label.lower()} | {working} | {whole} |")
    spared = [md.text(o.name) for o in outcomes if o.worst is ComponentStatus.OPERATIONAL]
    if spared:
        lines += ["", "Not affected: " + ", ".join(spared) + "."]
    return lines


def outcomes_json(outcomes: list[ComponentOutcome], state: MemoryView) -> list[dict[str, Any]]:
    """The components for the review's JSON."""
    start = state.row.rto_clock
    return [
        {
            "id": o.id,
            "name": o.name,
            "audience": o.audience,
            "worst": o.worst.value,
            "working_again": o.working.isoformat() if o.working else None,
            "outage_minutes": delta_minutes(o.working - start) if o.working else None,
            "whole_again": o.whole.isoformat() if o.whole else None,
        }
        for o in outcomes
    ]
