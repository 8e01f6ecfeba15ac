"""The schedule by task number (planner.engine.indexed) gives the answers of the id-keyed
functions of planner.engine.schedule, tie for tie, on random plans; and a problem copied with
``dataclasses.replace`` (a lever tried) is numbered again, not scheduled with the original's lists."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings

from models.plan import Plan
from planner.engine.graph import RecoveryGraph
from planner.engine.planning import plan_recovery
from planner.engine.schedule import (
    critical_chain,
    deadline_priority,
    deadlines,
    earliest_finish,
    list_schedule,
    schedule,
)
from planner.engine.waves import restore_waves
from tests.strategies import dag_plans, examples


@settings(max_examples=examples(20), deadline=None)
@given(dag_plans(max_services=30))
def test_numbered_schedule_equals_the_id_keyed_one(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    planning = plan_recovery(plan, failed=failed)
    graph, timeline = planning.graph, planning.schedule
    problem = timeline.problem
    assert problem.indexed is not None
    ready, start, finish = list_schedule(problem, deadline_priority(problem, graph))
    assert (timeline.ready, timeline.start, timeline.finish) == (ready, start, finish)
    assert timeline.earliest == earliest_finish(problem)
    assert timeline.due == deadlines(problem, graph.rto)
    assert timeline.critical_path == critical_chain(problem, finish)
    late = sorted(s for s, f in finish.items() if (r := graph.rto[s]) is not None and f > r)
    assert timeline.misses() == late
    assert timeline.by_start() == sorted(sorted(start), key=start.__getitem__)
    members = set(planning.impact.impacted)
    assert sorted(problem.deps) == sorted(problem.order) == sorted(problem.dependents)
    assert all(s not in problem.deps for s in graph.ids if s not in members)
    for s in problem.order:
        assert problem.deps[s] == [d for d in graph.hard_deps[s] if d in members]
        assert problem.dependents[s] == [d for d in graph.hard_dependents[s] if d in members]
    # the chains of the RTO analysis: the same walk, tie for tie
    analysis = planning.rto
    for miss in analysis.unachievable + analysis.missed:
        times = timeline.earliest if miss.unachievable else finish
        chain = tuple(critical_chain(problem, times, miss.service))
        assert analysis.chain(miss) == chain
        assert analysis.start_and_length(miss) == (chain[0], len(chain))
    # a copy is numbered from its id-keyed tables, with the same answers
    copy = replace(problem)
    assert copy.indexed is None
    again = schedule(graph, planning.impact, copy)
    assert (again.ready, again.start, again.finish, again.due) == (ready, start, finish, timeline.due)


@settings(max_examples=examples(10), deadline=None)
@given(dag_plans(max_services=30))
def test_graph_views_read_the_plan(case: tuple[Plan, list[str] | None]) -> None:
    plan, _ = case
    graph = RecoveryGraph.from_plan(plan)
    hard = {s.id: sorted({d.service for d in s.depends_on if d.kind == "hard"}) for s in plan.services}
    assert dict(graph.hard_deps) == {s: sorted(hard[s]) for s in sorted(hard)}
    for s in plan.services:
        assert graph.hard_dependents[s.id] == sorted(t for t in hard if s.id in hard[t])
        assert graph.soft_dependents[s.id] == sorted(
            t.id for t in plan.services for d in t.depends_on if d.kind == "soft" and d.service == s.id
        )
    assert list(graph.hard_dependents) == [s.id for s in plan.services]  # the plan's order, as before
    waves = restore_waves(graph, graph.services)
    assert sorted(s for wave in waves for s in wave) == graph.ids


def test_an_id_used_twice_keeps_the_last_service_as_a_dict_would() -> None:
    """A plan that failed its checks can still be drawn: the last service of an id wins."""
    plan = Plan.model_validate(
        {
            "version": 1,
            "name": "twice",
            "services": [
                {"id": "a", "rto": "1h", "restore_time": "5m"},
                {"id": "b", "depends_on": ["a"]},
                {"id": "a", "rto": "2h", "restore_time": "10m", "criticality": "critical"},
            ],
        }
    )
    graph = RecoveryGraph.from_plan(plan)
    assert graph.ids == ["a", "b"]
    assert graph.rto == {"a": 7200, "b": None}
    assert (graph.rto_of, graph.rank_of, graph.restore_of) == ([7200, None], [0, 2], [600, 0])
    assert graph.hard_dependents["a"] == ["b"]
