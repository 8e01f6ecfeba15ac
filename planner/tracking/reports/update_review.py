"""The post-incident review's stakeholder updates: each update logged with ``--send``, whether the
journal says it reached its destinations (by their labels, never an address), or not and why; an
update without destinations was only logged (someone sent it by hand, or nobody did)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.events import Event, StakeholderUpdate
from planner import markdown as md
from planner.tracking.domain.deliveries import Delivery, deliveries
from planner.tracking.domain.fold import effective

LOGGED, DELIVERED, PARTLY, NOT_DELIVERED = "logged", "delivered", "partly delivered", "NOT delivered"


@dataclass
class UpdateOutcome:
    """One stakeholder update and what became of it."""

    update: StakeholderUpdate
    delivered: list[str] = field(default_factory=list)
    """The labels of the destinations that accepted it."""
    missed: list[tuple[str, str]] = field(default_factory=list)
    """The destinations it did not reach: (label, the last reason)."""

    @property
    def state(self) -> str:
        """logged (no destination), delivered, partly delivered or NOT delivered."""
        if not self.update.send_to:
            return LOGGED
        if not self.missed:
            return DELIVERED
        return PARTLY if self.delivered else NOT_DELIVERED


def _why(delivery: Delivery) -> str:
    if delivery.failure is not None:
        return delivery.failure.reason
    if delivery.in_flight is not None:
        return f"no outcome recorded for attempt {delivery.attempts}"
    return "never attempted"


def update_outcomes(journal: Sequence[Event]) -> list[UpdateOutcome]:
    """Every update the journal counts (voided ones left out), in the order they were logged."""
    outcomes = {e.seq: UpdateOutcome(e) for e in effective(journal) if isinstance(e, StakeholderUpdate)}
    for delivery in deliveries(journal):
        outcome = outcomes[delivery.update.seq]
        if delivery.delivered is not None:
            outcome.delivered.append(delivery.label)
        else:
            outcome.missed.append((delivery.label, _why(delivery)))
    return list(outcomes.values())


def _counts(outcomes: Sequence[UpdateOutcome]) -> dict[str, int]:
    return {s: sum(1 for o in outcomes if o.state == s) for s in (DELIVERED, PARTLY, NOT_DELIVERED, LOGGED)}


def updates_headline(outcomes: Sequence[UpdateOutcome]) -> str:
    """``4 updates: 2 delivered, 1 NOT delivered, 1 logged only``."""
    counts = _counts(outcomes)
    said = [
        f"{n} {'logged only' if s == LOGGED else ('**' + s + '**' if s != DELIVERED else s)}"
        for s, n in counts.items()
        if n
    ]
    head = f"{len(outcomes)} {'update' if len(outcomes) == 1 else 'updates'}"
    return head + (": " + ", ".join(said) if said else "")


def updates_markdown(outcomes: Sequence[UpdateOutcome], at: Callable[[datetime], str]) -> list[str]:
    """A line per update meant to be delivered (``at``: how a time of the incident is written)."""
    lines = []
    for o in outcomes:
        if o.state == LOGGED:
            continue
        head = f"- {at(o.update.at)} {o.update.audience} update #{o.update.seq}: "
        parts = []
        if o.delivered:
            parts.append("delivered to " + ", ".join(md.text(label) for label in o.delivered))
        parts += [f"**NOT delivered** to {md.text(label)}: {md.text(why)}" for label, why in o.missed]
        lines.append(head + "; ".join(parts))
    return lines


def updates_json(outcomes: Sequence[UpdateOutcome]) -> dict[str, Any]:
    """The counts and each update's delivery, for the review's JSON (keys may be added)."""
    counts = _counts(outcomes)
    return {
        "delivered": counts[DELIVERED],
        "partly_delivered": counts[PARTLY],
        "not_delivered": counts[NOT_DELIVERED],
        "logged_only": counts[LOGGED],
        "each": [
            {
                "update": o.update.seq,
                "at": o.update.at.isoformat(),
                "audience": o.update.audience,
                "state": o.state,
                "delivered_to": o.delivered,
                "not_delivered_to": [{"label": label, "reason": why} for label, why in o.missed],
            }
            for o in outcomes
        ],
    }
