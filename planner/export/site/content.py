"""What the atlas knows, computed once for every page: the plan, the recovery of everything (the
estimates), each scenario's recovery, the audit, the open workarounds, every edge of the
picture, and the file name of each page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from models.plan import Plan, Service
from planner.audit import AuditReport, Finding, run_audit
from planner.engine.planning import Planning, plan_recovery
from planner.engine.workarounds import OpenWorkaround, open_workarounds
from planner.export.view import Edge, View, build_view, outlined
from planner.planfile.loader import LoadedPlan

NO_OWNER = "(no owner)"
"""The team of services without an owner (the name the pictures' clusters use too)."""


@dataclass
class Atlas:
    """Everything the pages show, by service, team and scenario."""

    plan: Plan
    planning: Planning
    """Everything failed: the estimates and the restore order of each service."""
    report: AuditReport
    workarounds: list[OpenWorkaround]
    scenarios: dict[str, Planning]
    """Each scenario of the plan, by id."""
    full: View
    """Every service and edge (the pictures take their part of it)."""
    files: dict[str, str] = field(default_factory=dict)
    """Page file of each box: service id, ``team:NAME``, ``scenario:ID``."""
    teams: dict[str, list[str]] = field(default_factory=dict)
    """Each team's services (sorted); :data:`NO_OWNER` for the services without one."""
    incoming: dict[str, list[Edge]] = field(default_factory=dict)
    """The edges into each service (from its dependencies)."""
    outgoing: dict[str, list[Edge]] = field(default_factory=dict)
    """The edges out of each service (to its dependents)."""
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    """Findings by ``service:ID`` and ``team:ID``."""

    @property
    def services(self) -> dict[str, Service]:
        """The services by id."""
        return self.planning.graph.services

    def team_of(self, service: str) -> str:
        """The team a service's page is listed under."""
        return self.services[service].owner or NO_OWNER


def build_atlas(loaded: LoadedPlan, as_of: datetime) -> Atlas:
    """The atlas of a valid plan, audited ``as_of``."""
    plan = loaded.require_valid()
    report = run_audit(loaded, as_of)
    planning = plan_recovery(plan)
    workarounds = open_workarounds(plan)
    critical = {s.id for s in plan.services if s.criticality.value == "critical"}
    errors, note = outlined(report.findings, critical, len(plan.services))
    full = build_view(planning, workarounds, errors, scenario=False)
    full.note = note
    scenarios = {s.id: plan_recovery(plan, s.id) for s in plan.scenarios}
    atlas = Atlas(plan, planning, report, workarounds, scenarios, full)
    for s in sorted(atlas.services):
        atlas.teams.setdefault(atlas.services[s].owner or NO_OWNER, []).append(s)
    for team in plan.teams:
        atlas.teams.setdefault(team.id, [])
    atlas.incoming = defaultdict(list)
    atlas.outgoing = defaultdict(list)
    for edge in full.edges:
        atlas.incoming[edge.target].append(edge)
        atlas.outgoing[edge.source].append(edge)
    atlas.findings = defaultdict(list)
    for finding in report.findings:
        if finding.service:
            atlas.findings[f"service:{finding.service}"].append(finding)
        if finding.team:
            atlas.findings[f"team:{finding.team}"].append(finding)
    atlas.files = file_names(atlas)
    full.links = atlas.files
    return atlas


def file_names(atlas: Atlas) -> dict[str, str]:
    """A file name per page, the same on a file system that ignores case (``DB`` and ``db`` get
    different names): ``service-ID.html``, ``team-ID.html``, ``scenario-ID.html``."""
    taken: set[str] = {"index.html", "audit.html"}
    out: dict[str, str] = {}

    def name(key: str, prefix: str, ident: str) -> None:
        base = f"{prefix}-{ident}" if ident != NO_OWNER else f"{prefix}-_no-owner"
        candidate, n = f"{base}.html", 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base}_{n}.html"
        taken.add(candidate.casefold())
        out[key] = candidate

    for s in sorted(atlas.full.nodes):
        name(s, "service", s)
    for team in sorted(atlas.teams):
        name(f"team:{team}", "team", team)
    for scenario in sorted(atlas.scenarios):
        name(f"scenario:{scenario}", "scenario", scenario)
    return out
