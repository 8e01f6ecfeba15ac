"""The engine's parts tested directly (graph, impact, waves, schedule, RTO analysis), on a small
plan whose every answer is worked out by hand below, not only through ``plan_recovery``.

    storage (infra, 30m, critical, RTO 1h)     dns (net, 10m, high, RTO 30m)
          \\                                     /
           db (dba, restore 20m, restart 5m, critical, RTO 1h)
            |
           api (app, restart 10m, RTO 90m) - - soft - - cache (app, 5m)
            :
           web (soft on api; no owner)
"""

from __future__ import annotations

from typing import Any

import pytest

from models.plan import Plan
from planner.engine.graph import UNOWNED, RecoveryGraph, depths
from planner.engine.impact import compute_impact
from planner.engine.rto import analyse
from planner.engine.scenario import FULL_OUTAGE, select
from planner.engine.schedule import build_problem, earliest_finish, schedule
from planner.engine.waves import restore_waves
from planner.errors import UsageError

MIN = 60


def _plan(**changes: Any) -> Plan:
    teams = [{"id": t, "capacity": 1} for t in ("infra", "net", "dba", "app")]
    services = [
        {"id": "storage", "owner": "infra", "criticality": "critical", "rto": "1h", "restore_time": "30m"},
        {"id": "dns", "owner": "net", "criticality": "high", "rto": "30m", "restore_time": "10m"},
        {
            "id": "db",
            "owner": "dba",
            "criticality": "critical",
            "rto": "1h",
            "restore_time": "20m",
            "restart_time": "5m",
            "depends_on": ["storage", "dns"],
        },
        {
            "id": "api",
            "owner": "app",
            "rto": "90m",
            "restart_time": "10m",
            "depends_on": ["db", {"service": "cache", "kind": "soft"}],
        },
        {"id": "cache", "owner": "app", "restore_time": "5m"},
        {"id": "web", "depends_on": [{"service": "api", "kind": "soft"}]},
    ]
    for service in services:
        service.update(changes.get(str(service["id"]), {}))
    return Plan.model_validate({"version": 1, "name": "units", "teams": teams, "services": services})


@pytest.fixture
def graph() -> RecoveryGraph:
    return RecoveryGraph.from_plan(_plan())


def test_graph_edges_and_per_service_facts(graph: RecoveryGraph) -> None:
    assert graph.hard_deps["db"] == ["dns", "storage"]
    assert graph.hard_deps["api"] == ["db"]
    assert graph.hard_dependents["db"] == ["api"]
    assert graph.soft_dependents["cache"] == ["api"]
    assert graph.soft_dependents["api"] == ["web"]
    assert graph.capacity == {"infra": 1, "net": 1, "dba": 1, "app": 1, UNOWNED: 1}
    assert graph.rto["dns"] == 30 * MIN
    assert graph.rto["web"] is None
    assert graph.rank["db"] == 0
    assert graph.team["web"] == UNOWNED


def test_dependents_closure_is_breadth_first_with_parents(graph: RecoveryGraph) -> None:
    assert graph.dependents_closure(["dns"]) == {"dns": None, "db": "dns", "api": "db"}


def test_depths() -> None:
    assert depths({"a": [], "b": ["a"], "c": ["a", "b"], "x": ["y"], "y": ["x"]}) == {
        "a": 1,
        "b": 2,
        "c": 3,
        "x": 4,  # on a cycle: one past all the others
        "y": 4,
    }


def test_impact_of_a_storage_failure(graph: RecoveryGraph) -> None:
    impact = compute_impact(graph, select(graph.plan, failed=["storage"]))
    assert impact.impacted == ("api", "db", "storage")
    assert impact.degraded == ("web",)  # soft on api; cache is untouched
    assert impact.critical == ("db", "storage")
    assert impact.path("api") == ("storage", "db", "api")


def test_select_refuses_unknown_ids_with_a_suggestion(graph: RecoveryGraph) -> None:
    with pytest.raises(UsageError, match="did you mean 'storage'"):
        select(graph.plan, failed=["storag"])
    assert select(graph.plan).id == FULL_OUTAGE


def test_waves_order_by_criticality_then_rto_then_id(graph: RecoveryGraph) -> None:
    assert restore_waves(graph, graph.services) == [["storage", "dns", "cache", "web"], ["db"], ["api"]]
    assert restore_waves(graph, {"storage", "db", "api"}) == [["storage"], ["db"], ["api"]]


def test_problem_durations_restore_if_failed_restart_if_impacted(graph: RecoveryGraph) -> None:
    problem = build_problem(graph, compute_impact(graph, select(graph.plan, failed=["storage"])))
    assert problem.order == ["storage", "db", "api"]
    assert problem.duration == {"storage": 30 * MIN, "db": 5 * MIN, "api": 10 * MIN}
    assert problem.deps["db"] == ["storage"]  # dns is not impacted: no edge to wait on
    assert earliest_finish(problem) == {"storage": 30 * MIN, "db": 35 * MIN, "api": 45 * MIN}


def test_schedule_of_a_chain(graph: RecoveryGraph) -> None:
    timeline = schedule(graph, compute_impact(graph, select(graph.plan, failed=["storage"])))
    assert timeline.start == {"storage": 0, "db": 30 * MIN, "api": 35 * MIN}
    assert timeline.makespan == 45 * MIN
    assert timeline.critical_path == ["storage", "db", "api"]
    assert timeline.misses() == []


def test_schedule_respects_capacity_and_earliest_deadline_first() -> None:
    """storage and dns share team infra (1 slot): dns's RTO (30m) is the earlier deadline, so
    it goes first though storage is more critical; everything still meets its RTO."""
    graph = RecoveryGraph.from_plan(_plan(dns={"owner": "infra"}))
    timeline = schedule(graph, compute_impact(graph, select(graph.plan, failed=["storage", "dns"])))
    assert timeline.start["dns"] == 0
    assert timeline.start["storage"] == 10 * MIN
    assert timeline.start["db"] == 40 * MIN  # restart only: it failed through its dependencies
    assert timeline.finish["api"] == 55 * MIN
    assert timeline.due["storage"] == 55 * MIN  # db's 1h RTO less db's 5 minutes
    assert timeline.lower_bound() == 45 * MIN  # the longest chain: 30 + 5 + 10
    assert timeline.misses() == []


def test_rto_analysis_tells_unachievable_from_missed() -> None:
    # api needs 45 minutes even with unlimited staff: a 40m RTO is unachievable
    graph = RecoveryGraph.from_plan(_plan(api={"rto": "40m"}, dns={"owner": "infra", "rto": "15m"}))
    impact = compute_impact(graph, select(graph.plan, failed=["storage", "dns"]))
    timeline = schedule(graph, impact)
    analysis = analyse(graph, impact, timeline)
    [unachievable] = analysis.unachievable
    assert (unachievable.service, unachievable.earliest_finish, unachievable.rto) == (
        "api",
        45 * MIN,
        40 * MIN,
    )
    assert analysis.chain(unachievable) == ("storage", "db", "api")
    assert analysis.missed == []  # dns first (15m), storage next: db and storage still in time
    assert {m.service for m in analysis.all} == {"api"}
