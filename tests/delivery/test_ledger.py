"""What ``incident status`` and the screen say of each delivery, from the journal alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.events import Delivered, DeliveryAttempted, DeliveryFailed, Event, StakeholderUpdate, Voided
from planner.tracking.domain.deliveries import deliveries, status_lines

T = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
LEASE = 45.0


def update(seq: int = 2, send_to: tuple[str, ...] = ("ops",)) -> StakeholderUpdate:
    return StakeholderUpdate(
        incident="INC-1", seq=seq, at=T, actor="al", audience="customer", text="Back", send_to=list(send_to)
    )


def step(kind: type, attempt: int, minutes: float, **extra: object) -> Event:
    fields = {"incident": "INC-1", "at": T + timedelta(minutes=minutes), "actor": "al", "update": 2}
    event: Event = kind.model_validate(
        {**fields, "destination": "ops", "label": "#ops (Slack)", "attempt": attempt, **extra}
    )
    return event


def said(journal: list[Event], minutes: float) -> list[str]:
    return status_lines(journal, T + timedelta(minutes=minutes), LEASE)


def test_each_state_in_words() -> None:
    fail = {"reason": "HTTP 502", "code": 502}
    assert said([update()], 0) == ["customer update #2 waiting to be sent to ops"]
    assert said([update()], 5) == [
        "customer update #2 NOT delivered to ops: never sent; its sender stopped: "
        "`planner incident deliver INC-1` sends it"
    ]
    sending = [update(), step(DeliveryAttempted, 1, 0)]
    assert said(sending, 0) == ["customer update #2 being sent to #ops (Slack) (attempt 1)"]
    assert "stopped during an attempt; its sender stopped" in said(sending, 5)[0]
    retrying = [*sending, step(DeliveryFailed, 1, 0, **fail, retry_at=T + timedelta(minutes=1))]
    assert said(retrying, 0) == [
        "customer update #2 NOT delivered to #ops (Slack): HTTP 502, retrying "
        "(attempt 1 failed; next at 14:01)"
    ]
    assert "HTTP 502; its sender stopped" in said(retrying, 10)[0]
    gave_up = [*sending, step(DeliveryFailed, 1, 0, **fail)]
    assert said(gave_up, 0) == [
        "customer update #2 NOT delivered to #ops (Slack): HTTP 502 after 1 attempt; "
        "`planner incident deliver INC-1` sends it"
    ]
    done = [*retrying, step(DeliveryAttempted, 2, 1), step(Delivered, 2, 2)]
    assert said(done, 3) == ["customer update #2 delivered 14:02 to #ops (Slack)"]


def test_updates_only_logged_or_voided_ask_for_no_delivery() -> None:
    void = Voided(incident="INC-1", seq=4, at=T, actor="al", target=3, what="update", reason="wrong text")
    assert deliveries([update(2, ()), update(3), void]) == []
    both = deliveries([update(2, ("ops", "mail"))])
    assert [(d.update.seq, d.destination) for d in both] == [(2, "ops"), (2, "mail")]


def test_undelivered_come_first_then_the_last_delivered() -> None:
    journal: list[Event] = [update(2), step(DeliveryAttempted, 1, 0), step(Delivered, 1, 0), update(5)]
    assert said(journal, 0) == [
        "customer update #5 waiting to be sent to ops",
        "customer update #2 delivered 14:00 to #ops (Slack)",
    ]
