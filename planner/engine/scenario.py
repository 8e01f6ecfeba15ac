"""Which services failed: a named scenario, an explicit list, or everything (full-site recovery)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from models.plan import Plan
from planner.errors import UsageError
from planner.suggest import did_you_mean

FULL_OUTAGE = "full-outage"


@dataclass(frozen=True)
class Selection:
    """A scenario to plan for."""

    id: str
    """Scenario id, ``full-outage`` or ``custom``."""
    name: str
    """Display name."""
    failed: tuple[str, ...]
    """Failed service ids, sorted."""


def select(
    plan: Plan,
    scenario: str | None = None,
    failed: Sequence[str] | None = None,
    known: Collection[str] | None = None,
) -> Selection:
    """Resolve ``--scenario`` / ``--failed`` to a selection; the default is every service failed.
    ``known``: the plan's service ids in id order, when at hand (a graph's ``index``), so the
    plan's services are not read again.

    Raises
    ------
    UsageError
        For an unknown scenario or service id (with the closest id), or both options at once.

    Examples
    --------
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [{"id": "db"}, {"id": "api"}]})
    >>> select(plan).failed
    ('api', 'db')
    >>> select(plan, failed=["db"]).id
    'custom'
    """
    if scenario and failed:
        raise UsageError("give either --scenario or --failed, not both")
    service_ids = {s.id for s in plan.services} if known is None else known
    if scenario:
        found = next((s for s in plan.scenarios if s.id == scenario), None)
        if found is None:
            known = [s.id for s in plan.scenarios]
            listing = ", ".join(known) if known else "the plan defines none"
            raise UsageError(
                f"unknown scenario '{scenario}'{did_you_mean(scenario, known)} (scenarios: {listing})"
            )
        return Selection(found.id, found.name or found.id, tuple(sorted(set(found.failed))))
    if failed:
        names = [f.strip() for item in failed for f in item.split(",") if f.strip()]
        unknown = [n for n in names if n not in service_ids]
        if unknown:
            hints = "; ".join(f"unknown service '{n}'{did_you_mean(n, service_ids)}" for n in unknown)
            raise UsageError(hints)
        if not names:
            raise UsageError("--failed needs at least one service id")
        return Selection("custom", "failed: " + ", ".join(sorted(set(names))), tuple(sorted(set(names))))
    everything = tuple(sorted(service_ids)) if known is None else tuple(known)
    return Selection(FULL_OUTAGE, "Full-site recovery (every service failed)", everything)
