"""One responder's live view of an incident: a mirror of the store's rows kept current by folding
the journal's new events into it (never by guessing), and actions that go through the store's
guarded transactions. The terminal UI is a thin skin over this; it holds nothing the journal
does not have.

A :class:`Session` is safe to use from worker threads: every call opens its own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from models.events import IncidentStarted, Voided
from planner.style import visible
from planner.tracking.domain.actions import Action
from planner.tracking.domain.fold import apply
from planner.tracking.domain.guards import RefusedError
from planner.tracking.domain.state import MemoryView, View
from planner.tracking.domain.words import describe
from planner.tracking.persistence.clock import now, stamped
from planner.tracking.persistence.db import Location
from planner.tracking.persistence.store import Store
from planner.tracking.persistence.stored_plan import plan_with_components

if TYPE_CHECKING:
    from models.events import Event
    from models.plan import Plan

MEANWHILE = 3
"""Other terminals' newest events a refusal names."""
JOURNAL_TAIL = 1000
"""Events a session keeps for the journal pane (the store keeps them all)."""


def utc_now() -> datetime:
    """The real clock (tests pass a fake one): a :class:`~planner.tracking.persistence.clock.Now`, which an
    action replaces by the store's clock where it has one (a server's)."""
    return now()


@dataclass
class Session:
    """An incident as seen from one terminal."""

    store_path: Location
    incident: str
    actor: str
    clock: Callable[[], datetime] = utc_now
    state: MemoryView | None = None
    journal: list[Event] = field(default_factory=list)
    """The newest events, oldest first."""
    seen: int = 0
    """Sequence number of the newest event folded into :attr:`state`."""
    reread: bool = False
    """An event the store cannot read came in: read the rows again rather than fold around it."""
    plan: Plan | None = None
    """The incident's plan when it declares components (read once, at the first load)."""
    opened: MemoryView | None = None
    """The rows of the incident this terminal has just started, as they were written: the
    first :meth:`load` takes them instead of reading them back (a tenth of a second per
    thousand tasks) while its journal holds nothing but the start."""

    @property
    def whole_journal(self) -> bool:
        """True when :attr:`journal` holds the incident's every event (not only the newest)."""
        return bool(self.journal) and isinstance(self.journal[0], IncidentStarted)

    def _open(self) -> Store:
        return Store(self.store_path)

    def load(self) -> MemoryView:
        """Read the whole incident (at start, and to resynchronise)."""
        opened, self.opened = self.opened, None
        with self._open() as store:
            store.require(self.incident)
            journal = store.events(self.incident, last=JOURNAL_TAIL) if opened else []
            if not (opened and opened.row.id == self.incident and _only_started(journal, store)):
                state = store.snapshot(self.incident)
                journal = store.events(self.incident, last=JOURNAL_TAIL)
            else:
                state = opened
            assert state is not None, "required above"
            unreadable = store.skipped.get(self.incident, 0)
            if self.state is None:  # an incident's plan never changes
                self.plan = plan_with_components(store, state.row, state.info.components)
        self.state = state
        self.journal = journal
        self.seen = max(journal[-1].seq if journal else 0, unreadable)
        self.reread = False
        return state

    def fetch(self) -> list[Event]:
        """What other terminals recorded since the last fold (not folded yet: see :meth:`fold`)."""
        with self._open() as store:
            return self._since(store)

    def _since(self, store: Store) -> list[Event]:
        """The events after :attr:`seen`; one the store cannot read among them makes the next
        :meth:`fold` read the rows again."""
        events = store.events_since(self.incident, self.seen)
        if store.skipped.get(self.incident, 0) > self.seen:
            self.reread = True
        return events

    def fold(self, events: list[Event]) -> None:
        """Apply new events to the mirror, in order, each once. An event missing among them (one
        the store cannot read: see :mod:`planner.tracking.persistence.damage`) is not guessed at: the rows
        are read again, as after a void."""
        assert self.state is not None, "load() first"
        if self.reread or any(isinstance(e, Voided) for e in events if e.seq > self.seen):
            self.load()  # a void changes the past: the store has folded the rows again
            return
        for event in events:
            if event.seq <= self.seen:
                continue
            apply(self.state, event)
            self.journal.append(event)
            self.seen = event.seq
        del self.journal[:-JOURNAL_TAIL]

    def act(self, action: Action) -> tuple[list[Event], list[Event]]:
        """Record ``action`` (by this session's actor, now) through the store's guard.
        Returns its events and everything new in the journal since the last fold (this action's
        and any other terminal's before it), for :meth:`fold`; safe from a worker thread.

        Raises ``RefusedError`` (nothing written) naming what blocks.
        """
        at = self.clock()
        with self._open() as store:
            try:
                done = store.act(
                    self.incident,
                    lambda view: action.decide(view, self.actor, stamped(store, self.incident, at)),
                )
            except RefusedError as refusal:
                raise RefusedError(f"{refusal}{self._meanwhile(store)}") from None
            fresh = self._since(store)
        return done, fresh

    def _meanwhile(self, store: Store) -> str:
        """What other terminals recorded since this screen last read the journal: often why an
        action was refused (two responders on one task), so the refusal names it."""
        others = [e for e in store.events_since(self.incident, self.seen) if e.actor != self.actor]
        if not others:
            return ""
        said = [f"#{e.seq} {e.at:%H:%M} {visible(e.actor)}: {describe(e)}" for e in others[-MEANWHILE:]]
        more = f" (and {len(others) - MEANWHILE} before)" if len(others) > MEANWHILE else ""
        return "\nMeanwhile, from other terminals" + more + ":\n" + "\n".join(said)

    def view(self) -> View:
        """The mirror, for read-only questions."""
        assert self.state is not None, "load() first"
        return self.state


def _only_started(journal: list[Event], store: Store) -> bool:
    """True while an incident's ``journal`` holds its start and nothing else (all of it read)."""
    return len(journal) == 1 and isinstance(journal[0], IncidentStarted) and not store.skipped
