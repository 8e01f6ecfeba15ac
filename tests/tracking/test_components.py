"""Components' derived state and ETA (planner/tracking/domain/components.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.plan import Plan
from planner.tracking.domain.components import ComponentStatus, component_json, component_views, worst
from planner.tracking.domain.opening import initial_state
from planner.tracking.domain.outline import outline_of
from planner.tracking.domain.state import RESTORED, RESTORING, MemoryView
from planner.tracking.reports.progress import project

START = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)

PLAN = Plan.model_validate(
    {
        "version": 1,
        "name": "shop",
        "services": [
            {"id": "db", "restore_time": "30m"},
            {"id": "api", "restore_time": "10m", "depends_on": ["db"]},
            {"id": "web", "restore_time": "5m"},
            {"id": "search", "restore_time": "20m"},
            {"id": "wiki", "restore_time": "5m"},
        ],
        "components": [
            {
                "id": "checkout",
                "name": "Checkout",
                "audience": "public",
                "needs": ["api", "web"],
                "uses": ["search"],
            },
            {"id": "login", "name": "Login", "audience": "public", "needs": ["db"]},
            {"id": "browse", "name": "Browse", "needs": ["web"], "uses": ["search"]},
            {"id": "wiki", "name": "Wiki", "needs": ["wiki"]},
        ],
    }
)


def started(failed: list[str]) -> MemoryView:
    state, _ = initial_state(
        PLAN, "h", "INC-1", scenario=None, failed=failed, title=None, exercise=False, actor="a", at=START
    )
    return state


def statuses(state: MemoryView) -> dict[str, str]:
    return {v.id: v.status.value for v in component_views(PLAN, state, None, START)}


def test_the_state_rule_case_by_case() -> None:
    state = started(["db", "search"])  # impacts db and api (hard), search; web and wiki are up
    assert statuses(state) == {
        "checkout": "partial_outage",  # api down, web up
        "login": "major_outage",  # its only needed service
        "browse": "degraded",  # web up, search (used) down
        "wiki": "operational",  # outside the incident's impact
    }
    state.tasks["db"].state = RESTORED
    state.tasks["api"].state = RESTORING  # restoring is not back yet
    assert statuses(state)["login"] == "operational"
    assert statuses(state)["checkout"] == "partial_outage"
    state.tasks["api"].state = RESTORED
    assert statuses(state)["checkout"] == "degraded"
    state.tasks["search"].state = RESTORED
    assert set(statuses(state).values()) == {"operational"}


def test_all_needed_down_is_a_major_outage() -> None:
    state = started(["db", "web"])
    views = {v.id: v for v in component_views(PLAN, state, None, START)}
    assert views["checkout"].status is ComponentStatus.MAJOR_OUTAGE
    assert views["checkout"].waiting_on == ("api", "web")
    assert views["browse"].waiting_on == ("web",)
    assert worst(list(views.values())) is ComponentStatus.MAJOR_OUTAGE


def test_an_outline_gives_the_same_views_as_the_rows() -> None:
    state = started(["db", "search", "web"])
    state.tasks["web"].state = RESTORED
    assert component_views(PLAN, state, None, START) == component_views(PLAN, outline_of(state), None, START)


def test_eta_is_the_latest_projected_finish_of_what_it_waits_on() -> None:
    state = started(["db", "search"])
    projection = project(outline_of(state), START)
    views = {v.id: v for v in component_views(PLAN, state, projection, START)}
    # one pool: db, search and api share capacity 1 (no owners), so the order decides the finishes
    assert views["login"].eta == projection.finish("db")
    assert views["checkout"].eta == max(projection.finish("api"), projection.finish("search"))  # type: ignore[type-var]
    assert views["checkout"].eta is not None
    assert views["checkout"].eta >= START + timedelta(minutes=40)
    assert views["wiki"].eta is None  # operational
    assert all(v.eta is None for v in component_views(PLAN, state, None, START))


def test_an_eta_is_never_in_the_past() -> None:
    state = started(["db"])
    projection = project(outline_of(state), START)
    later = START + timedelta(hours=3)  # the projection is old: db was due at 02:30
    (login,) = [v for v in component_views(PLAN, state, projection, later) if v.id == "login"]
    assert login.eta == later


@pytest.mark.parametrize("internal", [True, False])
def test_public_json_never_names_a_service(internal: bool) -> None:
    state = started(["db"])
    out = [component_json(v, internal=internal) for v in component_views(PLAN, state, None, START)]
    assert ("waiting_on" in out[1]) is internal
    if not internal:
        assert "'db'" not in repr(out)
