"""The plan an incident started from, read back from the store's copy, for what only the plan
says (its components): the incident's rows never change when the plan file does."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from planner.tracking.domain.state import IncidentRow
from planner.tracking.persistence.store import Store

if TYPE_CHECKING:
    from models.plan import Plan


_MAY_DECLARE = re.compile(r"""(^|[{,])\s*["']?components["']?\s*:""", re.MULTILINE)
"""Text that may hold the ``components`` key: at the start of a line, or after ``{`` or ``,`` (JSON,
YAML flow style); a plan that only says the word in a description or a name is not parsed."""
_CACHE: dict[str, Plan | None] = {}
"""Plans read, by content hash (a hash names one text, whatever the store): a long-running reader
(the status page) asks for each incident's plan again and again."""
CACHED = 8
"""Plans kept at most (the oldest read is dropped first)."""


def plan_with_components(store: Store, row: IncidentRow) -> Plan | None:
    """The stored plan of incident ``row`` when it declares components; None when it declares
    none (a plan whose text has no ``components`` key is not parsed, so an incident on a large
    plan without components pays nothing) or when the store has lost it. Read once per plan."""
    if row.plan_hash in _CACHE:
        return _CACHE[row.plan_hash]
    text = store.plan_text(row.plan_hash)
    if text is None:
        return None
    may = "components" in text and _MAY_DECLARE.search(text)  # the word first: 1 ms, not 0.2 s
    plan = _parse(text, row.id) if may else None
    if len(_CACHE) >= CACHED:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[row.plan_hash] = plan
    return plan


def _parse(text: str, incident: str) -> Plan | None:
    from planner.planfile.loader import load_source  # only plans with components pay for the models
    from planner.planfile.source import Source

    plan = load_source(Source(f"<plan of {incident}>", text, "yaml"), references=False).plan
    return plan if plan.components else None
