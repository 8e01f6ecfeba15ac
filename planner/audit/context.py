"""What every audit rule can read: the plan, the date, the scope, the planning results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from models.common import Criticality
from models.plan import Plan, Service, Team
from planner.engine.planning import Planning
from planner.engine.workarounds import OpenWorkaround
from planner.planfile.loader import LoadedPlan
from planner.planfile.services import service_index


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
    _census: Census | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.service_index = service_index(self.plan.services)
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
            owners = self.census().owners
            self._owner_teams = [t for t in self.plan.teams if t.id in owners]
        return self._owner_teams

    def census(self) -> Census:
        """What the checklist, coverage and the rules of a missing field count of the services
        in scope, in one pass over them (made once: each pass over 100,000 services' models
        costs 0.03-0.08 s, most of it reading them from memory)."""
        if self._census is None:
            self._census = Census.of(self.services(), self.scope, {t.id for t in self.plan.teams})
        return self._census

    def days_since(self, when: date | None) -> int | None:
        """Whole days from ``when`` to the audit date (None for never)."""
        return None if when is None else (self.today - when).days


def _id(service: Service) -> str:
    return service.id


@dataclass
class Census:
    """The services in scope, counted in one pass (:meth:`AuditContext.census`)."""

    hard: int = 0
    """Hard dependencies on services in scope..."""
    checked: int = 0
    """...of which with a ``check``."""
    owned: int = 0
    """Services whose owner is a team of the plan."""
    verified: int = 0
    """Services with a ``verify`` command."""
    with_rto: int = 0
    """Services with a (non-zero) RTO."""
    alerts_recorded: int = 0
    """Services that record ``alerts_reviewed``."""
    reviews: dict[date | None, int] = field(default_factory=dict)
    """Services with a runbook, by its review date (None: never reviewed)."""
    owners: set[str] = field(default_factory=set)
    """Every owner named."""
    critical: list[Service] = field(default_factory=list)
    """The critical services, in file order."""
    missing: dict[str, list[Service]] = field(default_factory=dict)
    """Field -> the services without it (``None``), by id (the rules' order)."""

    @classmethod
    def of(cls, services: list[Service], scope: set[str] | None, teams: set[str]) -> Census:
        """The census of ``services`` (of ``scope``), whose owners should be among ``teams``."""
        reviews: dict[date | None, int] = {}
        owners: set[str] = set()
        critical: list[Service] = []
        missing: dict[str, list[Service]] = {name: [] for name in MISSING}
        no_owner, no_verify, no_rto = missing["owner"], missing["verify"], missing["rto"]
        no_restore, no_runbook = missing["restore_time"], missing["runbook"]
        hard = checked = owned = verified = with_rto = alerts = 0
        for s in services:
            for d in s.depends_on:
                if d.kind == "hard" and (scope is None or d.service in scope):
                    hard += 1
                    if d.check:
                        checked += 1
            owner = s.owner
            if owner is None:
                no_owner.append(s)
            else:
                if owner:
                    owners.add(owner)
                if owner in teams:
                    owned += 1
            if s.verify is None:
                no_verify.append(s)
            elif s.verify:
                verified += 1
            if s.rto is None:
                no_rto.append(s)
            elif s.rto:
                with_rto += 1
            if s.restore_time is None:
                no_restore.append(s)
            if s.runbook is None:
                no_runbook.append(s)
            else:
                day = s.runbook.reviewed
                reviews[day] = reviews.get(day, 0) + 1
            if s.alerts_reviewed is not None:
                alerts += 1
            if s.criticality is Criticality.CRITICAL:
                critical.append(s)
        return cls(
            hard=hard,
            checked=checked,
            owned=owned,
            verified=verified,
            with_rto=with_rto,
            alerts_recorded=alerts,
            reviews=reviews,
            owners=owners,
            critical=critical,
            missing={
                name: sorted(found, key=_id) if len(found) > 1 else found for name, found in missing.items()
            },
        )


MISSING = ("owner", "verify", "rto", "restore_time", "runbook")
"""The fields of a service whose absence a rule reports (:attr:`Census.missing`)."""
