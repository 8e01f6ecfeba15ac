"""The recovery screen's update dialog (``u``) delivers: it says where the update goes, the
sender runs in a worker thread, and each outcome is notified ("NOT delivered: HTTP 502, retrying")
besides the journal's lines."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import Static

from models.events import Delivered, StakeholderUpdate
from planner.delivery.config import load
from planner.tracking.domain.comms import Audience, SendUpdate
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from planner.tui.sending import LEFT_SHOWN, deliver_in_background, targets
from planner.tui.update_dialog import UpdateScreen
from tests.delivery.conftest import config, webhook
from tests.delivery.receivers import Receiver, receiving
from tests.helpers.incident_cli import start
from tests.helpers.pilot import journal, make_app, settle, started, wait_for


@pytest.mark.asyncio
async def test_the_update_dialog_delivers_and_says_how_it_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, said = make_app(tmp_path)
    with receiving(Receiver(script=[502])) as receiver:
        monkeypatch.setenv("PLANNER_DELIVERY", config(tmp_path, webhook("ops", "slack", '["technical"]')))
        monkeypatch.delenv("HOOK_URL", raising=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await started(app, pilot)
            await pilot.press("u")  # its secret's variable is not set: only logged, and why
            await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
            note = str(app.screen.query_one(".warning", Static).render())
            assert "Updates are only logged, not sent:" in note
            assert "$HOOK_URL, which is not set" in note
            await pilot.press("escape")
            monkeypatch.setenv("HOOK_URL", receiver.url())
            await pilot.press("u")
            await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
            assert str(app.screen.query_one("#sends-to", Static).render()) == "Delivered to: ops (Slack)"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: any(isinstance(e, Delivered) for e in journal(app)))
            await wait_for(pilot, lambda: any(title == "Delivered" for title, _ in said))
            await settle(app, pilot)
        assert len(receiver.accepted) == 1
    update = next(e for e in journal(app) if isinstance(e, StakeholderUpdate))
    assert update.send_to == ["ops"]
    failed = "technical update #2 NOT delivered to ops (Slack): HTTP 502: no, retrying in 0.001 s (attempt 1)"
    assert ("NOT delivered", failed) in said
    assert ("Delivered", "technical update #2 delivered to ops (Slack) (HTTP 200)") in said


def test_without_a_delivery_config_the_screen_only_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/recovery-planner/delivery.toml
    monkeypatch.delenv("PLANNER_DELIVERY", raising=False)
    nothing = targets(["technical", "customer"])
    assert (nothing.config, nothing.problem, nothing.labels, nothing.names("customer")) == (None, "", {}, ())


def test_an_update_left_undelivered_stays_on_the_screen(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys)
    with receiving(Receiver(script=[502, 404])) as receiver:
        monkeypatch.setenv("HOOK_URL", receiver.url())
        with Store(store) as opened:  # an update to deliver, as the dialog logs it
            update = SendUpdate(Audience.TECHNICAL, "DB is back", ("ops",))
            opened.act(incident, lambda view: update.decide(view, "al", datetime.now(UTC)))
        calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
        node = SimpleNamespace(
            app=SimpleNamespace(call_from_thread=lambda _f, *a, **kw: calls.append((a, kw))), notify=None
        )
        delivery = load(config(tmp_path, webhook("ops", "slack", '["technical"]')))
        deliver_in_background(node, Session(store, incident, "al"), delivery)  # type: ignore[arg-type]
        next(t for t in threading.enumerate() if t.name == "planner-delivery").join(30)
    retrying, left = calls
    assert "retrying" in str(retrying[0][0])
    assert "timeout" not in retrying[1]
    assert "HTTP 404: no (attempt 2)" in str(left[0][0])
    assert left[1] == {"title": "NOT delivered", "severity": "error", "timeout": LEFT_SHOWN}
