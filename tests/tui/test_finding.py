"""``planner track``: finding what matters first (quick filters, sort, jumps, hiding restored
rows), colours a tired eye can read, panes that fit any terminal, a key bar that follows the
focus, and the projection that never freezes."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Select, TextArea

from planner.tracking.domain import actions, comms
from planner.tracking.persistence.store import Store
from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.dialogs import ConfirmScreen, Dialog
from planner.tui.table import TaskTable, is_late, is_ready
from planner.tui.update_dialog import UpdateScreen
from planner.tui.widgets import DetailPane, JournalPane, KeyBar, TrackHeader
from tests.helpers.pilot import (
    STARTED,
    Clock,
    go_to,
    make_app,
    recovery,
    restore_first,
    settle,
    start_incident,
    started,
    wait_for,
)
from tests.tui.contrast import low_contrast


def shown(app: TrackApp) -> str:
    return str(recovery(app).query_one("#shown", Label).render())


def plain(bar: KeyBar) -> str:
    """What the key bar says, without its markup."""
    return Content.from_markup(bar.render()).plain


def table_of(app: TrackApp) -> TaskTable:
    return recovery(app).query_one(TaskTable)


@pytest.mark.asyncio
async def test_quick_filters_sort_and_esc(tmp_path: Path) -> None:
    app, clock, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        table, total = table_of(app), len(app.state.tasks)
        await pilot.press("2")  # ready: what can be finished now
        assert table.rows
        assert all(is_ready(app.state, app.state.tasks[s]) for s in table.rows)
        assert f"{len(table.rows)} of {total} shown" in shown(app)
        assert "ready" in shown(app)
        clock.at = STARTED + timedelta(hours=3)  # long past most RTOs
        await pilot.press("3")
        late = [s for s, t in app.state.tasks.items() if is_late(app.state, t, clock())]
        assert late
        assert table.rows == late
        await pilot.press("4")  # late or at risk: at least every late one
        assert set(late) <= set(table.rows)
        await pilot.press("1", "H")  # every row but the restored ones
        assert "storage-cluster" not in table.rows
        assert len(table.rows) == total - 1
        assert "restored hidden" in shown(app)
        await go_to(app, pilot, "sso-idp")
        await pilot.press("t")  # its team only
        assert {app.state.tasks[s].owner for s in table.rows} == {"identity"}
        assert "team identity" in shown(app)
        await pilot.press("escape")  # every filter off
        assert len(table.rows) == total
        assert "shown" not in shown(app)
        assert table.selected == "sso-idp", "clearing a filter keeps the selection"
        await pilot.press("s")  # the nearest RTO first, restored last
        assert "by RTO left" in shown(app)
        keys = [
            (t.state == "restored", t.rto is None, t.rto or 0)
            for t in (app.state.tasks[s] for s in table.rows)
        ]
        assert keys == sorted(keys)
        assert table.rows[-1] == "storage-cluster"
        await pilot.press("s")
        owners = [app.state.tasks[s].owner or "" for s in table.rows]
        assert owners == sorted(owners)
        await pilot.press("s")
        assert table.rows == list(app.state.tasks), "back to wave order"
        await pilot.press("slash", *"zzz-nothing")
        assert not table.rows
        assert "No row matches" in table.render_line(1).text
        await pilot.press("escape")  # in the box: empties it and goes back to the table
        assert table.has_focus
        assert len(table.rows) == total


@pytest.mark.asyncio
async def test_jump_to_the_next_ready_and_the_next_late_row(tmp_path: Path) -> None:
    app, clock, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        table = table_of(app)
        await pilot.press("right_square_bracket")  # only storage-cluster is ready: it wraps to it
        assert table.selected == "storage-cluster"
        await restore_first(app, pilot)
        await pilot.press("right_square_bracket")
        first = table.selected
        assert first != "storage-cluster"
        assert is_ready(app.state, app.state.tasks[str(first)])
        await pilot.press("right_square_bracket", "left_square_bracket")
        assert table.selected == first
        clock.at = STARTED + timedelta(minutes=50)  # secrets-vault (RTO 45m) is late
        await pilot.press("home", "right_curly_bracket")
        assert table.selected is not None
        assert is_late(app.state, app.state.tasks[table.selected], clock()) or table.selected in table.at_risk
        await pilot.press("3", "right_curly_bracket", "slash", *"storage", "enter")
        await pilot.press("right_curly_bracket")
        assert said[-1][1] == "No row shown is late or at risk."


@pytest.mark.asyncio
async def test_columns_use_the_width_and_cut_with_an_ellipsis(tmp_path: Path) -> None:
    for width, owner in ((80, "observabili…"), (120, "observabili…"), (200, "observability ")):
        app, _, _ = make_app(tmp_path)
        async with app.run_test(size=(width, 30)) as pilot:
            await started(app, pilot)
            table = table_of(app)
            row = next(i for i, s in enumerate(table.rows) if s == "metrics-tsdb")
            line = table.render_line(row + 1).text
            assert owner in line
            assert len(line) == table.scrollable_content_region.width
            blocked = table.render_line(table.rows.index("api-gateway") + 1).text
            if width == 200:
                assert "check storage-cluster" not in blocked
                assert "sso-idp" in blocked
            sso = table.render_line(table.rows.index("sso-idp") + 1).text.rstrip()
            if width == 200:
                assert sso.endswith("db-primary, ldap-directory, secrets-vault")
            else:
                assert sso.endswith("…"), "a cut 'blocked by' says so"


@pytest.mark.asyncio
async def test_late_and_at_risk_rows_are_the_loudest_and_the_cursor_keeps_their_colour(
    tmp_path: Path,
) -> None:
    app, clock, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        clock.at = STARTED + timedelta(minutes=50)
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        table = table_of(app)
        table.refresh()
        await pilot.pause()
        assert low_contrast(app.screen) == []

        def style_of(service: str) -> Any:
            return next(iter(table.render_line(table.rows.index(service) + 1))).style

        late = "secrets-vault"
        assert is_late(app.state, app.state.tasks[late], clock())
        ready = next(s for s in table.rows if is_ready(app.state, app.state.tasks[s]) and s != late)
        plain = style_of(ready)
        loud = style_of(late)
        assert loud.bold
        assert not plain.bold
        assert loud.bgcolor != plain.bgcolor, "a late row has a background of its own"
        await go_to(app, pilot, late)
        under_cursor = style_of(late)
        assert (under_cursor.color, under_cursor.bgcolor) == (loud.bgcolor, loud.color)
        assert table.render_line(table.rows.index(late) + 1).text.startswith("▶")
        assert low_contrast(app.screen) == []
        await go_to(app, pilot, ready)
        assert style_of(ready).bgcolor == plain.color, "the cursor row is drawn in the row's own colour"
        assert low_contrast(app.screen) == []


@pytest.mark.asyncio
async def test_every_dialog_and_the_help_meet_the_contrast(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        for keys in (
            ["question_mark"],
            ["u"],
            ["n"],
            ["v"],
            ["x"],
            ["C"],
            ["g"],
            ["e"],
            ["R", *"INC-1"],
            ["q"],
        ):
            await pilot.press(*keys)
            await wait_for(pilot, lambda: isinstance(app.screen, Dialog))
            await pilot.pause()
            dialog = app.screen.query_one("Vertical").region
            bar = app.screen.query_one(KeyBar).region
            assert low_contrast(app.screen, within=[dialog, bar]) == [], keys
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is recovery(app))


@pytest.mark.asyncio
async def test_every_dialog_fits_80x24_with_its_buttons_and_keys_on_screen(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        dialogs = (["question_mark"], ["u"], ["n"], ["v"], ["x", "enter"], ["C"], ["g"], ["e"], ["R"], ["q"])
        for keys in dialogs:
            await pilot.press(*keys)
            await wait_for(pilot, lambda: isinstance(app.screen, Dialog))
            await pilot.pause()
            screen = app.screen.region
            for widget in (*app.screen.query("Button"), app.screen.query_one(KeyBar)):
                shown = widget.region
                assert shown.height > 0, (keys, widget)
                assert screen.contains_region(shown), (keys, widget, shown)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is recovery(app))


@pytest.mark.asyncio
async def test_the_detail_pane_puts_checks_first_shows_what_was_seen_and_starts_at_the_top(
    tmp_path: Path,
) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("C", "enter")
        await pilot.pause()
        await pilot.press(*"replica lag 40s", "enter")
        await settle(app, pilot)
        text = str(recovery(app).query_one(DetailPane).render())
        assert text.index("Depends on") < text.index("Owner") < text.index("Escalation")
        assert "seen: replica lag 40s" in text
        other = Session(app.session.store_path, app.session.incident, "bob", clock=app.clock)
        other.load()
        other.act(actions.Check("ldap-directory", "storage-cluster", True, "ldapsearch answers in 4 ms"))
        recovery(app).fold(app.session.fetch())
        await go_to(app, pilot, "ldap-directory")
        assert "seen: ldapsearch answers in 4 ms" in str(recovery(app).query_one(DetailPane).render())
        await go_to(app, pilot, "db-primary")
        assert app.state.check_rows["db-primary", "storage-cluster"].observed == "replica lag 40s"
        pane = recovery(app).query_one("#detail", VerticalScroll)
        pane.scroll_end(animate=False)
        await pilot.pause()
        assert pane.scroll_y > 0
        await pilot.press("down")
        await pilot.pause()
        assert pane.scroll_y == 0, "a new selection is read from its top"


@pytest.mark.asyncio
async def test_the_journal_scrolls_back_past_the_newest_40(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    incident = start_incident(path)
    with Store(path) as store:
        for n in range(120):
            note = comms.AddNote(f"note {n}")
            store.act(incident, lambda view, a=note: a.decide(view, "bob", STARTED + timedelta(minutes=1)))
    clock = Clock(STARTED + timedelta(minutes=20))
    app = TrackApp(Session(path, incident, "alice", clock=clock), clock=clock, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press("l")  # the journal, full-screen at 80x24
        await pilot.pause()
        pane = recovery(app).query_one(JournalPane)
        assert pane.display
        assert pane.has_focus
        assert "note 119" in pane.render_line(0).text
        await pilot.press("end")
        await pilot.pause()
        bottom = " ".join(pane.render_line(y).text for y in range(pane.scrollable_content_region.height))
        assert "note 0" in bottom
        assert "declared incident" in bottom


@pytest.mark.asyncio
async def test_at_80x24_d_and_l_show_the_panes_full_screen_and_esc_comes_back(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        table = screen.query_one(TaskTable)
        assert not screen.query_one("#side").display
        await pilot.press("d")
        await pilot.pause()
        assert not table.display
        assert screen.query_one("#detail").display
        assert "storagectl health --all" in str(screen.query_one(DetailPane).render())
        assert "Esc back" in plain(screen.query_one(KeyBar))
        await pilot.press("l")
        await pilot.pause()
        assert screen.query_one(JournalPane).display
        assert not screen.query_one("#detail").display
        await pilot.press("escape")
        await pilot.pause()
        assert table.display
        assert table.has_focus
        assert not screen.query_one("#side").display
        await pilot.press("d", "d")  # the same key again: back
        await pilot.pause()
        assert table.display


@pytest.mark.asyncio
async def test_the_key_bar_follows_the_focus_and_dialogs_say_their_keys(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        bar = recovery(app).query_one(KeyBar)
        text = plain(bar)
        assert "b begin" in text
        assert "? help" in text
        assert "^p palette" in text
        await pilot.press("slash")
        await pilot.pause()
        text = plain(bar)
        assert "Enter apply" in text
        assert "Esc clear" in text
        assert "? help" in text
        await pilot.press("escape", "v")
        await pilot.pause()
        said = plain(app.screen.query_one(KeyBar))
        assert "y confirm" in said
        assert "Esc cancel" in said
        await pilot.press("escape", "n")
        await pilot.pause()
        assert "Enter record it" in plain(app.screen.query_one(KeyBar))


@pytest.mark.asyncio
async def test_toasts_cover_no_column_nor_dialog_and_a_refusal_goes_once_an_action_succeeds(
    tmp_path: Path,
) -> None:
    path = tmp_path / "incidents.db"
    incident = start_incident(path)
    clock = Clock(STARTED + timedelta(minutes=20))
    app = TrackApp(Session(path, incident, "alice", clock=clock), clock=clock, poll=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(app, pilot)
        await pilot.press("r")  # not begun, not verified: refused
        await settle(app, pilot)
        toasts = app.screen.query("Toast")
        assert toasts
        screen = recovery(app)
        for shown in (screen.query_one(TaskTable), screen.query_one("#filterbar"), screen.query_one(KeyBar)):
            assert not any(t.region.overlaps(shown.region) for t in toasts), shown
        await pilot.press("n")  # a dialog opened while the refusal shows: not covered either
        await wait_for(pilot, lambda: isinstance(app.screen, Dialog) and bool(app.screen.query("Toast")))
        await pilot.pause()
        dialog = app.screen.query_one("Vertical").region
        assert not any(t.region.overlaps(dialog) for t in app.screen.query("Toast"))
        assert not any(
            t.region.overlaps(app.screen.query_one(KeyBar).region) for t in app.screen.query("Toast")
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("b")
        await settle(app, pilot)
        assert not app.screen.query("Toast"), "the refusal no longer stands"


@pytest.mark.asyncio
async def test_an_edited_update_is_not_thrown_away_without_asking(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, UpdateScreen))
        editor = app.screen
        area = editor.query_one(TextArea)
        area.text = area.text + "\nBridge: +1 555 0100"
        editor.query_one(Select).value = "executive"
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # keep editing
        await wait_for(pilot, lambda: app.screen is editor)
        await pilot.pause()
        assert editor.query_one(Select).value == "technical"
        assert "Bridge: +1 555 0100" in area.text
        await pilot.press("escape")  # cancel the edited update: it asks too
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is recovery(app))
        await settle(app, pilot)
        assert not any(isinstance(s, UpdateScreen) for s in app.screen_stack)


@pytest.mark.asyncio
async def test_the_projection_keeps_up_with_a_busy_journal_and_gives_its_age(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projected_seq == app.session.seen)
        first = screen.projected_seq
        other = Session(app.session.store_path, app.session.incident, "bob", clock=app.clock)
        other.load()
        began = time.monotonic()
        # another terminal records something every 0.3 s, faster than the projection's delay
        while time.monotonic() - began < 3.5:
            other.act(comms.AddNote(f"at {time.monotonic() - began:.1f}"))
            screen.fold(app.session.fetch())
            await pilot.pause(0.3)
        assert screen.projected_seq > first, "a busy journal must not hold the projection back for ever"
        header = screen.query_one(TrackHeader)
        header.behind_since = time.monotonic() - 12
        header.tick()
        assert "as of 12s ago" in str(header.render())
        other.act(comms.AddNote("one more"))
        screen.fold(app.session.fetch())
        await wait_for(pilot, lambda: screen.projected_seq == app.session.seen)
        assert header.behind_since is None
        assert "as of" not in str(header.render())


@pytest.mark.asyncio
async def test_restore_from_the_filter_keeps_working(tmp_path: Path) -> None:
    """Actions act on the selected row of a filtered, sorted table."""
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("s", "s", "slash", *"storage-cluster", "enter")
        assert table_of(app).rows == ["storage-cluster"]
        await pilot.press("b")
        await settle(app, pilot)
        assert app.state.tasks["storage-cluster"].state == "restoring"
        assert recovery(app).query_one("#filter", Input).value == "storage-cluster"
