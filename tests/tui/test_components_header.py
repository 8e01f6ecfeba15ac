"""The recovery screen's header says how the plan's components stand."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.tracking.domain.components import ComponentStatus, ComponentView
from planner.tui.update_dialog import UpdateScreen
from planner.tui.widgets import TrackHeader, components_part
from tests.helpers.pilot import make_app, recovery, started, wait_for


def view(status: ComponentStatus) -> ComponentView:
    return ComponentView("c", "C", "public", None, status, None, ())


def test_the_part_counts_each_state() -> None:
    views = [
        view(ComponentStatus.MAJOR_OUTAGE),
        view(ComponentStatus.DEGRADED),
        view(ComponentStatus.OPERATIONAL),
    ]
    assert components_part(views) == (
        "components: [b $text-error]1 major[/] [b $text-warning]1 degraded[/], 1 ok"
    )
    assert (
        components_part([view(ComponentStatus.OPERATIONAL)] * 3) == "components: [$text-success]all 3 ok[/]"
    )


@pytest.mark.asyncio
async def test_the_header_shows_the_components_of_the_incident(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(200, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        header = screen.query_one(TrackHeader)
        assert len(header.components) == 10
        shown = " ".join(header.render_line(y).text for y in range(header.size.height))
        assert "components: 8 major 2 partial, 0 ok" in shown, shown


@pytest.mark.asyncio
async def test_the_update_dialog_drafts_for_customers_from_public_components(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
        editor = app.screen
        assert isinstance(editor, UpdateScreen)
        customer = editor.drafts["customer"]
        assert "- Checkout: unavailable; we expect it back by about " in customer
        assert "storage" not in customer.lower()
        assert "Components: 10 of 10 affected: " in editor.drafts["executive"]
