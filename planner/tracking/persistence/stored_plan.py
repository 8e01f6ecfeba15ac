"""The plan an incident started from, read back from the store's copy, for what only the plan
says (its components): the incident's rows never change when the plan file does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.tracking.domain.state import IncidentRow
from planner.tracking.persistence.store import Store

if TYPE_CHECKING:
    from models.plan import Plan


def plan_with_components(store: Store, row: IncidentRow) -> Plan | None:
    """The stored plan of incident ``row`` when it declares components; None when it declares
    none (a plan whose text never says ``components`` is not parsed, so an incident on a large
    plan without components pays nothing) or when the store has lost it."""
    text = store.plan_text(row.plan_hash)
    if text is None or "components" not in text:
        return None
    from planner.planfile.loader import load_source  # only plans with components pay for the models
    from planner.planfile.source import Source

    plan = load_source(Source(f"<plan of {row.id}>", text, "yaml"), references=False).plan
    return plan if plan.components else None
