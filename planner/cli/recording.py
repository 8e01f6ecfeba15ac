"""Recording an action of ``planner incident``: open the store, refuse an unknown incident, run
the action through the store's guarded transaction, print the journal lines it wrote."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from planner.cli.incident_options import open_store
from planner.cli.streams import say

if TYPE_CHECKING:
    from datetime import datetime

    from models.events import Event
    from planner.tracking.domain.actions import Action
    from planner.tracking.domain.state import View
    from planner.tracking.persistence.store import Store

T = TypeVar("T")


def with_incident(store_path: str | None, incident: str, use: Callable[[Store], T]) -> T:
    """Open the store, refuse an unknown incident (naming the closest id), run ``use``, close."""
    with open_store(store_path) as store:
        store.require(incident)
        return use(store)


def act(store_path: str | None, incident: str, action: Action, who: str, when: datetime) -> list[Event]:
    """Record ``action`` by ``who`` at ``when`` through the store's guarded transaction (a drill's
    injections due by then first: :func:`inject_due`)."""

    def record(store: Store) -> list[Event]:
        inject_due(store, incident, when)
        return store.act(incident, _deciding(store, incident, action, who, when))

    return with_incident(store_path, incident, record)


def inject_due(store: Store, incident: str, when: datetime, *, quiet: bool = False) -> None:
    """Record (and unless ``quiet`` say) a drill's injections due by ``when`` (nothing for a real
    incident): the first client to see one records it (:mod:`planner.exercise.timeline`)."""
    row = store.incident(incident)
    if row is None or not row.exercise:
        return
    from planner.exercise.timeline import fire_due
    from planner.tracking.persistence.clock import plain

    recorded = fire_due(store, incident, plain(when))
    if not quiet:
        done(recorded)


def _deciding(
    store: Store, incident: str, action: Action, who: str, when: datetime
) -> Callable[[View], list[Event]]:
    """The store's decide callback for ``action`` by ``who`` at ``when`` (now: by the store's
    clock, read in the action's transaction; see :mod:`planner.tracking.persistence.clock`)."""
    from planner.tracking.persistence.clock import stamped

    return lambda view: action.decide(view, who, stamped(store, incident, when))


def done(events: list[Event]) -> int:
    from planner.tracking.domain.words import describe

    for event in events:
        say(f"{event.incident} #{event.seq} {event.at:%H:%M} {event.actor}: {describe(event)}")
    return 0
