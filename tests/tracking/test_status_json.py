"""``incident status --format json``'s times: the projection's, written as ``isoformat`` writes
them, whichever way the status makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.state import RESTORED
from planner.tracking.persistence.clock import Now
from planner.tracking.reports.progress import Projection
from planner.tracking.reports.status_json import _iso_texts, status_json
from planner.tracking.reports.status_text import rto_left

_TIMES = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))


@settings(max_examples=50, deadline=None)
@given(st.lists(_TIMES, max_size=5), st.sampled_from([UTC, timezone(timedelta(hours=5, seconds=30)), None]))
def test_times_are_written_as_isoformat_writes_them(times: list[datetime], zone: timezone | None) -> None:
    """In UTC orjson writes them; in a zone of a seconds offset (which it would round) or none,
    ``isoformat`` does."""
    whens: list[datetime | None] = [t.replace(tzinfo=zone) for t in times]
    now = datetime(2026, 1, 1, tzinfo=zone)
    expected = [None if w is None else w.isoformat() for w in [*whens, None]]
    assert _iso_texts([*whens, None], now) == expected


@pytest.mark.parametrize("clock", [datetime, Now])
def test_each_projected_finish_is_the_projections_past_the_year_9999_none(clock: type[datetime]) -> None:
    """Tasks sharing a finish, one past the calendar's end, one restored (no finish); from a
    time given and from this machine's clock (a :class:`Now`)."""
    services = [{"id": f"s{i}", "restore_time": "10m"} for i in range(4)]
    plan = Plan.model_validate({"version": 1, "name": "four", "services": services})
    now = clock(2026, 11, 28, 2, 0, 0, 250000, tzinfo=UTC)
    state, _ = initial_state(
        plan, "h", "INC-1", scenario=None, failed=None, title=None, exercise=False, actor="a", at=now
    )
    state.tasks["s3"].state = RESTORED
    state.tasks["s3"].restored = now
    offsets = {"s0": 600, "s1": 600, "s2": 3650 * 86400 * 10_000}
    projection = Projection(now, offsets, None, [], [], [])
    doc = status_json(state, [], projection, now)
    finishes = {s["service"]: s["projected_finish"] for s in doc["services"]}
    assert finishes == {
        "s0": "2026-11-28T02:10:00.250000+00:00",
        "s1": "2026-11-28T02:10:00.250000+00:00",
        "s2": None,
        "s3": None,
    }
    assert all(
        finishes[s] == (None if (f := projection.finish(s)) is None else f.isoformat()) for s in finishes
    )


def test_rto_minutes_are_each_tasks_even_at_zero_left() -> None:
    """Tasks sharing RTOs, one without, one exactly at its deadline (0 left is a time, not none),
    one restored after its RTO: each its own RTO and time left in minutes."""
    services = [
        {"id": "none", "restore_time": "10m"},
        {"id": "due", "restore_time": "10m", "rto": "1h"},
        {"id": "same", "restore_time": "10m", "rto": "1h"},
        {"id": "long", "restore_time": "10m", "rto": "90m"},
        {"id": "late", "restore_time": "10m", "rto": "30m"},
    ]
    plan = Plan.model_validate({"version": 1, "name": "rtos", "services": services})
    start = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
    state, _ = initial_state(
        plan, "h", "INC-1", scenario=None, failed=None, title=None, exercise=False, actor="a", at=start
    )
    state.tasks["late"].state = RESTORED
    state.tasks["late"].restored = start + timedelta(minutes=45)
    now = start + timedelta(hours=1)
    doc = status_json(state, [], Projection(now, {}, None, [], [], []), now)
    got = {s["service"]: (s["rto_minutes"], s["rto_left_minutes"]) for s in doc["services"]}
    assert got == {
        "none": (None, None),
        "due": (60.0, 0.0),
        "same": (60.0, 0.0),
        "long": (90.0, 30.0),
        "late": (30.0, -15.0),
    }
    for task in state.tasks.values():
        left = rto_left(state, task, now)
        assert got[task.service][1] == (None if left is None else left.total_seconds() / 60)
