"""Pydantic data models: the plan file and (later) the incident journal events.

This package is the bottom layer: it imports nothing from ``planner`` and never textual or rich.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below load on first use: `planner incident` must not pay for the plan models
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

_HOME = {
    **dict.fromkeys(["Criticality", "Id", "Severity"], "models.common"),
    **dict.fromkeys(["Duration", "DurationError", "format_duration", "parse_duration"], "models.duration"),
    **dict.fromkeys(
        [
            "RULE_IDS",
            "Dependency",
            "Exercise",
            "Person",
            "Plan",
            "Policy",
            "Roles",
            "Runbook",
            "Scenario",
            "Service",
            "Team",
            "Workaround",
        ],
        "models.plan",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


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
