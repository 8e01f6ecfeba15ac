"""Building blocks shared by the plan and the journal models: ids, severities, UTC datetimes."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from models.scalars import ID_PATTERN, Id, UtcDatetime, as_utc

__all__ = ["ID_PATTERN", "Criticality", "Id", "Severity", "StrictModel", "UtcDatetime", "as_utc"]


class Severity(StrEnum):
    """How serious an audit finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Criticality(StrEnum):
    """How much the business suffers while a service is down, most severe first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical up to 3 for low; sorts the most critical first."""
        return CRITICALITY_RANK[self]


CRITICALITY_RANK: dict[str, int] = {  # members are strings: look up "high" as well as Criticality.HIGH
    Criticality.CRITICAL: 0,
    Criticality.HIGH: 1,
    Criticality.MEDIUM: 2,
    Criticality.LOW: 3,
}


class StrictModel(BaseModel):
    """Base of every plan model: unknown keys are errors, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True, defer_build=True)
