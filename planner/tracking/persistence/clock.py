"""Whose clock an action is recorded by. Responders' clocks drift: one ten minutes fast used to
date its events in the future (every other responder's ``restored`` was refused as "before work
began" for ten minutes), one ten minutes slow had every action refused as before the incident.

- On a PostgreSQL store the server's clock is "now": an action without ``--at`` is dated by the
  server inside the action's transaction, whatever the responder's clock says; an explicit
  ``--at`` is kept as given, but one ahead of the server's time by more than
  :data:`TOLERANCE` is refused, saying the server's time.
- An SQLite store lives on one machine, whose clock every terminal shares: an action without
  ``--at`` whose incident already has an event dated ahead of that clock by more than
  :data:`TOLERANCE` is refused, saying by how much and how to record it (the clock was set back,
  or an event was logged ahead): recording it would put the journal's times out of order.

"No ``--at``" is told apart from a time given by its type: :func:`now` is a :class:`Now`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from planner.errors import UsageError
from planner.tracking.domain.guards import RefusedError

if TYPE_CHECKING:
    from planner.tracking.persistence.store import Store

TOLERANCE = timedelta(minutes=5)
"""How far ahead of the clock that counts a time may be (clocks drift; a scribe rounds up)."""


class Now(datetime):
    """This machine's clock, read because no time was given: the store's clock takes its place
    where it has one (a server's)."""

    __slots__ = ()


def now() -> Now:
    """This machine's time, as a :class:`Now`."""
    here = datetime.now(UTC)
    return Now.fromtimestamp(here.timestamp(), UTC)


def plain(when: datetime) -> datetime:
    """``when`` as an ordinary ``datetime`` (arithmetic on a :class:`Now` keeps its type)."""
    return datetime.fromtimestamp(when.timestamp(), UTC) if isinstance(when, Now) else when


def stamped(store: Store, incident: str | None, when: datetime) -> datetime:
    """The time to record an action of ``incident`` (None: a new incident) by, inside its
    transaction (see the module's text); refuses when the clocks cannot be trusted."""
    server = store.backend.now()
    if server is not None:
        if isinstance(when, Now):
            return server
        if when > server + TOLERANCE:
            raise UsageError(
                f"--at {when:%Y-%m-%d %H:%M} UTC is in the future: the server's time is "
                f"{server:%Y-%m-%d %H:%M} UTC (check this machine's clock); nothing was recorded"
            )
        return when
    if isinstance(when, Now) and incident is not None:
        latest = store.latest_event(incident)
        if latest is not None and latest[1] > when + TOLERANCE:
            seq, at = latest
            ahead = round((at - when).total_seconds() / 60)
            raise RefusedError(
                f"event #{seq} of {incident} is dated {at:%Y-%m-%d %H:%M} UTC, {ahead} min ahead of this "
                f"machine's clock ({when:%H:%M} UTC): check the clock (`date -u`); if it is right, that "
                f"event was dated by a fast clock: record with --at TIME to say when this happened (and "
                f"void #{seq} if its time is wrong); nothing was recorded"
            )
    return plain(when)
