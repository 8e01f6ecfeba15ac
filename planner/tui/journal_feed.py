"""Other terminals' actions, as they are recorded: the :class:`JournalFeed` reads the journal
twice a second (an SQLite store) or when the store announces new events (a PostgreSQL store,
which also says when its server is lost and back), and tells the recovery screen with messages."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from models.events import Event
from planner.tracking.persistence.db import OfflineError
from planner.tracking.persistence.watching import Watch, announces
from planner.tracking.session import Session
from planner.tui.desk import report_failed_work

POLL_SECONDS = 0.5
"""How often the journal is checked for other terminals' actions (they show within a second)."""


class JournalFeed(Widget):
    """Reads new journal events for the screen it is mounted in (nothing on screen itself)."""

    DEFAULT_CSS: ClassVar[str] = "JournalFeed { display: none; }"

    class Fresh(Message):
        """New events in the journal (from this terminal or another)."""

        def __init__(self, events: list[Event]) -> None:
            self.events = events
            super().__init__()

    class Reachable(Message):
        """The store's server was lost (``why``) or is back (``why`` None)."""

        def __init__(self, why: str | None) -> None:
            self.why = why
            super().__init__()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._trouble: str | None = None
        """The failure the poll last reported (said once; None while it works)."""
        self._stop = threading.Event()

    def on_mount(self) -> None:
        if announces(self.session.store_path):
            self._watch()
        else:
            self.set_interval(POLL_SECONDS, self._poll)

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        try:
            fresh = self.session.fetch()
        except OfflineError:
            return  # the watch of a PostgreSQL store says so, and reads again once it is back
        self.app.call_from_thread(self._polled, fresh)

    def _polled(self, fresh: list[Event]) -> None:
        if self._trouble is not None:
            self._trouble = None
            self.notify("Reading the journal again.", title="Back", timeout=4)
        if fresh:
            self.post_message(self.Fresh(fresh))

    def _watch(self) -> None:
        """A PostgreSQL store announces new events: wait for them instead of polling, in a
        daemon thread (not a worker: quitting must not wait for a server that does not answer)."""
        app = self.app

        def later(call: Callable[..., object], *args: object) -> None:
            if app.is_running and not self._stop.is_set():
                with contextlib.suppress(RuntimeError):  # the app is closing
                    app.call_from_thread(call, *args)

        watch = Watch(
            str(self.session.store_path),
            self.session.incident,
            news=lambda: later(self._poll),
            status=lambda why: later(self.post_message, self.Reachable(why)),
            stopped=lambda: self._stop.is_set() or not app.is_running,
        )

        def run() -> None:
            try:
                watch.run()
            except Exception as bug:  # noqa: BLE001 - reported on screen, as a worker's would be
                later(functools.partial(report_failed_work, self, "poll", bug, timeout=20))

        threading.Thread(target=run, name="planner-watch", daemon=True).start()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A poll that failed is a bug: say so once per trouble (it retries by itself) instead
        of letting it die silently."""
        if event.state != WorkerState.ERROR:
            return
        trouble = f"{type(event.worker.error).__name__}: {event.worker.error}"
        if trouble != self._trouble:
            self._trouble = trouble
            report_failed_work(self, "poll", event.worker.error, timeout=20)
