"""The best makespan any work-conserving schedule can reach on one random plan of
``benchmarks/quality.py``, by exhaustive search (issue: planning engine).

A work-conserving schedule never leaves a team slot idle while one of the team's tasks is ready,
so at every moment the only choice is *which* ready tasks start. This walks every such choice
(states are memoised; branches that cannot beat the best so far are cut using the longest chain
of work left behind each task) and prints the best makespan against the lower bound
max(longest chain, heaviest team load / capacity). Feasible for small plans only: plan 56 (25
tasks) takes 61 states; a 39-task plan runs for minutes.

    python -m benchmarks.work_conserving_best SEED [SEED ...]
"""

from __future__ import annotations

import itertools
import random
import sys

from benchmarks.quality import random_plan
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import compute_impact
from planner.engine.scenario import select
from planner.engine.schedule import Problem, schedule, work_behind

Running = tuple[tuple[int, str], ...]
"""(finish, task) of every task in progress, sorted."""


def best_makespan(problem: Problem) -> tuple[int, int]:
    """(best makespan over all work-conserving schedules, states visited)."""
    tail = work_behind(problem)
    best = sum(problem.duration.values()) + 1
    seen: set[tuple[int, frozenset[str], Running]] = set()

    def walk(now: int, done: frozenset[str], running: Running) -> None:
        nonlocal best
        if (now, done, running) in seen:
            return
        seen.add((now, done, running))
        started = done | {t for _, t in running}
        bound = max(
            [f - problem.duration[t] + tail[t] for f, t in running]
            + [now + tail[t] for t in problem.order if t not in started]
            + [now]
        )
        if bound >= best:
            return
        if len(done) == len(problem.order):
            best = now
            return
        busy: dict[str, int] = {}
        for _, t in running:
            busy[problem.team[t]] = busy.get(problem.team[t], 0) + 1
        ready: dict[str, list[str]] = {}
        for t in problem.order:
            if t not in started and all(d in done for d in problem.deps[t]):
                ready.setdefault(problem.team[t], []).append(t)
        choices = [
            list(itertools.combinations(tasks, min(problem.capacity[team] - busy.get(team, 0), len(tasks))))
            for team, tasks in ready.items()
        ]
        for pick in itertools.product(*choices):
            after = [*running, *((now + problem.duration[t], t) for chosen in pick for t in chosen)]
            nxt = min(f for f, _ in after)
            walk(
                nxt,
                done | {t for f, t in after if f == nxt},
                tuple(sorted((f, t) for f, t in after if f != nxt)),
            )

    walk(0, frozenset(), ())
    return best, len(seen)


def main(seeds: list[int]) -> None:
    for seed in seeds:
        plan = random_plan(seed, random.Random(seed).randint(20, 300), tight=False)
        graph = RecoveryGraph.from_plan(plan)
        ours = schedule(graph, compute_impact(graph, select(plan)))
        bound = ours.lower_bound()
        best, states = best_makespan(ours.problem)
        print(
            f"plan {seed}: {len(ours.problem.order)} tasks, lower bound {bound / 60:.0f} min; "
            f"best work-conserving makespan {best / 60:.0f} min = {best / bound:.3f}x "
            f"({states} states); the planner's {ours.makespan / 60:.0f} min = {ours.makespan / bound:.3f}x"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [56])
