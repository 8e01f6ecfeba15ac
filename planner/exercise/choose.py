"""``planner exercise plan``: what to exercise next and why (docs/guide/exercises.md#choosing).

The plan's scenarios are ranked by how long since each was exercised and by risk, as the
all-scenarios audit measures it: never exercised or overdue (``policy.exercise_interval_days``)
first, then most RTOs missed in the schedule, most unowned tasks, most services to restore, the
longest since the last exercise. For the first, it names the people who must take part (the
owner teams, the incident roles, and everyone on an escalation path untested for longer than
``policy.escalation_test_days``) and the commands to dry-run first (``planner audit --run-checks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from models.plan import Plan
from planner.audit.checkruns import Command, commands
from planner.audit.scenarios import ScenarioOutcome, all_scenarios
from planner.planfile.loader import LoadedPlan


@dataclass(frozen=True)
class Candidate:
    """One scenario of the plan, as a candidate for the next exercise."""

    outcome: ScenarioOutcome
    last: date | None
    """When it was last exercised (the plan's ``exercises:``, and drills in the store)."""
    overdue: bool
    """Never exercised, or not within ``exercise_interval_days``."""

    def days_since(self, today: date) -> int | None:
        """Days since it was last exercised."""
        return None if self.last is None else (today - self.last).days


@dataclass
class Choice:
    """What to exercise next."""

    today: date
    candidates: list[Candidate]
    """Every scenario of the plan, first the one to exercise next."""
    covered: str
    """What the all-scenarios audit covered."""
    teams: list[str] = field(default_factory=list)
    """Owner teams of the first candidate's services."""
    roles: dict[str, str] = field(default_factory=dict)
    """Incident roles: role -> person."""
    untested: list[tuple[str, str, date | None]] = field(default_factory=list)
    """(team, person, when the path was last tested) for escalation paths past the policy."""
    dry_run: list[Command] = field(default_factory=list)
    """The first candidate's verify and check commands, wave by wave."""
    worst_single: ScenarioOutcome | None = None
    """A single-service failure that misses more RTOs than any scenario (worth a scenario)."""


def choose(loaded: LoadedPlan, today: date, drills: Sequence[tuple[str, date]] = ()) -> Choice:
    """Rank the plan's scenarios for the next exercise as of ``today``; ``drills`` are exercises
    found in a store (scenario, day), beside the plan's ``exercises:``."""
    plan = loaded.require_valid()
    outcomes, covered = all_scenarios(plan)
    done = [(e.scenario, e.date) for e in plan.exercises] + list(drills)
    limit = plan.policy.exercise_interval_days
    candidates = []
    for outcome in (o for o in outcomes if not o.id.startswith("fail:")):
        days = [d for s, d in done if s == outcome.id and d <= today]
        last = max(days, default=None)
        candidates.append(Candidate(outcome, last, last is None or (today - last).days > limit))
    candidates.sort(key=lambda c: _rank(c, today))
    choice = Choice(today, candidates, covered)
    worst = next((o for o in outcomes if o.id.startswith("fail:")), None)
    if worst is not None and worst.rto_misses > max((c.outcome.rto_misses for c in candidates), default=0):
        choice.worst_single = worst
    if candidates:
        _people(plan, loaded, candidates[0].outcome.id, choice)
    return choice


def _rank(c: Candidate, today: date) -> tuple[object, ...]:
    o = c.outcome
    since = c.days_since(today)
    return (
        not c.overdue,
        -o.rto_misses,
        -o.unowned,
        -o.impacted,
        -(since if since is not None else 10**6),
        o.id,
    )


def _people(plan: Plan, loaded: LoadedPlan, scenario: str, choice: Choice) -> None:
    """Who must take part in an exercise of ``scenario`` and what to dry-run first."""
    from planner.engine.scenario import select

    waves = commands(loaded, scenario)
    services = {s.id: s for s in plan.services}
    impacted = _impacted(plan, select(plan, scenario=scenario).failed)
    owners = sorted({o for s in impacted if (o := services[s].owner) is not None})
    choice.teams = owners
    roles = plan.roles.model_dump(exclude_none=True)
    choice.roles = {k: str(v) for k, v in sorted(roles.items())}
    limit = plan.policy.escalation_test_days
    for team in plan.teams:
        if team.id not in owners:
            continue
        tested = team.escalation_tested
        if tested is None or (choice.today - tested).days > limit:
            choice.untested += [(team.id, person, tested) for person in team.escalation]
    choice.dry_run = [c for wave in waves for c in wave]


def _impacted(plan: Plan, failed: Sequence[str]) -> list[str]:
    from planner.engine.graph import RecoveryGraph
    from planner.engine.impact import compute_impact
    from planner.engine.scenario import Selection

    graph = RecoveryGraph.from_plan(plan)
    return list(compute_impact(graph, Selection("x", "x", tuple(failed))).impacted)
