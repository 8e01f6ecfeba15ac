"""Schedule quality on random plans (issue: planning engine).

1. Makespan against the lower bound max(longest chain, heaviest team load / capacity) over
   random plans (shape of the property tests).
2. RTO misses of the deadline-first schedule against plain first-come-first-served list
   scheduling, over random plans with tight RTOs and scarce capacity.

Run: ``python -m benchmarks.quality [COUNT]``. Deterministic (seeded).
"""

from __future__ import annotations

import random
import statistics
import sys
from typing import Any

from models.plan import Plan
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import compute_impact
from planner.engine.scenario import select
from planner.engine.schedule import build_problem, earliest_finish, fcfs_priority, list_schedule, schedule


def random_plan(seed: int, n: int, tight: bool) -> Plan:
    """A layered random DAG; ``tight``: 1-2 slots per team and RTOs near where FCFS lands."""
    rng = random.Random(seed)
    team_count = rng.randint(2, 6)
    teams = [
        {"id": f"t{i}", "capacity": rng.randint(1, 2) if tight else rng.randint(1, 4)}
        for i in range(team_count)
    ]
    services: list[dict[str, Any]] = []
    for i in range(n):
        deps = sorted({rng.randrange(i) for _ in range(rng.randint(0, min(4, i)))}) if i else []
        services.append(
            {
                "id": f"s{i:04d}",
                "owner": f"t{rng.randrange(team_count)}",
                "criticality": rng.choice(["critical", "high", "medium", "low"]),
                "restore_time": f"{rng.randint(5, 60)}m",
                "restart_time": f"{rng.randint(1, 15)}m",
                "depends_on": [f"s{d:04d}" for d in deps],
            }
        )
    plan = Plan.model_validate({"version": 1, "name": f"r{seed}", "teams": teams, "services": services})
    graph = RecoveryGraph.from_plan(plan)
    problem = build_problem(graph, compute_impact(graph, select(plan)))
    if tight:
        # RTOs around where plain first-come-first-served lands each service: about half miss,
        # and a better order can save some of them.
        _, _, reference = list_schedule(problem, fcfs_priority(problem))
        spread = (0.7, 1.3)
    else:
        reference = earliest_finish(problem)
        spread = (1.0, 4.0)
    for s in services:
        s["rto"] = f"{max(1, int(reference[s['id']] * rng.uniform(*spread) / 60))}m"
    return Plan.model_validate({"version": 1, "name": f"r{seed}", "teams": teams, "services": services})


def misses(finish: dict[str, int], rto: dict[str, int | None]) -> int:
    return sum(1 for s, f in finish.items() if (r := rto[s]) is not None and f > r)


def main(count: int) -> None:
    ratios = []
    for seed in range(count):
        plan = random_plan(seed, random.Random(seed).randint(20, 300), tight=False)
        graph = RecoveryGraph.from_plan(plan)
        result = schedule(graph, compute_impact(graph, select(plan)))
        ratios.append(result.makespan / result.lower_bound())
    within = sum(1 for r in ratios if r <= 1.15)
    print(f"makespan / lower bound over {count} random plans (20-300 services):")
    print(
        f"  mean {statistics.mean(ratios):.3f}  median {statistics.median(ratios):.3f}  "
        f"p90 {sorted(ratios)[int(0.9 * count) - 1]:.3f}  max {max(ratios):.3f}  "
        f"within 1.15x: {within}/{count}"
    )
    total_deadline = total_fcfs = better = worse = 0
    for seed in range(count):
        plan = random_plan(1000 + seed, random.Random(seed).randint(30, 200), tight=True)
        graph = RecoveryGraph.from_plan(plan)
        impact = compute_impact(graph, select(plan))
        ours = schedule(graph, impact)
        problem = build_problem(graph, impact)
        _, _, fcfs_finish = list_schedule(problem, fcfs_priority(problem))
        a, b = misses(ours.finish, graph.rto), misses(fcfs_finish, graph.rto)
        total_deadline += a
        total_fcfs += b
        better += a < b
        worse += a > b
    print(f"RTO misses over {count} random plans (30-200 services), tight RTOs, 1-2 slots per team:")
    print(f"  deadline-first (ours) {total_deadline}   first-come-first-served {total_fcfs}")
    print(f"  ours fewer on {better} plans, more on {worse}, equal on {count - better - worse}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
