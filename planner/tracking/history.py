"""Measured restores from the store: every incident and exercise of a plan, each task's time from
the last time work began to its final restoration (as the post-incident review measures it),
passed down to :mod:`planner.forecast` as plain numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.events import Event, IncidentStarted, Restored, TaskBegun
from planner.forecast.evidence import Measurement
from planner.tracking.domain.fold import effective
from planner.tracking.persistence.damage import DamagedRowError
from planner.tracking.persistence.store import Store


def measured(journal: Sequence[Event], incident: str, exercise: bool) -> list[Measurement]:
    """The tasks ``journal`` (an incident's effective events) measures: each service restored
    after work on it began, from its last begin to its final restoration. A service declared
    restored without a recorded begin is not measured (nothing says when work started).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> def at(m): return {"at": datetime(2026, 1, 1, 0, m, tzinfo=UTC), "actor": "a", "incident": "i"}
    >>> journal = [
    ...     IncidentStarted(seq=1, **at(0), plan_hash="h", scenario="s", title="t", failed=["db"]),
    ...     TaskBegun(seq=2, **at(5), service="db"),
    ...     Restored(seq=3, **at(35), service="db"),
    ...     Restored(seq=4, **at(36), service="api")]
    >>> [(m.service, m.key, m.seconds) for m in measured(journal, "i", False)]
    [('db', 'restore_time', 1800.0)]
    """
    failed: set[str] = set()
    began: dict[str, float] = {}
    done: dict[str, tuple[float, float]] = {}
    for event in sorted(journal, key=lambda e: (e.at, e.seq)):
        if isinstance(event, IncidentStarted):
            failed = set(event.failed)
        elif isinstance(event, TaskBegun):
            began[event.service] = event.at.timestamp()
        elif isinstance(event, Restored) and event.service in began:
            done[event.service] = (began[event.service], event.at.timestamp())
    return [
        Measurement(
            service=service,
            key="restore_time" if service in failed else "restart_time",
            seconds=end - start,
            incident=incident,
            exercise=exercise,
        )
        for service, (start, end) in sorted(done.items())
    ]


def plan_measurements(store: Store, plan_name: str) -> list[Measurement]:
    """Every measurement of the incidents and exercises of the plan named ``plan_name`` in
    ``store``, oldest incident first (what the store finds damaged is said through its ``warn``
    and left out)."""
    out: list[Measurement] = []
    for row in store.incident_rows():
        if row.plan_name != plan_name:
            continue
        try:
            journal = effective(store.events(row.id))
        except DamagedRowError as damaged:
            store.said(str(damaged))
            continue
        out += measured(journal, row.id, row.exercise)
    return out
