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
    started before it."""
    row = store.require(incident)
    result = scored(store, incident)
    earlier = [
        r
        for r in store.incident_rows()
        if r.exercise
        and r.id != row.id
        and r.scenario == row.scenario
        and r.plan_name == row.plan_name
        and r.started < row.started
    ]
    if earlier:
        last = max(earlier, key=lambda r: r.started)
        result.previous = (last.id, scored(store, last.id).total)
    return result
