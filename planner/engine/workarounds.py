"""Open workarounds, from the plan and from tracked incidents, read through one function.

Every bypass of a dependency check is a workaround record until it is removed. The audit, the
exports and the post-incident report all ask :func:`open_workarounds`; the incident store (the
tracking issue) plugs in as a :class:`WorkaroundSource`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from models.plan import Plan


@dataclass(frozen=True)
class OpenWorkaround:
    """A bypass still in place."""

    id: str
    """Workaround id (``WA-17``) or the incident's record id."""
    service: str
    """The service running with the bypass."""
    bypasses: str
    """The dependency whose check is bypassed."""
    reason: str
    """Why it was applied."""
    owner: str | None
    """Team accountable for removing it."""
    applied_by: str | None
    """Who applied it."""
    applied: datetime
    """When."""
    expires: datetime | None
    """When it must be gone."""
    origin: str
    """``plan`` or ``incident <id>``."""
    index: int | None = None
    """Position in the plan's ``workarounds`` list, for locating findings."""


class WorkaroundSource(Protocol):
    """Anything that knows of workarounds left open outside the plan (the incident store)."""

    def open_workarounds(self) -> Iterable[OpenWorkaround]:
        """Every workaround not yet removed."""
        ...


def open_workarounds(plan: Plan, sources: Sequence[WorkaroundSource] = ()) -> list[OpenWorkaround]:
    """Every workaround not removed: the plan's own, then each source's, sorted by id.

    Examples
    --------
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db"}, {"id": "api", "depends_on": ["db"]}], "workarounds": [
    ...     {"id": "WA-1", "service": "api", "bypasses": "db", "description": "skip",
    ...      "applied": "2026-11-01T00:00:00Z"}]})
    >>> [w.id for w in open_workarounds(plan)]
    ['WA-1']
    """
    found = [
        OpenWorkaround(
            id=w.id,
            service=w.service,
            bypasses=w.bypasses,
            reason=w.description,
            owner=w.owner,
            applied_by=w.applied_by,
            applied=w.applied,
            expires=w.expires,
            origin="plan",
            index=i,
        )
        for i, w in enumerate(plan.workarounds)
        if w.removed is None
    ]
    for source in sources:
        found.extend(source.open_workarounds())
    return sorted(found, key=lambda w: (w.origin != "plan", w.id))
