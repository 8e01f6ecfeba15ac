"""What each page of the atlas says, as plain values for its template (the templates escape
every one of them: plan fields are untrusted text)."""

from __future__ import annotations

from typing import Any

from models.duration import fmt_clock, fmt_duration
from planner.audit.registry import RULES
from planner.export.site.content import NO_OWNER, Atlas

GANTT_ROWS = 120
"""Tasks a scenario's Gantt chart draws at most (the first to start; the waves list them all)."""


def _duration(value: Any) -> str:
    return fmt_duration(value.total_seconds()) if value is not None else "—"


def web_link(url: str) -> str | None:
    """``url`` when it is an http(s) address (a page may link to it), else None."""
    return url if url.lower().startswith(("https://", "http://")) else None


def _findings(atlas: Atlas, key: str) -> list[dict[str, Any]]:
    return [
        {"rule": f.rule, "severity": str(f.severity), "message": f.message, "where": f.location or ""}
        for f in atlas.findings.get(key, ())
    ]


def index_page(atlas: Atlas) -> dict[str, Any]:
    """The index: summary, readiness, the teams and scenarios."""
    report, plan = atlas.report, atlas.plan
    teams = [
        {
            "key": team,
            "name": _team_name(atlas, team),
            "services": len(services),
            "critical": sum(1 for s in services if atlas.services[s].criticality.value == "critical"),
            "findings": len(atlas.findings.get(f"team:{team}", ())),
        }
        for team, services in sorted(atlas.teams.items())
    ]
    return {
        "title": "Overview",
        "summary": {
            "services": len(plan.services),
            "teams": len([t for t in atlas.teams if t != NO_OWNER]),
            "critical": sum(1 for s in plan.services if s.criticality.value == "critical"),
            "scenarios": len(plan.scenarios),
            "workarounds": len(atlas.workarounds),
            "makespan": fmt_duration(atlas.planning.schedule.makespan),
        },
        "verdict": report.verdict(),
        "needs_work": report.needs_work,
        "readiness": report.readiness,
        "counts": report.summary(),
        "coverage": [(name, done, total) for name, (done, total) in report.coverage.items()],
        "teams": teams,
        "scenarios": [
            {"key": f"scenario:{s.id}", "name": s.name or s.id, "failed": len(s.failed)}
            for s in plan.scenarios
        ],
        "components": [
            {
                "id": c.id,
                "name": c.name,
                "audience": c.audience,
                "description": c.description,
                "needs": c.needs,
                "uses": c.uses,
            }
            for c in sorted(plan.components, key=lambda c: c.id)
        ],
    }


def component_anchor(component: str) -> str:
    """The id of a component's entry on the index (the search and the service pages link to it)."""
    return f"component-{component}"


def _components_of(atlas: Atlas, s: str) -> list[dict[str, str]]:
    """The components that need or use service ``s``."""
    return [
        {
            "name": c.name,
            "anchor": component_anchor(c.id),
            "audience": c.audience,
            "how": "needs it" if s in c.needs else "uses it",
        }
        for c in sorted(atlas.plan.components, key=lambda c: c.id)
        if s in c.needs or s in c.uses
    ]


def _team_name(atlas: Atlas, team: str) -> str:
    found = next((t for t in atlas.plan.teams if t.id == team), None)
    return found.name or team if found else team


def _person(atlas: Atlas, person: str) -> dict[str, str]:
    found = next((p for p in atlas.plan.people if p.id == person), None)
    if found is None:
        return {"id": person, "name": "(not among the plan's people)", "contact": ""}
    return {"id": person, "name": found.name or person, "contact": found.contact or "no contact"}


def team_page(atlas: Atlas, team: str) -> dict[str, Any]:
    """A team: who owns its services, whom to escalate to, its services."""
    found = next((t for t in atlas.plan.teams if t.id == team), None)
    schedule = atlas.planning.schedule
    return {
        "title": _team_name(atlas, team),
        "key": f"team:{team}",
        "team": team,
        "declared": found is not None,
        "channel": found.channel if found else None,
        "capacity": (found.capacity if found and found.capacity else atlas.plan.policy.default_team_capacity),
        "members": [_person(atlas, p) for p in found.members] if found else [],
        "escalation": [_person(atlas, p) for p in found.escalation] if found else [],
        "tested": str(found.escalation_tested) if found and found.escalation_tested else None,
        "services": [
            {
                "key": s,
                "name": atlas.services[s].label,
                "criticality": atlas.services[s].criticality.value,
                "rto": _duration(atlas.services[s].rto),
                "finish": fmt_clock(schedule.finish[s]) if s in schedule.finish else "—",
            }
            for s in atlas.teams[team]
        ],
        "findings": _findings(atlas, f"team:{team}"),
    }


