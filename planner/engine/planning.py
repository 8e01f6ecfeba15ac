"""One call from a plan to everything the planning commands show: impact, waves, schedule, RTOs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.plan import Plan
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import Impact, compute_impact
from planner.engine.problem import numbered_problem
from planner.engine.rto import RtoAnalysis, analyse
from planner.engine.scenario import Selection, select
from planner.engine.schedule import Schedule, schedule
from planner.engine.waves import restore_waves, wave_numbers
from planner.planfile.lifetime import keep_until_exit


class CyclicGraphError(ValueError):
    """The plan's hard dependencies have a cycle: there is no restore order (the loader's
    referential checks report it with the edge to cut)."""


@dataclass
class Ordering:
    """What is down and the order to restore it (all ``order`` and ``impact`` need)."""

    graph: RecoveryGraph
    """The plan's graph."""
    impact: Impact
    """What is down."""
    waves: list[list[str]]
    """Restore waves."""

    @property
    def selection(self) -> Selection:
        """The scenario."""
        return self.impact.selection


@dataclass
class Planning(Ordering):
    """The answers for one scenario, schedule and RTO analysis included."""

    schedule: Schedule
    """Capacity-aware timeline."""
    rto: RtoAnalysis
    """RTO misses and their levers."""


def plan_order(plan: Plan, scenario: str | None = None, failed: Sequence[str] | None = None) -> Ordering:
    """Impact and waves only: a third of the work of :func:`plan_recovery` at 100,000 services."""
    graph = RecoveryGraph.from_plan(plan)
    impact = compute_impact(graph, select(plan, scenario, failed, graph.index))
    return Ordering(graph, impact, restore_waves(graph, impact.impacted))


def plan_recovery(
    plan: Plan,
    scenario: str | None = None,
    failed: Sequence[str] | None = None,
    graph: RecoveryGraph | None = None,
) -> Planning:
    """Compute impact, waves, schedule and RTO analysis for a scenario of a valid plan.

    Examples
    --------
    >>> from models import Plan
    >>> plan = Plan.model_validate({"version": 1, "name": "x", "services": [
    ...     {"id": "db", "restore_time": "30m"}, {"id": "api", "depends_on": ["db"]}]})
    >>> plan_recovery(plan, failed=["db"]).waves
    [['db'], ['api']]
    """
    graph = graph or RecoveryGraph.from_plan(plan)
    impact = compute_impact(graph, select(plan, scenario, failed, graph.index))
    everything = len(impact.impacted) == len(graph.ids)
    numbers = wave_numbers(graph, None if everything else list(map(graph.index.__getitem__, impact.impacted)))
    if sum(map(len, numbers)) != len(impact.impacted):  # a cycle leaves services out
        raise CyclicGraphError("the hard dependencies have a cycle: there is no restore order")
    ids = graph.ids
    waves = [list(map(ids.__getitem__, wave)) for wave in numbers]
    timeline = schedule(graph, impact, numbered_problem(graph, impact, numbers))
    planning = Planning(graph, impact, waves, timeline, analyse(graph, impact, timeline))
    keep_until_exit(planning)
    return planning
