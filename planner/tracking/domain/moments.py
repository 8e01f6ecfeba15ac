"""Times of day as people read them during an incident: ``05:51`` on the incident's current day,
with the date on any other day (a finish 112 hours away is not "05:51")."""

from __future__ import annotations

from datetime import datetime


def moment(when: datetime, today: datetime) -> str:
    """``when`` as ``HH:MM`` if it falls on ``today``'s date (UTC), else ``YYYY-MM-DD HH:MM``.

    Examples
    --------
    >>> from datetime import UTC
    >>> now = datetime(2026, 11, 28, 2, 10, tzinfo=UTC)
    >>> moment(datetime(2026, 11, 28, 5, 51, tzinfo=UTC), now)
    '05:51'
    >>> moment(datetime(2026, 12, 2, 5, 51, tzinfo=UTC), now)
    '2026-12-02 05:51'
    """
    return f"{when:%H:%M}" if when.date() == today.date() else f"{when:%Y-%m-%d %H:%M}"
