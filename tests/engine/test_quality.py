"""Schedule quality on a fixed, seeded set of random plans (the figures benchmarks/quality.py prints)."""

from __future__ import annotations

import random
import statistics

from benchmarks.quality import misses, random_plan
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import compute_impact
from planner.engine.scenario import select
from planner.engine.schedule import build_problem, fcfs_priority, list_schedule, schedule


def test_fewer_rto_misses_than_first_come_first_served() -> None:
    ours = fcfs = 0
    for seed in range(50):
        plan = random_plan(1000 + seed, random.Random(seed).randint(30, 120), tight=True)
        graph = RecoveryGraph.from_plan(plan)
        impact = compute_impact(graph, select(plan))
        ours += misses(schedule(graph, impact).finish, graph.rto)
        problem = build_problem(graph, impact)
        fcfs += misses(list_schedule(problem, fcfs_priority(problem))[2], graph.rto)
    assert ours < fcfs, (ours, fcfs)


def test_makespan_close_to_the_lower_bound() -> None:
    ratios = []
    for seed in range(50):
        plan = random_plan(seed, random.Random(seed).randint(20, 150), tight=False)
        graph = RecoveryGraph.from_plan(plan)
        result = schedule(graph, compute_impact(graph, select(plan)))
        ratios.append(result.makespan / result.lower_bound())
    assert statistics.median(ratios) <= 1.15
    assert sum(r <= 1.15 for r in ratios) >= 0.8 * len(ratios)
    assert max(ratios) < 1.5
