"""The task table draws again only the lines that changed (after a key, a fold, a second): what
is on screen after any run of keys, actions, other terminals' events and time passing is what a
table drawn from scratch shows, and its rows are those a full rebuild lists."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from rich.segment import Segment

from planner.tracking.domain import actions
from planner.tracking.session import Session
from planner.tui.table import SORTS, TaskTable, arrange
from planner.tui.widgets import DetailPane, TrackHeader
from tests.helpers.pilot import make_app, recovery, settle, started

KEYS = [
    *["down", "j", "up", "pagedown", "pageup", "end", "home"] * 4,
    *["b", "s", "1", "1", "2", "3", "4", "H", "escape", "]", "}", "["],
]
"""Keys drawn at random: moves most (the quick filters leave few rows), begin, sort, filters, jumps."""


def painted(table: TaskTable) -> list[list[Segment]]:
    """The table's lines as the screen has them (drawn lines come from the widget's cache)."""
    return [list(strip) for strip in table.render_lines(table.size.region)]


def fresh(table: TaskTable) -> list[list[Segment]]:
    """The table's lines drawn from scratch."""
    table.refresh()
    return painted(table)


def rebuilt(table: TaskTable) -> list[str]:
    """The rows a full rebuild shows."""
    assert table.state is not None
    if table.filter.active or table.sort != SORTS[0]:
        return arrange(table.state, table.filter, table.sort, table.at_risk, table.now())
    return list(table.state.tasks)


@pytest.mark.asyncio
async def test_what_is_painted_is_what_a_full_redraw_paints(tmp_path: Path) -> None:
    app, clock, _ = make_app(tmp_path)
    other = Session(app.session.store_path, app.session.incident, "bob", clock=clock)
    other.load()
    rng = random.Random(27)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        table = screen.query_one(TaskTable)
        moved = set()
        for step in range(60):
            roll = rng.random()
            if roll < 0.15:  # time passes: rows turn late, the clock columns move
                clock.at += timedelta(minutes=rng.choice([1, 7, 30]))
                screen._tick()
            elif roll < 0.25:  # another terminal begins a task: folded in like the feed does
                other.fold(other.fetch())
                down = [s for s, t in other.view().tasks.items() if t.state == "down"]
                other.act(actions.Begin(rng.choice(down)))
                screen.fold(app.session.fetch())
            else:
                await pilot.press(rng.choice(KEYS))
            await settle(app, pilot)
            assert table.rows == rebuilt(table), f"step {step}"
            assert painted(table) == fresh(table), f"step {step}: a changed line was not drawn again"
            moved.add(table.cursor)
        assert len(moved) > 3, "the cursor went places"
        assert screen.query_one(TrackHeader).content, "the header was drawn"


@pytest.mark.asyncio
async def test_the_detail_pane_grows_and_shrinks_with_the_selected_service(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        table, detail = screen.query_one(TaskTable), screen.query_one(DetailPane)
        heights = set()
        for service in list(table.rows):
            table.select(service)
            await pilot.pause()
            width = detail.content_region.width
            assert detail.content_region.height == detail.visual.get_height(detail.styles, width), service
            heights.add(detail.content_region.height)
        assert len(heights) > 1, "services of different heights were shown"
