"""The clean plan the audit rule tests mutate, and how to audit one (shared by the tests in
``tests/audit``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from planner.audit import as_of_moment, run_audit
from planner.audit.findings import AuditReport
from planner.planfile.loader import load_plan

AS_OF = date(2026, 11, 28)


def base() -> dict[str, Any]:
    """A clean plan (no finding at all) as data: each rule test mutates it minimally."""
    runbook = {"url": "https://wiki/rb", "reviewed": "2026-11-01"}
    return {
        "version": 1,
        "name": "clean",
        "people": [
            {"id": "ann", "contact": "ann@x"},
            {"id": "ben", "contact": "ben@x"},
        ],
        "teams": [
            {
                "id": "ops",
                "members": ["ann", "ben"],
                "escalation": ["ann", "ben"],
                "escalation_tested": "2026-11-01",
                "capacity": 2,
            },
        ],
        "roles": {"incident_commander": "ann", "communications_lead": "ben"},
        "services": [
            {
                "id": "db",
                "owner": "ops",
                "criticality": "critical",
                "rto": "1h",
                "restore_time": "30m",
                "verify": "pg_isready",
                "runbook": runbook,
            },
            {
                "id": "api",
                "owner": "ops",
                "criticality": "high",
                "rto": "2h",
                "restore_time": "10m",
                "verify": "curl api",
                "runbook": runbook,
                "depends_on": [
                    {"service": "db", "check": "psql -c 'select 1'"},
                    {"service": "cache", "kind": "soft"},
                ],
            },
            {
                "id": "cache",
                "owner": "ops",
                "criticality": "low",
                "rto": "8h",
                "restore_time": "5m",
                "verify": "redis-cli ping",
                "runbook": runbook,
            },
        ],
        "scenarios": [{"id": "db-down", "failed": ["db"]}],
        "exercises": [{"scenario": "db-down", "date": "2026-10-01"}],
    }


def audit(tmp_path: Path, data: dict[str, Any], scenario: str | None = None) -> AuditReport:
    """The audit of the plan ``data`` (written as YAML under ``tmp_path``) on ``AS_OF``."""
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return run_audit(load_plan(path), as_of_moment(AS_OF), scenario)


def svc(data: dict[str, Any], ident: str) -> dict[str, Any]:
    """The service ``ident`` of the plan ``data``, to change in place."""
    return next(s for s in data["services"] if s["id"] == ident)
