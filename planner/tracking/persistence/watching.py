"""How a screen learns that its incident's journal grew. On a PostgreSQL store it is told
(``LISTEN``/``NOTIFY``: :class:`Watch`); an SQLite file has no such thing, and the screen polls it.

A lost server is reported (``offline``) and reconnected by itself; on reconnecting the screen is
told to read the journal, since what other terminals did meanwhile was never announced to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.tracking.persistence.db import Location, OfflineError, is_url

if TYPE_CHECKING:
    from planner.tracking.persistence.pg_backend import Listener

HEARTBEAT_SECONDS = 3.0
"""A quiet connection is asked whether it is alive this often (a server gone without a word,
a cable pulled, is noticed within a few seconds)."""
RETRY_SECONDS = 1.0
"""Wait between attempts to reach a lost server."""


def announces(location: Location) -> bool:
    """True when the store tells screens of new events (no polling needed)."""
    return is_url(location)


@dataclass
class Watch:
    """Listens for an incident's new events on a PostgreSQL store (run it in a thread)."""

    url: str
    incident: str | None
    """The incident watched; None for every incident of the store (a page that follows the newest)."""
    news: Callable[[], None]
    """Called when the journal grew (or may have, after a reconnection): read it."""
    status: Callable[[str | None], None]
    """Called with why the store is offline, or None when it is reachable again."""
    stopped: Callable[[], bool]
    """True once the screen is gone: the watch ends within a second."""

    def run(self) -> None:
        """Listen until :attr:`stopped`, reconnecting as often as the server is lost."""
        from planner.tracking.persistence.pg_backend import Listener

        offline: str | None = None
        while not self.stopped():
            try:
                listener = Listener(self.url)
            except OfflineError as lost:
                if str(lost) != offline:
                    offline = str(lost)
                    self.status(offline)
                time.sleep(RETRY_SECONDS)
                continue
            if offline is not None:
                offline = None
                self.status(None)
            self.news()  # whatever happened before we listened
            try:
                self._listen(listener)
            except OfflineError as lost:
                offline = str(lost)
                self.status(offline)
            finally:
                listener.close()

    def _listen(self, listener: Listener) -> None:
        quiet_since = time.monotonic()
        while not self.stopped():
            heard = False
            for incident in listener.wait(timeout=0.5):
                heard = True
                if self.incident is None or incident == self.incident:
                    self.news()
            if heard:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > HEARTBEAT_SECONDS:
                listener.alive()
                quiet_since = time.monotonic()
