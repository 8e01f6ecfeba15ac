"""The sender against a fake network (no sockets): its backoff, and the journal read before every
attempt, which keeps a destination from getting an update twice from two senders."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.events import Delivered, DeliveryAttempted, StakeholderUpdate, Voided
from planner.delivery.config import DeliveryConfig, Destination, parse
from planner.delivery.sender import Sender
from planner.delivery.transport import Outcome
from planner.tracking.domain.comms import Audience, SendUpdate
from planner.tracking.persistence.store import Store
from tests.helpers.incident_cli import start
from tests.pg import fresh_database

CONFIG = """
[retry]
attempts = 5
delay = 2
max_delay = 10
timeout = 5

[[destination]]
name = "ops"
label = "#incidents"
kind = "slack"
audiences = ["technical"]
url_env = "HOOK_URL"
"""


class Network:
    """Answers each attempt from a script of outcomes (then delivered), counting the calls."""

    def __init__(self, *script: Outcome) -> None:
        self.script = list(script)
        self.calls = 0
        self.meanwhile: list[Callable[[], object]] = []

    def __call__(self, _destination: Destination, _update: StakeholderUpdate, _timeout: float) -> Outcome:
        self.calls += 1
        for step in self.meanwhile:  # another terminal acts while this attempt is on the wire
            step()
        self.meanwhile = []
        return self.script.pop(0) if self.script else Outcome(True, "HTTP 200", 200)


def log_update(store: Store, incident: str, text: str) -> None:
    """A technical update of ``text`` logged, to be delivered to ``ops``."""
    update = SendUpdate(Audience.TECHNICAL, text, ("ops",))
    store.act(incident, lambda view: update.decide(view, "al", datetime.now(UTC)))


def about(incident: str, update: int = 2, ago: timedelta = timedelta(0)) -> dict[str, object]:
    """What a delivery event of ``update`` to ``ops`` by another sender (bo) records."""
    at = datetime.now(UTC) - ago
    return {
        "incident": incident,
        "at": at,
        "actor": "bo",
        "update": update,
        "destination": "ops",
        "label": "x",
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def logged(
    request: pytest.FixtureRequest,
    store: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Store, str]]:
    """A store (either backend) with an incident whose technical update #2 is to be delivered to
    ``ops``."""
    monkeypatch.setenv("HOOK_URL", "http://127.0.0.1:9/hook")
    with contextlib.ExitStack() as stack:
        where = str(store)
        if request.param == "postgresql":
            where = stack.enter_context(fresh_database())
            monkeypatch.setenv("PLANNER_STORE", where)
        incident = start(capsys)
        opened = stack.enter_context(Store(where))
        log_update(opened, incident, "DB is back")
        yield opened, incident


def sender(store: Store, network: Network, slept: list[float]) -> Sender:
    config: DeliveryConfig = parse(Path("d.toml"), CONFIG)
    return Sender(store, config, "al", sleep=slept.append, send=network)


def test_failures_wait_longer_each_time_up_to_the_cap_and_as_asked(logged: tuple[Store, str]) -> None:
    store, incident = logged
    busy = Outcome(False, "HTTP 429", 429, retry_after=7)
    network, slept = Network(Outcome(False, "HTTP 502", 502), Outcome(False, "HTTP 502", 502), busy), []
    assert sender(store, network, slept).run(incident) == 0
    assert slept == [2.0, 4.0, 8.0]  # the 429 asked for 7 s: 8 is more anyway
    network, slept = Network(Outcome(False, "HTTP 429", 429, retry_after=9)), []
    log_update(store, incident, "Again")
    assert sender(store, network, slept).run(incident) == 0
    assert slept == [9.0]  # as long as the receiver asked (within max_delay)
    network, slept = Network(*[Outcome(False, "timed out after 5 s")] * 5), []
    log_update(store, incident, "And again")
    run = sender(store, network, slept)
    assert run.run(incident) == 1
    assert slept == [2.0, 4.0, 8.0, 10.0]  # capped at max_delay; no wait after the last
    assert network.calls == 5
    assert "timed out after 5 s (attempt 5)" in run.left[0]


def test_another_senders_attempt_under_way_is_left_to_it_and_a_dead_ones_taken_over(
    logged: tuple[Store, str],
) -> None:
    store, incident = logged
    store.append(DeliveryAttempted.model_validate({**about(incident), "attempt": 1}))
    network, slept = Network(), []
    run = sender(store, network, slept)
    assert run.run(incident) == 1
    assert network.calls == 0
    assert "being sent to #incidents (Slack) by another sender (attempt 1): left to it" in run.left[0]
    store.append(DeliveryAttempted.model_validate({**about(incident, ago=timedelta(hours=1)), "attempt": 2}))
    store.append(Delivered.model_validate({**about(incident, update=1), "attempt": 1}))  # another update's
    assert sender(store, network, slept).run(incident) == 0
    assert network.calls == 1
    assert [e.attempt for e in store.events(incident) if isinstance(e, Delivered) and e.update == 2] == [3]


def test_a_delivery_recorded_by_another_sender_meanwhile_is_never_sent_again(
    logged: tuple[Store, str],
) -> None:
    store, incident = logged
    network, slept = Network(Outcome(False, "HTTP 502", 502)), []
    network.meanwhile = [lambda: store.append(Delivered.model_validate({**about(incident), "attempt": 9}))]
    assert sender(store, network, slept).run(incident) == 0
    assert network.calls == 1  # the second round read the journal and sent nothing


def test_a_voided_update_is_not_delivered(logged: tuple[Store, str]) -> None:
    store, incident = logged
    void = Voided(incident=incident, at=datetime.now(UTC), actor="al", target=2, what="update", reason="typo")
    store.append(void)
    network, slept = Network(), []
    run = sender(store, network, slept)
    assert run.targets(incident) == []
    assert run.run(incident) == 0
    assert network.calls == 0
