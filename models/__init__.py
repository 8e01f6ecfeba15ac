"""Pydantic data models: the plan file and (later) the incident journal events.

This package is the bottom layer: it imports nothing from ``planner`` and never textual or rich.
"""

from models.common import Criticality, Id, Severity
from models.duration import Duration, DurationError, format_duration, parse_duration
from models.plan import (
    RULE_IDS,
    Dependency,
    Exercise,
    Person,
    Plan,
    Policy,
    Roles,
    Runbook,
    Scenario,
    Service,
    Team,
    Workaround,
)

__all__ = [
    "RULE_IDS",
    "Criticality",
    "Dependency",
    "Duration",
    "DurationError",
    "Exercise",
    "Id",
    "Person",
    "Plan",
    "Policy",
    "Roles",
    "Runbook",
    "Scenario",
    "Service",
    "Severity",
    "Team",
    "Workaround",
    "format_duration",
    "parse_duration",
]
