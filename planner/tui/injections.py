"""A drill's injections on the recovery screen: each is recorded when the drill's clock reaches
it (if no other client did first) and said once, with what it asks the team to do
(:mod:`planner.exercise.timeline`). Nothing shows for a real incident."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.widget import Widget

from models.events import Event
from planner.exercise.timeline import answers, due, fire_due
from planner.tracking.domain.words import injection_words
from planner.tracking.persistence.clock import plain
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from planner.tui import safe


class InjectionWatch(Widget):
    """Records the drill's due injections and says each one not yet acted on (never shown)."""

    DEFAULT_CSS = "InjectionWatch { display: none; }"
    EVERY = 1.0
    """Seconds between looks at the clock (the screen's clock ticks each second too)."""

    def __init__(
        self, session: Session, clock: Callable[[], datetime], fold: Callable[[list[Event]], None]
    ) -> None:
        super().__init__()
        self.session, self.clock, self.fold = session, clock, fold
        self.told: set[str] = set()
        """Injections said on this screen."""

    def on_mount(self) -> None:
        self.set_interval(self.EVERY, self.check)

    def check(self) -> None:
        """Say what came in; record what is due (off the UI thread)."""
        state = self.session.state
        if state is None or not state.row.exercise:
            return
        journal = self.session.journal
        for answer in answers(journal):
            shot = answer.fired.injection
            if shot.id in self.told:
                continue
            self.told.add(shot.id)
            if answer.answered is None and not answer.moot:  # a moot one asks for nothing
                what, asks = injection_words(shot)
                says = f" ({shot.says})" if shot.says else ""
                self.notify(
                    safe.block(f"{what}{says}.\nAsks: {asks}"),
                    title=f"Injection {shot.id}",
                    severity="warning",
                    timeout=30,
                )
        if state.row.state == "open" and due(journal, state.row.started, plain(self.clock())):
            self.record_due()

    @work(thread=True, exclusive=True, group="inject", exit_on_error=False)
    def record_due(self) -> None:
        """Record the due injections (once, whoever else sees them) and fold what is new."""
        with Store(self.session.store_path) as store:
            fire_due(store, self.session.incident, plain(self.clock()))
        fresh = self.session.fetch()
        self.app.call_from_thread(self.fold, fresh)
