"""What the journal says of each update's delivery: for every stakeholder update logged with
``--send`` and every destination it named, whether it was delivered, is being sent, is failing and
being retried, or was left (its sender gave up or stopped). Pure functions of the journal: the
sender (:mod:`planner.delivery.sender`) reads it before each attempt, ``incident status`` and the
screen show it, the post-incident review says what reached whom."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.events import (
    Delivered,
    DeliveryAttempted,
    DeliveryFailed,
    Event,
    StakeholderUpdate,
)
from planner.style import plural, visible
from planner.tracking.domain.fold import effective
from planner.tracking.domain.moments import moment

DELIVERED, SENDING, RETRYING, GAVE_UP, STOPPED, WAITING = (
    "delivered",
    "sending",
    "retrying",
    "gave up",
    "stopped",
    "waiting",
)
KINDS = ("stakeholder_update", "delivery_attempted", "delivered", "delivery_failed", "voided")
"""The event kinds the ledger reads (the sender reads only these from the store)."""


@dataclass
class Delivery:
    """One update to one destination, as the journal tells it."""

    update: StakeholderUpdate
    destination: str
    label: str
    attempts: int = 0
    delivered: Delivered | None = None
    failure: DeliveryFailed | None = None
    """The last failed attempt (None once delivered)."""
    in_flight: DeliveryAttempted | None = None
    """The last attempt recorded without an outcome yet."""

    def state(self, now: datetime, lease: float) -> str:
        """delivered, sending, retrying, gave up, stopped (its sender died or was killed: it
        needs ``planner incident deliver``), or waiting (no attempt yet)."""
        grace = timedelta(seconds=lease)
        if self.delivered is not None:
            return DELIVERED
        if self.in_flight is not None:
            return SENDING if now - self.in_flight.at <= grace else STOPPED
        if self.failure is not None:
            if self.failure.retry_at is None:
                return GAVE_UP
            return RETRYING if now <= self.failure.retry_at + grace else STOPPED
        return WAITING if now - self.update.at <= grace else STOPPED

    def line(self, now: datetime, lease: float) -> str:
        """The delivery in a sentence: ``customer update #7 delivered 14:02 to #incidents
        (Slack)``, ``... NOT delivered to status (webhook): HTTP 502, retrying``."""
        head = f"{self.update.audience} update #{self.update.seq}"
        to = visible(self.label)
        state = self.state(now, lease)
        if self.delivered is not None:
            return f"{head} delivered {moment(self.delivered.at, now)} to {to}"
        why = visible(self.failure.reason) if self.failure is not None else ""
        incident = self.update.incident
        resume = f"`planner incident deliver {incident}` sends it"
        if state == SENDING:
            return f"{head} being sent to {to} (attempt {self.attempts})"
        if state == RETRYING:
            assert self.failure is not None
            assert self.failure.retry_at is not None
            return (
                f"{head} NOT delivered to {to}: {why}, retrying "
                f"(attempt {self.attempts} failed; next at {moment(self.failure.retry_at, now)})"
            )
        if state == GAVE_UP:
            return f"{head} NOT delivered to {to}: {why} after {plural(self.attempts, 'attempt')}; {resume}"
        if state == WAITING:
            return f"{head} waiting to be sent to {to}"
        last = f": {why}" if why else (": stopped during an attempt" if self.attempts else ": never sent")
        return f"{head} NOT delivered to {to}{last}; its sender stopped: {resume}"

    def as_json(self, now: datetime, lease: float) -> dict[str, Any]:
        """The delivery for machines (keys may be added, never removed)."""
        return {
            "update": self.update.seq,
            "audience": self.update.audience,
            "destination": self.destination,
            "label": self.label,
            "state": self.state(now, lease),
            "attempts": self.attempts,
            "delivered": self.delivered.at.isoformat() if self.delivered else None,
            "reason": self.failure.reason if self.failure else None,
            "code": self.failure.code if self.failure else None,
            "retry_at": self.failure.retry_at.isoformat() if self.failure and self.failure.retry_at else None,
        }


def deliveries(journal: Iterable[Event]) -> list[Delivery]:
    """Every (update, destination) the journal asks a delivery of, in the order the updates were
    logged; an update voided since is not delivered (nor shown)."""
    found: dict[tuple[int, str], Delivery] = {}
    for event in effective(journal):
        if isinstance(event, StakeholderUpdate):
            for name in event.send_to:
                found.setdefault((event.seq, name), Delivery(event, name, name))
            continue
        if not isinstance(event, DeliveryAttempted | Delivered | DeliveryFailed):
            continue
        delivery = found.get((event.update, event.destination))
        if delivery is None:  # about an update that is not (or no longer) asked for
            continue
        delivery.label = event.label
        delivery.attempts = max(delivery.attempts, event.attempt)
        if isinstance(event, DeliveryAttempted):
            delivery.in_flight = event
        elif isinstance(event, Delivered):
            delivery.delivered, delivery.in_flight, delivery.failure = event, None, None
        else:
            delivery.failure, delivery.in_flight = event, None
    return list(found.values())


def find(journal: Iterable[Event], update: int, destination: str) -> Delivery | None:
    """The delivery of update ``update`` to ``destination``, if the journal asks for it."""
    return next(
        (d for d in deliveries(journal) if d.update.seq == update and d.destination == destination), None
    )


def undelivered(journal: Iterable[Event]) -> list[Delivery]:
    """Every delivery not yet recorded delivered."""
    return [d for d in deliveries(journal) if d.delivered is None]


def status_lines(journal: Sequence[Event], now: datetime, lease: float) -> list[str]:
    """The deliveries of an incident for ``incident status`` and the screen: those not delivered
    first, then the last few delivered."""
    found = deliveries(journal)
    left = [d for d in found if d.delivered is None]
    done = [d for d in found if d.delivered is not None][-5:]
    return [d.line(now, lease) for d in [*left, *done]]
