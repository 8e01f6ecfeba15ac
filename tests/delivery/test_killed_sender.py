"""A sender killed between attempts (SIGKILL, nothing to clean up) loses nothing and sends
nothing twice: ``planner incident deliver`` picks the update up where the journal left it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.events import Delivered, DeliveryAttempted, DeliveryFailed
from planner.tracking.persistence.store import Store
from tests.delivery.conftest import config, webhook
from tests.delivery.receivers import Receiver, receiving
from tests.helpers.incident_cli import run, start

SLOW = "[retry]\nattempts = 5\ndelay = 600\nmax_delay = 600\ntimeout = 5\n"
"""A sender that, after its first failure, waits ten minutes: the test kills it meanwhile."""
SEND = ["--audience", "customer", "--send", "--delivery"]


def delivery_events(store: Path, incident: str) -> list[DeliveryAttempted | Delivered | DeliveryFailed]:
    with Store(store) as opened:
        return [
            e
            for e in opened.events(incident)
            if isinstance(e, DeliveryAttempted | Delivered | DeliveryFailed)
        ]


def test_a_sender_killed_between_attempts_loses_nothing_and_sends_nothing_twice(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    with receiving(Receiver(script=[502, 502])) as receiver:
        monkeypatch.setenv("HOOK_URL", receiver.url())
        slow = config(tmp_path, webhook("status-page"), retry=SLOW)
        sender = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "planner",
                "incident",
                "update",
                incident,
                "--audience",
                "customer",
                "--send",
                "--delivery",
                slow,
            ],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while not any(isinstance(e, DeliveryFailed) for e in delivery_events(store, incident)):
                assert sender.poll() is None, sender.stderr.read() if sender.stderr else ""
                assert time.monotonic() < deadline, "the sender never recorded its first failure"
                time.sleep(0.05)
            sender.send_signal(signal.SIGKILL)  # asleep before its second attempt
        finally:
            sender.kill()
            sender.wait()
        assert sender.returncode == -signal.SIGKILL
        assert len(receiver.requests) == 1
        _, out, _ = run(capsys, "incident", "status", incident)
        assert "customer update #2 NOT delivered to status-page (webhook): HTTP 502: no, retrying" in out
        fast = config(tmp_path, webhook("status-page"))
        code, _, err = run(capsys, "incident", "deliver", incident, "--delivery", fast)
        assert code == 0, err
        assert [r.status for r in receiver.requests] == [502, 502, 200]
        assert len(receiver.accepted) == 1
        assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1
    kinds = [(e.kind, e.attempt) for e in delivery_events(store, incident)]
    assert kinds == [
        ("delivery_attempted", 1),
        ("delivery_failed", 1),
        ("delivery_attempted", 2),
        ("delivery_failed", 2),
        ("delivery_attempted", 3),
        ("delivered", 3),
    ]
    code, _, err = run(capsys, "incident", "deliver", incident, "--delivery", fast)
    assert code == 0
    assert "nothing to deliver" in err
