"""Property tests of the planning engine: every sentence of docs/design/semantics.md as an invariant."""

from __future__ import annotations

import itertools
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.plan import Plan
from planner.cli.plan_output import order_json, schedule_json
from planner.engine.planning import Planning, plan_recovery
from tests.strategies import dag_plans, examples

SETTINGS = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _hard_edges(p: Planning) -> list[tuple[str, str]]:
    members = set(p.impact.impacted)
    return [(d, s) for s in members for d in p.graph.hard_deps[s] if d in members]


@SETTINGS
@given(dag_plans())
def test_impact_is_failed_plus_transitive_hard_dependents(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    p = plan_recovery(plan, failed=failed)
    g = p.graph
    expected = set(p.selection.failed)
    changed = True
    while changed:
        changed = False
        for s, deps in g.hard_deps.items():
            if s not in expected and any(d in expected for d in deps):
                expected.add(s)
                changed = True
    assert set(p.impact.impacted) == expected
    for s in p.impact.degraded:
        assert s not in expected
        assert any(d.kind == "soft" and d.service in expected for d in g.services[s].depends_on)
    for s in p.impact.impacted:
        path = p.impact.path(s)
        assert path[0] in p.selection.failed
        assert path[-1] == s
        assert all(a in g.hard_deps[b] for a, b in itertools.pairwise(path))


@SETTINGS
@given(dag_plans())
def test_waves_respect_every_hard_edge_and_are_generations(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    p = plan_recovery(plan, failed=failed)
    wave = {s: i for i, w in enumerate(p.waves) for s in w}
    assert sorted(wave) == sorted(p.impact.impacted)
    for dep, dependent in _hard_edges(p):
        assert wave[dep] < wave[dependent]
    members = set(p.impact.impacted)
    for s, w in wave.items():
        deps = [d for d in p.graph.hard_deps[s] if d in members]
        # each wave is exactly the set of tasks whose deepest impacted dependency is in the wave before
        assert w == (1 + max(wave[d] for d in deps) if deps else 0)
    g = p.graph
    for w in p.waves:
        keys = [(g.rank[s], g.rto[s] if g.rto[s] is not None else float("inf"), s) for s in w]
        assert keys == sorted(keys)


@SETTINGS
@given(dag_plans())
def test_schedule_respects_edges_capacity_durations_and_is_work_conserving(
    case: tuple[Plan, list[str] | None],
) -> None:
    plan, failed = case
    p = plan_recovery(plan, failed=failed)
    sched = p.schedule
    tasks = {t.service: t for t in sched.tasks()}
    assert set(tasks) == set(p.impact.impacted)
    for t in tasks.values():
        assert t.finish - t.start == t.duration
        assert t.start >= t.ready
    for dep, dependent in _hard_edges(p):
        assert tasks[dependent].start >= tasks[dep].finish
    cap = sched.problem.capacity
    intervals: dict[str, list[tuple[int, int]]] = {}
    for t in tasks.values():
        if t.duration > 0:
            intervals.setdefault(t.team, []).append((t.start, t.finish))
    events = sorted({t.start for t in tasks.values()} | {t.finish for t in tasks.values()})

    def busy(team: str, at: int) -> int:
        return sum(1 for a, b in intervals.get(team, []) if a <= at < b)

    for team in intervals:
        for at in events:
            assert busy(team, at) <= cap[team], (team, at)
    for t in tasks.values():
        if t.start > t.ready:
            for at in [t.ready, *(e for e in events if t.ready < e < t.start)]:
                assert busy(t.team, at) == cap[t.team], f"{t.service} waited at {at} with a free slot"
    assert sched.makespan >= sched.lower_bound() - 1e-9
    assert sched.makespan == max((t.finish for t in tasks.values()), default=0)


@SETTINGS
@given(dag_plans())
def test_earliest_finish_and_unachievable_rtos(case: tuple[Plan, list[str] | None]) -> None:
    plan, failed = case
    p = plan_recovery(plan, failed=failed)
    tasks = {t.service: t for t in p.schedule.tasks()}
    members = set(tasks)
    for s, t in tasks.items():
        deps = [d for d in p.graph.hard_deps[s] if d in members]
        assert t.earliest_finish == t.duration + max((tasks[d].earliest_finish for d in deps), default=0)
        assert t.finish >= t.earliest_finish
    unachievable = {m.service for m in p.rto.unachievable}
    missed = {m.service for m in p.rto.missed}
    for s, t in tasks.items():
        if t.rto is None:
            assert s not in unachievable | missed
            continue
        assert (s in unachievable) == (t.earliest_finish > t.rto)
        assert (s in missed) == (t.earliest_finish <= t.rto < t.finish)
    for miss in p.rto.all:
        chain = p.rto.chain(miss)
        assert chain[-1] == miss.service
        if miss.unachievable:
            assert sum(p.schedule.problem.duration[s] for s in chain) == miss.earliest_finish


@SETTINGS
@given(dag_plans(), st.integers(0, 2**32))
def test_output_identical_for_a_shuffled_plan(case: tuple[Plan, list[str] | None], seed: int) -> None:
    plan, failed = case
    rng = random.Random(seed)
    services = list(plan.services)
    rng.shuffle(services)
    shuffled_services = []
    for s in services:
        deps = list(s.depends_on)
        rng.shuffle(deps)
        shuffled_services.append(s.model_copy(update={"depends_on": deps}))
    teams = list(plan.teams)
    rng.shuffle(teams)
    shuffled = plan.model_copy(update={"services": shuffled_services, "teams": teams})
    a, b = plan_recovery(plan, failed=failed), plan_recovery(shuffled, failed=failed)
    assert json.dumps(order_json(a)) == json.dumps(order_json(b))
    assert json.dumps(schedule_json(a)) == json.dumps(schedule_json(b))
