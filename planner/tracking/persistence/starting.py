"""Opening an incident in a store: its plan's text kept, its first rows and first event written
under the next free id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.events import IncidentStarted
from models.plan import Plan
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.state import MemoryView
from planner.tracking.persistence.clock import plain, stamped
from planner.tracking.persistence.store import Store


def open_incident(
    store: Store,
    plan: Plan,
    text: str,
    *,
    scenario: str | None,
    failed: Sequence[str] | None,
    title: str | None,
    exercise: bool,
    actor: str,
    at: datetime,
    detected: datetime | None = None,
) -> MemoryView:
    """Keep the plan's text in ``store``, start an incident (``DRILL-N`` for an exercise, else
    ``INC-N``) and return its first rows (its id is ``.row.id``)."""
    digest = store.keep_plan(plan.name, text, plain(at).isoformat())
    opened: list[MemoryView] = []

    def build(new_id: str) -> tuple[MemoryView, IncidentStarted]:
        state, started = initial_state(
            plan,
            digest,
            new_id,
            scenario=scenario,
            failed=failed,
            title=title,
            exercise=exercise,
            actor=actor,
            at=stamped(store, None, at),  # the store's clock where it has one (a server's)
            detected=detected,
        )
        opened.append(state)
        return state, started

    store.start("DRILL" if exercise else "INC", build)
    return opened[-1]
