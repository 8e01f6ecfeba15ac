"""``!`` on the recovery screen: it shows the exact command and how it runs, runs it only after
``y``, and records what it showed; refused or cancelled, nothing runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.tui.dialogs import ConfirmScreen, PickScreen
from planner.tui.widgets import DetailPane
from tests.helpers.pilot import (
    drill_app,
    go_to,
    recovery,
    said,
    settle,
    started,
    wait_for,
)


@pytest.mark.asyncio
async def test_run_shows_the_command_runs_it_after_y_and_records_the_evidence(tmp_path: Path) -> None:
    app, _ = drill_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db")
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = said(app)
        assert "runs without a shell, as 'echo' 'db' 'answers'" in shown
        assert "for at most 30 s" in shown
        await pilot.press("y")
        await wait_for(pilot, lambda: app.state.tasks["db"].verified)
        await settle(app, pilot)
        text = str(recovery(app).query_one(DetailPane).render())
        assert "ran: passed by `echo db answers`: exit 0 in" in text


@pytest.mark.asyncio
async def test_a_failing_check_run_is_recorded_failed_with_its_output(tmp_path: Path) -> None:
    app, _ = drill_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db")
        for key in ("b", "v", "y", "r"):
            await pilot.press(key)
            if key == "v":
                await pilot.pause()
            else:
                await settle(app, pilot)
        assert app.state.tasks["db"].state == "restored"
        await go_to(app, pilot, "app")
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("down", "enter")  # the check of db (the verify comes first)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "through /bin/sh -c" not in said(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.state.check_rows["app", "db"].state == "failed")
        observed = app.state.check_rows["app", "db"].observed
        assert observed is not None
        assert "exit 2" in observed
        assert "pool exhausted" in observed


@pytest.mark.asyncio
async def test_refused_or_cancelled_nothing_runs(tmp_path: Path) -> None:
    app, marker = drill_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "app")
        await pilot.press("exclamation_mark")  # app is down: its verify could not be confirmed
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert not marker.exists()
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")  # Enter is Cancel: focus starts there
        await settle(app, pilot)
        assert not marker.exists()
        assert not app.state.tasks["app"].verified


@pytest.mark.asyncio
async def test_a_run_the_state_moved_past_is_kept_in_the_journal(tmp_path: Path) -> None:
    """While db's verify ran, another terminal confirmed it by word and restored db: the run's
    result is refused by the guard, and kept all the same (``run_not_applied``, with its evidence)."""
    from datetime import timedelta

    from models.events import RunEvidence
    from planner.tracking.domain import actions
    from planner.tracking.domain.check_runs import Target
    from planner.tracking.persistence.store import Store
    from planner.tui.check_runner import CheckRunner
    from tests.helpers.pilot import STARTED

    app, _ = drill_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db")
        await pilot.press("b")
        await settle(app, pilot)
        incident = app.state.row.id
        with Store(app.session.store_path) as other:  # the other terminal
            later = STARTED + timedelta(minutes=6)
            for action in (actions.Verify("db", "looked at it", None), actions.Restore("db")):
                other.act(incident, lambda view, a=action: a.decide(view, "bob", later))
        evidence = RunEvidence(command="echo db answers", shell=False, cwd=".", exit_status=0, seconds=0.1)
        recovery(app).query_one(CheckRunner)._ran(Target("db", None), evidence)
        await settle(app, pilot)
        with Store(app.session.store_path) as store:
            kinds = [e.kind for e in store.events(incident)]
    assert kinds[-1] == "run_not_applied"
