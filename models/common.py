"""Building blocks shared by the plan and the journal models: ids, severities, UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=200,
    ),
]
"""An identifier of a person, team, service, scenario or workaround."""


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""An ISO 8601 datetime; without an offset it is taken as UTC."""


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
        return _CRITICALITY_RANK[self]


_CRITICALITY_RANK = {
    Criticality.CRITICAL: 0,
    Criticality.HIGH: 1,
    Criticality.MEDIUM: 2,
    Criticality.LOW: 3,
}


class StrictModel(BaseModel):
    """Base of every plan model: unknown keys are errors, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
