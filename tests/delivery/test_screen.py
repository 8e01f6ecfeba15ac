"""The recovery screen's update dialog (``u``) delivers: it says where the update goes, the
sender runs in a worker thread, and each outcome is notified ("NOT delivered: HTTP 502, retrying")
besides the journal's lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from models.events import Delivered, StakeholderUpdate
from planner.tui.sending import targets
from planner.tui.update_dialog import UpdateScreen
from tests.delivery.conftest import config, webhook
from tests.delivery.receivers import Receiver, receiving
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
