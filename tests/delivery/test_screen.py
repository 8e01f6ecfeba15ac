"""The recovery screen's update dialog (``u``) delivers: it says where the update goes, the
sender runs in a worker thread, and each outcome is notified ("NOT delivered: HTTP 502, retrying")
besides the journal's lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from models.events import Delivered, StakeholderUpdate
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
        monkeypatch.setenv("HOOK_URL", receiver.url())
        monkeypatch.setenv("PLANNER_DELIVERY", config(tmp_path, webhook("ops", "slack", '["technical"]')))
        async with app.run_test(size=(120, 36)) as pilot:
            await started(app, pilot)
            await pilot.press("u")
            await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
            assert str(app.screen.query_one("#sends-to", Static).render()) == "Delivered to: ops (Slack)"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: any(isinstance(e, Delivered) for e in journal(app)))
            await settle(app, pilot)
        assert len(receiver.accepted) == 1
    update = next(e for e in journal(app) if isinstance(e, StakeholderUpdate))
    assert update.send_to == ["ops"]
    assert (
        "NOT delivered",
        "technical update #2 NOT delivered to ops (Slack): HTTP 502: no, retrying in 0.001 s (attempt 1)",
    ) in said
    assert ("Delivered", "technical update #2 delivered to ops (Slack) (HTTP 200)") in said


@pytest.mark.asyncio
async def test_without_a_delivery_config_updates_are_only_logged_and_a_broken_one_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/recovery-planner/delivery.toml
    monkeypatch.delenv("PLANNER_DELIVERY", raising=False)
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
        assert not app.screen.query("#sends-to")
        monkeypatch.setenv(
            "PLANNER_DELIVERY", config(tmp_path, webhook("ops", "slack", '["technical"]', "UNSET_URL"))
        )
        await pilot.press("escape")
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
        note = str(app.screen.query_one(".warning", Static).render())
        assert "Updates are only logged, not sent:" in note
        assert "$UNSET_URL, which is not set" in note
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    update = next(e for e in journal(app) if isinstance(e, StakeholderUpdate))
    assert update.send_to == []