def service_page(atlas: Atlas, s: str) -> dict[str, Any]:
    """A service: everything a responder needs to restore it."""
    svc = atlas.services[s]
    task = atlas.planning.schedule.task(s)
    deps = [
        {"key": d.service, "kind": d.kind, "check": d.check, "known": d.service in atlas.services}
        for d in svc.depends_on
    ]
    dependents = sorted({e.target for e in atlas.outgoing.get(s, ())})
    scenarios = []
    for sid, planning in sorted(atlas.scenarios.items()):
        if s in planning.impact.selection.failed:
            scenarios.append((f"scenario:{sid}", planning.selection.name, "fails"))
        elif s in planning.impact.impacted:
            scenarios.append((f"scenario:{sid}", planning.selection.name, "down (a dependency fails)"))
        elif s in planning.impact.degraded:
            scenarios.append((f"scenario:{sid}", planning.selection.name, "degraded"))
    return {
        "title": svc.label,
        "key": s,
        "service": svc,
        "team": f"team:{svc.owner or NO_OWNER}",
        "owner": svc.owner,
        "rto": _duration(svc.rto),
        "rpo": _duration(svc.rpo),
        "restore": _duration(svc.restore_time),
        "restart": _duration(svc.restart_time),
        "wave": task.wave,
        "start": fmt_clock(task.start),
        "finish": fmt_clock(task.finish),
        "earliest": fmt_clock(task.earliest_finish),
        "meets": task.meets_rto,
        "runbook": svc.runbook,
        "runbook_link": web_link(svc.runbook.url) if svc.runbook else None,
        "deps": deps,
        "dependents": dependents,
        "scenarios": scenarios,
        "workarounds": [w for w in atlas.workarounds if s in (w.service, w.bypasses)],
        "components": _components_of(atlas, s),
        "findings": _findings(atlas, f"service:{s}"),
    }


def scenario_page(atlas: Atlas, sid: str) -> dict[str, Any]:
    """A scenario: what it takes down, the restore waves, the schedule, the RTO risks."""
    planning = atlas.scenarios[sid]
    found = next(s for s in atlas.plan.scenarios if s.id == sid)
    schedule = planning.schedule
    tasks = sorted(schedule.tasks(), key=lambda t: (t.start, t.service))
    span = max(schedule.makespan, 1)
    rows = [
        {
            "key": t.service,
            "y": 24 + 18 * i,
            "x": round(600 * t.start / span, 1),
            "w": max(round(600 * (t.finish - t.start) / span, 1), 2),
            "late": t.meets_rto is False,
            "when": f"T+{fmt_clock(t.start)} → T+{fmt_clock(t.finish)}",
        }
        for i, t in enumerate(tasks[:GANTT_ROWS])
    ]
    misses = [
        {
            "key": m.service,
            "rto": fmt_duration(m.rto),
            "finish": fmt_clock(m.finish),
            "unachievable": m.unachievable,
        }
        for m in planning.rto.all
    ]
    return {
        "title": planning.selection.name,
        "key": f"scenario:{sid}",
        "description": found.description,
        "failed": list(planning.impact.selection.failed),
        "impacted": len(planning.impact.impacted),
        "degraded": list(planning.impact.degraded),
        "critical": len(planning.impact.critical),
        "makespan": fmt_duration(schedule.makespan),
        "waves": planning.waves,
        "gantt": rows,
        "gantt_height": 24 + 18 * len(rows) + 10,
        "gantt_hidden": max(0, len(tasks) - GANTT_ROWS),
        "ticks": [
            {"x": 150 * i, "label": f"T+{fmt_clock(span * i // 4)}", "anchor": "end" if i == 4 else "middle"}
            for i in range(5)
        ],
        "misses": misses,
    }


def audit_page(atlas: Atlas) -> dict[str, Any]:
    """The audit's findings, grouped by rule in the rules' order."""
    by_rule: dict[str, list[Any]] = {}
    for f in atlas.report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    described = {r.id: r for r in RULES}
    groups = []
    for rule_id in [r.id for r in RULES] + sorted(set(by_rule) - set(described)):
        if rule_id in by_rule:
            found = by_rule[rule_id]
            rule = described.get(rule_id)
            groups.append(
                {
                    "rule": rule_id,
                    "summary": rule.summary if rule else "",
                    "severity": str(found[0].severity),
                    "findings": [
                        {
                            "message": f.message,
                            "service": f.service if f.service in atlas.services else None,
                            "team": f"team:{f.team}" if f.team and f"team:{f.team}" in atlas.files else None,
                            "where": f.location or "",
                        }
                        for f in found
                    ],
                }
            )
    return {
        "title": "Audit",
        "verdict": atlas.report.verdict(),
        "counts": atlas.report.summary(),
        "groups": groups,
    }
