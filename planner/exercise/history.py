"""A drill's score read from the store, with the trend against the last exercise of the same
scenario of the same plan."""

from __future__ import annotations

from planner.exercise.score import Score, score
from planner.tracking.domain.fold import effective
from planner.tracking.persistence.store import Store


def scored(store: Store, incident: str) -> Score:
    """Score ``incident`` (a drill of ``store``), without its trend."""
    state = store.snapshot(incident)
    assert state is not None, "the caller required the incident"
    return score(state, effective(store.events(incident)))


def with_trend(store: Store, incident: str) -> Score:
    """Score ``incident`` and compare it with the last drill of the same scenario of the same plan
    opened before it."""
    row = store.require(incident)
    result = scored(store, incident)
    rows = store.incident_rows()  # oldest first
    before = rows[: next(i for i, r in enumerate(rows) if r.id == row.id)]
    earlier = [
        r for r in before if r.exercise and r.scenario == row.scenario and r.plan_name == row.plan_name
    ]
    if earlier:
        last = earlier[-1]
        result.previous = (last.id, scored(store, last.id).total)
    return result
