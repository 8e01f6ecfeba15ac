"""``planner audit --all-scenarios``: every scenario and every single-service failure, worst first."""

from __future__ import annotations

from dataclasses import dataclass

from models.plan import Plan
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import Impact, compute_impact
from planner.engine.rto import analyse
from planner.engine.scenario import Selection, select
from planner.engine.schedule import schedule

MAX_SINGLE_FAILURES = 2000
"""Above this many services, only the services with the most hard dependents are failed alone."""
TASK_BUDGET = 500_000
"""Tasks scheduled in all, over every scenario and single failure: about 20 s on two busy cores
(some 40 microseconds a task); a plan's scenarios come first, then the failures most depended on."""


@dataclass(frozen=True)
class ScenarioOutcome:
    """How one scenario goes."""

    id: str
    """Scenario id, or ``fail:<service>`` for a single-service failure."""
    name: str
    """Display name."""
    impacted: int
    """Services to restore."""
    rto_misses: int
    """RTOs missed in the capacity-bound schedule."""
    unachievable: int
    """Of those, how many no staffing could meet."""
    unowned: int
    """Impacted services without an owner."""
    makespan: int
    """Seconds until everything is back."""


def all_scenarios(plan: Plan, budget: int | None = None) -> tuple[list[ScenarioOutcome], str]:
    """Every scenario of the plan plus single-service failures, worst first (most RTO misses,
    then most unowned tasks), and a sentence saying what was covered. Each costs one schedule
    of the services it impacts; once ``budget`` tasks have been scheduled in all, the rest are
    not run, and the sentence says how many were left out (a chain of 10,000 services took 213 s
    for 2,000 single failures of some 9,000 services each)."""
    budget = TASK_BUDGET if budget is None else budget
    graph = RecoveryGraph.from_plan(plan)
    selections = [select(plan, scenario=s.id) for s in plan.scenarios]
    singles = sorted(graph.services)
    covered = f"{len(plan.scenarios)} scenarios and all {len(singles)} single-service failures"
    if len(singles) > MAX_SINGLE_FAILURES:
        singles = sorted(singles, key=lambda s: (-len(graph.hard_dependents[s]), s))[:MAX_SINGLE_FAILURES]
        covered = (
            f"{len(plan.scenarios)} scenarios and the {MAX_SINGLE_FAILURES} single-service failures "
            f"with the most hard dependents (of {len(graph.services)} services)"
        )
    selections += [Selection(f"fail:{s}", f"{s} fails alone", (s,)) for s in singles]
    outcomes: list[ScenarioOutcome] = []
    spent = 0
    for selection in selections:
        impact = compute_impact(graph, selection)
        if outcomes and spent + len(impact.impacted) > budget:
            covered += (
                f"; only the first {len(outcomes):,} were run: they scheduled {spent:,} tasks, and "
                f"the budget is {budget:,} (one schedule of every impacted service per failure)"
            )
            break
        spent += len(impact.impacted)
        outcomes.append(_outcome(graph, selection, impact))
    outcomes.sort(key=lambda o: (-o.rto_misses, -o.unowned, -o.impacted, o.id))
    return outcomes, covered


def _outcome(graph: RecoveryGraph, selection: Selection, impact: Impact) -> ScenarioOutcome:
    timeline = schedule(graph, impact)
    rto = analyse(graph, impact, timeline, find_levers=False)
    return ScenarioOutcome(
        id=selection.id,
        name=selection.name,
        impacted=len(impact.impacted),
        rto_misses=len(rto.unachievable) + len(rto.missed),
        unachievable=len(rto.unachievable),
        unowned=sum(1 for s in impact.impacted if graph.services[s].owner is None),
        makespan=timeline.makespan,
    )
