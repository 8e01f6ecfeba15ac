"""What every audit rule can read: the plan, the date, the scope, the planning results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from models.plan import Plan, Service, Team
from planner.engine.planning import Planning
from planner.engine.workarounds import OpenWorkaround
from planner.planfile.loader import LoadedPlan


@dataclass
class AuditContext:
    """Inputs shared by the rules."""

    loaded: LoadedPlan
    """The plan as loaded, with its referential problems."""
    as_of: datetime
    """The moment audited as of (UTC)."""
    workarounds: list[OpenWorkaround]
    """Open workarounds from the plan and any incident store."""
    planning: Planning | None
    """Impact, schedule and RTO analysis of the audited scenario; None when the graph is invalid."""
    scope: set[str] | None = None
    """Services the audit is restricted to (a scenario's impacted set); None for all."""
    scenario_name: str | None = None
    """The scenario's display name when restricted."""
    service_index: dict[str, int] = field(default_factory=dict)
    """Position of each service in the plan file."""
    team_index: dict[str, int] = field(default_factory=dict)
    """Position of each team in the plan file."""
    drills: list[date] = field(default_factory=list)
    """Days of exercises tracked in the incident store (``--store``), beside the plan's own."""

    today: date = field(init=False)
    """The date audited as of (read for every runbook, alert and escalation date)."""
    _owner_teams: list[Team] | None = field(default=None, init=False, repr=False)
    _by_id: list[Service] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.service_index = {s.id: i for i, s in enumerate(self.plan.services)}
        self.team_index = {t.id: i for i, t in enumerate(self.plan.teams)}
        self.today = self.as_of.date()

    @property
    def plan(self) -> Plan:
        """The plan."""
        return self.loaded.plan

    def services(self) -> list[Service]:
        """Services in scope, in file order."""
        if self.scope is None:
            return list(self.plan.services)
        return [s for s in self.plan.services if s.id in self.scope]

    def by_id(self) -> list[Service]:
        """Services in scope, by id: the order of the report (each rule that yields per service
        yields in it, so that the findings are merged as they come instead of held and sorted)."""
        if self._by_id is None:
            self._by_id = sorted(self.services(), key=_id)
        return self._by_id

    def in_scope(self, service: str | None) -> bool:
        """True for a service in scope (and for findings about no service)."""
        return service is None or self.scope is None or service in self.scope

    def owner_teams(self) -> list[Team]:
        """Teams that own at least one service in scope, in file order (worked out once: four
        rules and the readiness checklist ask)."""
        if self._owner_teams is None:
            owners = {s.owner for s in self.services() if s.owner}
            self._owner_teams = [t for t in self.plan.teams if t.id in owners]
        return self._owner_teams

    def days_since(self, when: date | None) -> int | None:
        """Whole days from ``when`` to the audit date (None for never)."""
        return None if when is None else (self.today - when).days


def _id(service: Service) -> str:
    return service.id
