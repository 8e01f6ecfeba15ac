"""The scalar types of the plan and the journal: ids and UTC datetimes (kept apart from the model
base classes so that the journal events load without them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=200,
    ),
]
"""An identifier of a person, team, service, scenario or workaround."""


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""An ISO 8601 datetime; without an offset it is taken as UTC."""
