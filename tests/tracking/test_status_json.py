"""``incident status --format json``'s times: the projection's, written as ``isoformat`` writes
them, whichever way the status makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.duration import later
from models.plan import Plan
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.state import RESTORED
from planner.tracking.persistence.clock import Now
from planner.tracking.reports.progress import Projection
from planner.tracking.reports.status_json import _finish_texts, _utc_texts, status_json
from planner.tracking.reports.status_text import rto_left

_OFFSETS = st.lists(st.integers(min_value=-(10**10), max_value=400 * 365 * 86400), max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    _OFFSETS,
    st.sampled_from([UTC, timezone(timedelta(hours=5, seconds=30)), None]),
    st.booleans(),
)
def test_finishes_are_written_as_isoformat_writes_them(
    now: datetime, offsets: list[int], zone: timezone | None, floats: bool
) -> None:
    """In UTC (from a time given or a :class:`Now`) a day's date and a time of day are written
    once each; else, or for offsets that are not whole seconds, ``isoformat`` writes each; past
    the calendar's ends, None."""
    now = now.replace(tzinfo=zone)
    seconds: list[float] = [o + 0.25 if floats else o for o in offsets]
    given: dict[str, int] = {f"s{i}": o for i, o in enumerate(seconds)}  # type: ignore[misc]
    projection = Projection(now, given, None, [], [], [])
    expected = {o: None if (when := later(now, o)) is None else when.isoformat() for o in seconds}
    assert _finish_texts(projection) == expected
    if zone is UTC and not floats:
        clock = Now.fromtimestamp(0, UTC).replace(
            now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond
        )
        assert _utc_texts(clock, offsets) == expected


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
