"""What an incident means to the people waiting: each component's state and ETA, derived from
its services' tasks and the projected schedule (docs/design/semantics.md#components).

A component *needs* services (one down is an outage of it) and *uses* others (one down
degrades it). A service the incident does not impact counts as up; an impacted one is up once
its task is restored. Only :attr:`ComponentView.waiting_on` names services: it is for
responders, never for customers (:func:`component_json` leaves it out of public output).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from planner.tracking.domain.outline import Outline
from planner.tracking.domain.state import RESTORED, MemoryView

if TYPE_CHECKING:
    from models.plan import Component, Plan


class ComponentStatus(StrEnum):
    """A component's state, from best to worst (the text is what JSON and pages carry)."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def label(self) -> str:
        """In words, for people: ``Partial outage``."""
        return self.value.replace("_", " ").capitalize()

    @property
    def rank(self) -> int:
        """0 for operational up to 3 for a major outage."""
        return list(ComponentStatus).index(self)


@dataclass(frozen=True)
class ComponentView:
    """One component as an incident leaves it now."""

    id: str
    name: str
    audience: str
    """``public`` or ``internal``."""
    description: str | None
    status: ComponentStatus
    eta: datetime | None
    """When every service it waits on is projected back (None when it is operational, or when
    there is no projection or no finite one)."""
    waiting_on: tuple[str, ...]
    """Service ids not back yet: needed ones first, then used ones (internal use only, never on
    public output)."""

    @property
    def public(self) -> bool:
        """Whether customers may see it."""
        return self.audience == "public"


class Finishes(Protocol):
    """What the ETA needs of a projection (the live one, ``planner.tracking.reports.progress``)."""

    def finish(self, service: str) -> datetime | None:
        """When ``service`` is projected to be restored (None if it is, or when unknown)."""
        ...


def component_views(
    plan: Plan, state: MemoryView | Outline, projection: Finishes | None, now: datetime
) -> list[ComponentView]:
    """Every component of ``plan``, in the plan's order, with its state in the incident
    ``state`` (the fold's rows, or an outline) and its ETA from ``projection``.

    Examples
    --------
    >>> from models.plan import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [{"id": "db"}],
    ...     "components": [{"id": "shop", "name": "Shop", "needs": ["db"]}]})
    >>> from planner.tracking.domain.opening import initial_state
    >>> start = datetime(2026, 1, 1)
    >>> state, _ = initial_state(plan, "h", "INC-1", scenario=None, failed=["db"], title=None,
    ...     exercise=False, actor="a", at=start)
    >>> [(v.id, v.status.value, v.waiting_on) for v in component_views(plan, state, None, start)]
    [('shop', 'major_outage', ('db',))]
    """
    is_down = _down_test(state)
    return [_view(c, is_down, projection, now) for c in plan.components]


def _down_test(state: MemoryView | Outline) -> Callable[[str], bool]:
    """A function telling whether a service is down (impacted and not restored yet)."""
    if isinstance(state, Outline):
        states = state.state
        return lambda s: s in states and states[s] != RESTORED
    tasks = state.tasks
    return lambda s: s in tasks and tasks[s].state != RESTORED


def status_of(needs: int, needs_down: int, uses_down: int) -> ComponentStatus:
    """The rule: all needed services up -> operational, or degraded when a used one is down;
    some needed ones down -> partial outage; all of them (or the only one) -> major outage.

    Examples
    --------
    >>> [status_of(2, 0, 0).value, status_of(2, 0, 1).value, status_of(2, 1, 0).value,
    ...  status_of(1, 1, 0).value]
    ['operational', 'degraded', 'partial_outage', 'major_outage']
    """
    if needs_down == 0:
        return ComponentStatus.DEGRADED if uses_down else ComponentStatus.OPERATIONAL
    return ComponentStatus.MAJOR_OUTAGE if needs_down >= needs else ComponentStatus.PARTIAL_OUTAGE


def _view(
    component: Component, is_down: Callable[[str], bool], projection: Finishes | None, now: datetime
) -> ComponentView:
    needs = list(dict.fromkeys(component.needs))
    needs_down = [s for s in needs if is_down(s)]
    uses_down = [s for s in dict.fromkeys(component.uses) if is_down(s) and s not in needs]
    status = status_of(len(needs), len(needs_down), len(uses_down))
    waiting = (*needs_down, *uses_down)
    return ComponentView(
        id=component.id,
        name=component.name,
        audience=component.audience,
        description=component.description,
        status=status,
        eta=None if status is ComponentStatus.OPERATIONAL else _eta(waiting, projection, now),
        waiting_on=waiting,
    )


def _eta(waiting: Iterable[str], projection: Finishes | None, now: datetime) -> datetime | None:
    """The latest projected finish among ``waiting`` (never before ``now``); None when one has none."""
    if projection is None:
        return None
    latest = now
    for service in waiting:
        finish = projection.finish(service)
        if finish is None:
            return None
        latest = max(latest, finish)
    return latest


def worst(views: Sequence[ComponentView]) -> ComponentStatus:
    """The worst state among ``views`` (operational when there are none)."""
    return max((v.status for v in views), key=lambda s: s.rank, default=ComponentStatus.OPERATIONAL)


def component_json(view: ComponentView, *, internal: bool) -> dict[str, Any]:
    """A component for JSON output; ``internal=False`` (public output) leaves out the services it
    waits on, so a customer-facing document never names one.

    Examples
    --------
    >>> v = ComponentView("shop", "Shop", "public", None, ComponentStatus.DEGRADED, None, ("db",))
    >>> sorted(component_json(v, internal=False))
    ['audience', 'description', 'eta', 'id', 'name', 'status']
    """
    out: dict[str, Any] = {
        "id": view.id,
        "name": view.name,
        "audience": view.audience,
        "description": view.description,
        "status": view.status.value,
        "eta": None if view.eta is None else view.eta.isoformat(),
    }
    if internal:
        out["waiting_on"] = list(view.waiting_on)
    return out
