"""The plan's own open workarounds, as an incident keeps them (see
:attr:`~planner.tracking.domain.state.IncidentMeta.plan_workarounds`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class PlanWorkaround:
    """A workaround the plan lists as open (not removed) on a service of the incident: it was in
    place before the incident began, and the incident must not hide it."""

    id: str
    service: str
    bypasses: str
    description: str
    owner: str | None
    applied: datetime
    expires: datetime | None

    def to_raw(self) -> dict[str, str | None]:
        """Stored form (times in ISO 8601)."""
        return {
            "id": self.id,
            "service": self.service,
            "bypasses": self.bypasses,
            "description": self.description,
            "owner": self.owner,
            "applied": self.applied.isoformat(),
            "expires": None if self.expires is None else self.expires.isoformat(),
        }

    @classmethod
    def from_raw(cls, raw: dict[str, str | None]) -> PlanWorkaround:
        """Parse the stored form."""
        expires = raw.get("expires")
        return cls(
            id=str(raw["id"]),
            service=str(raw["service"]),
            bypasses=str(raw["bypasses"]),
            description=str(raw["description"]),
            owner=raw.get("owner"),
            applied=datetime.fromisoformat(str(raw["applied"])),
            expires=None if expires is None else datetime.fromisoformat(expires),
        )
