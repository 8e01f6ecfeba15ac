"""The sender: delivers an incident's updates that are not yet delivered, each attempt a journal
event, failures retried with exponential backoff.

At most once per destination, as far as the journal can make it so: before each attempt, in one
write transaction (the incident's lock held), the journal is read and the attempt recorded; a
destination already recorded delivered is never sent again, and one whose last attempt is still
under way (another sender's, younger than the lease) is left to that sender. What the network
gets is at least once: a sender killed after the receiver took the update but before
``delivered`` was recorded sends it again on the next run, with the same idempotency key
(``Idempotency-Key`` header, email ``Message-ID``), so a receiver that keys on it keeps one copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models.events import Delivered, DeliveryAttempted, DeliveryEvent, DeliveryFailed, StakeholderUpdate
from planner.delivery import transport
from planner.delivery.config import DeliveryConfig, DeliveryConfigError, Destination
from planner.delivery.transport import Outcome
from planner.errors import PlannerError
from planner.tracking.domain.deliveries import KINDS, SENDING, Delivery, find, undelivered
from planner.tracking.persistence.clock import now, stamped
from planner.tracking.persistence.damage import decode
from planner.tracking.persistence.store import Store

Target = tuple[StakeholderUpdate, Destination]
"""An update and a destination it is to reach."""
Send = Callable[[Destination, StakeholderUpdate, float], Outcome]
"""One attempt on the network (:func:`planner.delivery.transport.send`; tests pass others)."""


@dataclass
class Sender:
    """Delivers the updates of incidents in ``store`` to the destinations of ``config``."""

    store: Store
    config: DeliveryConfig
    actor: str
    sleep: Callable[[float], None] = time.sleep
    report: Callable[[str, bool], None] = lambda _line, _ok: None
    """Told each outcome in a sentence (True: delivered)."""
    send: Send = transport.send
    left: list[str] = field(default_factory=list)
    """What was left undelivered by the last :meth:`run`, in sentences."""

    def journal(self, incident: str) -> list[Delivery]:
        """The incident's deliveries not yet delivered (read now)."""
        rows = self.store.db.execute(_QUERY, (incident, *KINDS))
        return undelivered(decode(incident, rows, self.store.said))

    def targets(self, incident: str, update: int | None = None) -> list[Target]:
        """What is to be sent (of update ``update`` only, when given), each destination ready (its
        secrets' variables set: else a usage error, before anything is sent)."""
        chosen, missing = [], []
        for delivery in self.journal(incident):
            if update is not None and delivery.update.seq != update:
                continue
            destination = self.config.named(delivery.destination)
            if destination is None:
                missing.append(delivery.destination)
                continue
            destination.check_ready()
            chosen.append((delivery.update, destination))
        if missing:
            raise DeliveryConfigError(
                f"{self.config.path} has no destination named {sorted(set(missing))[0]!r}, which an update "
                f"of {incident} is to be delivered to: add it back (same name), or void the update"
            )
        return chosen

    def run(self, incident: str, update: int | None = None) -> int:
        """Deliver what is left of ``incident`` (of update ``update`` only, when given): up to
        ``retry.attempts`` attempts per destination, waiting between rounds. Returns how many
        deliveries are left undelivered (their sentences in :attr:`left`)."""
        pending = self.targets(incident, update)
        retry = self.config.retry
        self.left = []
        for round_ in range(1, retry.attempts + 1):
            waits: list[float] = []
            still: list[Target] = []
            for target in pending:
                wait = self._attempt(incident, *target, round_)
                if wait is not None:
                    still.append(target)
                    waits.append(wait)
            pending = still
            if not pending:
                break
            self.sleep(max(waits))
        return len(self.left)

    def _attempt(
        self, incident: str, update: StakeholderUpdate, destination: Destination, round_: int
    ) -> float | None:
        """One attempt: None when it is settled for this run (delivered, given up, or someone
        else's), else the seconds to wait before the next."""
        attempt = self._claim(incident, update, destination)
        if attempt is None:
            return None
        retry = self.config.retry
        outcome = self.send(destination, update, retry.timeout)
        head = f"{update.audience} update #{update.seq}"
        fields = {"update": update.seq, "destination": destination.name, "label": destination.label}
        base = {"incident": incident, "at": datetime.now(UTC), "actor": self.actor, "attempt": attempt}
        if outcome.delivered:
            self._record(incident, Delivered.model_validate({**base, **fields, "detail": outcome.detail}))
            self.report(f"{head} delivered to {destination.label} ({outcome.detail})", True)
            return None
        wait = retry.wait(round_)
        if outcome.retry_after is not None:
            wait = min(max(wait, outcome.retry_after), retry.max_delay)
        final = round_ >= retry.attempts or not outcome.again
        retry_at = None if final else datetime.now(UTC) + timedelta(seconds=wait)
        failed = DeliveryFailed.model_validate(
            {**base, **fields, "reason": outcome.detail, "code": outcome.code, "retry_at": retry_at}
        )
        self._record(incident, failed)
        said = f"{head} NOT delivered to {destination.label}: {outcome.detail}"
        if final:
            self.left.append(f"{said} (attempt {attempt}); `planner incident deliver {incident}` tries again")
            self.report(self.left[-1], False)
            return None
        self.report(f"{said}, retrying in {wait:g} s (attempt {attempt})", False)
        return wait

    def _claim(self, incident: str, update: StakeholderUpdate, destination: Destination) -> int | None:
        """Read the journal and record the attempt, in one transaction: the attempt's number, or
        None when the destination has it already, or another sender is sending it now."""
        lease = self.config.retry.lease
        with self.store.transaction(incident) as db:
            rows = db.execute(_QUERY, (incident, *KINDS))
            found = find(decode(incident, rows, self.store.said), update.seq, destination.name)
            at = self._now(incident)
            if found is None or found.delivered is not None:
                return None
            if found.state(at, lease) == SENDING:
                self.left.append(
                    f"{update.audience} update #{update.seq} is being sent to {destination.label} by "
                    f"another sender (attempt {found.attempts}): left to it"
                )
                self.report(self.left[-1], False)
                return None
            attempt = found.attempts + 1
            claim = DeliveryAttempted(
                incident=incident,
                at=at,
                actor=self.actor,
                update=update.seq,
                destination=destination.name,
                label=destination.label,
                attempt=attempt,
            )
            self.store.append(claim, db)
            return attempt

    def _record(self, incident: str, event: DeliveryEvent) -> None:
        with self.store.transaction(incident) as db:
            self.store.append(event.model_copy(update={"at": self._now(incident)}), db)  # type: ignore[arg-type]

    def _now(self, incident: str) -> datetime:
        """The time to record by (the store's clock where it has one; see ``persistence.clock``)."""
        try:
            return stamped(self.store, incident, now())
        except PlannerError:  # an event dated ahead of this clock: the journal's order is kept anyway
            return datetime.now(UTC)


_QUERY = (
    "SELECT seq, data FROM events WHERE incident = ? AND kind IN ("
    + ", ".join("?" * len(KINDS))
    + ") ORDER BY seq"
)
