"""The journal's events about delivering stakeholder updates (``planner incident update
--send``, ``planner incident deliver``): one per attempt, one per outcome. None holds a webhook URL
or a password: only the destination's name and label from the delivery config."""

# No ``from __future__ import annotations``: pydantic would evaluate every field's annotation
# text again for each event class (1.5 ms of every `planner incident` action).

from typing import Literal

from pydantic import Field

from models.event_base import EventBase
from models.scalars import UtcDatetime


class DeliveryEvent(EventBase):
    """An event about delivering one stakeholder update to one destination. Never holds a
    webhook URL or a password: only the destination's name and label from the delivery config."""

    update: int
    """Sequence number of the ``stakeholder_update`` being delivered."""
    destination: str
    """The destination's name in the delivery config (the key of at-most-once delivery)."""
    label: str
    """How the destination is shown: ``#incidents (Slack)``."""
    attempt: int = Field(ge=1)
    """Which attempt at this update to this destination (1, 2, ...)."""


class DeliveryAttempted(DeliveryEvent):
    """An update is about to be sent to a destination (recorded before it is sent)."""

    kind: Literal["delivery_attempted"] = "delivery_attempted"


class Delivered(DeliveryEvent):
    """The destination accepted the update: it is never sent there again."""

    kind: Literal["delivered"] = "delivered"
    detail: str = ""
    """What the destination answered (``HTTP 200``, ``SMTP 250``)."""


class DeliveryFailed(DeliveryEvent):
    """An attempt failed."""

    kind: Literal["delivery_failed"] = "delivery_failed"
    reason: str = Field(min_length=1)
    """Why: ``HTTP 502``, ``SMTP 451 ...``, ``timed out after 10 s``, ``connection refused``."""
    code: int | None = None
    """The HTTP status or SMTP reply code, when there was one."""
    retry_at: UtcDatetime | None = None
    """When the sender means to try again; None: it gave up (``planner incident deliver``)."""
