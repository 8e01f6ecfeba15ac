"""``planner track`` driven with Textual's pilot: every key reaches the journal (or is refused
with the reason and leaves it unchanged), and the screen shows the journal's fold."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from models.events import Event
from planner.tracking.domain import actions
from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.bypass_dialog import BypassScreen
from planner.tui.dialogs import TypedConfirmScreen
from planner.tui.help_dialog import HelpScreen
from planner.tui.incident_keys import IncidentKeys
from planner.tui.table import TaskTable
from planner.tui.tree_dialog import TreeScreen
from planner.tui.update_dialog import UpdateScreen
from planner.tui.widgets import DetailPane, TrackHeader
from tests.helpers.pilot import (
    STARTED,
    Clock,
    go_to,
    journal,
    make_app,
    recovery,
    restore_first,
    settle,
    start_incident,
    started,
    wait_for,
)


@pytest.mark.asyncio
async def test_begin_verify_restored_reach_the_journal_and_the_screen(tmp_path: Path) -> None:
    app, _, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        table = recovery(app).query_one(TaskTable)
        assert table.selected == "storage-cluster"
        await pilot.press("b")
        await settle(app, pilot)
        assert journal(app)[-1].kind == "task_begun"
        assert app.state.tasks["storage-cluster"].state == "restoring"
        assert "restoring" in table.render_line(1).text
        await pilot.press("v")
        await pilot.pause()
        assert "storagectl health --all" in " ".join(str(w.render()) for w in app.screen.query(Static))
        await pilot.press("y")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert [e.kind for e in journal(app)[-2:]] == ["verified", "restored"]
        assert "restored" in table.render_line(1).text
        assert not said, "routine actions show in the table and journal, not in toasts"


@pytest.mark.asyncio
async def test_a_refused_action_says_why_and_leaves_the_journal_alone(tmp_path: Path) -> None:
    app, _, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        before = len(journal(app))
        await pilot.press("r")
        await settle(app, pilot)
        assert len(journal(app)) == before
        title, message = said[-1]
        assert title == "Refused"
        assert "waiting on storage-cluster (down)" in message
        assert "check 'storagectl volume status orders' not passed" in message
        assert app.state.tasks["db-primary"].state == "down"


@pytest.mark.asyncio
async def test_pass_and_fail_a_check_picked_with_its_command(tmp_path: Path) -> None:
    app, _, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("C")
        await pilot.pause()
        assert "storagectl volume status orders" in str(
            app.screen.query_one("OptionList").get_option_at_index(0).prompt
        )
        await pilot.press("enter")
        await pilot.pause()  # C asks what the check showed
        await pilot.press(*"volume orders offline", "enter")
        await settle(app, pilot)
        assert journal(app)[-1].kind == "check_failed"
        assert getattr(journal(app)[-1], "observed", "") == "volume orders offline"
        assert app.state.check_rows["db-primary", "storage-cluster"].state == "failed"
        await pilot.press("c", "enter")
        await pilot.pause()  # c asks, as v does
        await pilot.press("y")
        await settle(app, pilot)
        assert journal(app)[-1].kind == "check_passed"
        assert app.state.check_rows["db-primary", "storage-cluster"].state == "passed"
        assert not said


@pytest.mark.asyncio
async def test_bypass_asks_for_a_reason_and_creates_a_workaround(tmp_path: Path) -> None:
    app, _, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("x", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BypassScreen)
        await pilot.press("enter")  # no reason yet: refused by the form
        await pilot.pause()
        assert isinstance(app.screen, BypassScreen)
        await pilot.press(*"storagectl hangs", "enter", "enter")  # reason, then expiry
        await settle(app, pilot)
        event = journal(app)[-1]
        assert event.kind == "bypassed"
        assert getattr(event, "reason", "") == "storagectl hangs"
        assert getattr(event, "workaround", "") == "INC-1-WA1"
        assert app.state.wa_rows["INC-1-WA1"].removed is None
        assert "workaround INC-1-WA1 is open" in said[-1][1]
        await recovery(app).query_one(IncidentKeys).run_action("remove_workaround")  # the palette
        await pilot.press("enter")
        await settle(app, pilot)
        assert said[-1][0] == "Refused"
        assert "still bypassed by INC-1-WA1: pass it first" in said[-1][1]
        await recovery(app).query_one(IncidentKeys).run_action("resolve")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmScreen)  # services are down: typed, not a reflex
        await pilot.press("y", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TypedConfirmScreen)  # `y` is not the id: still asking
        await pilot.press("backspace", *"INC-1", "enter")
        await settle(app, pilot)
        resolved = journal(app)[-1]
        assert resolved.kind == "resolved"
        assert getattr(resolved, "accepted_workarounds", []) == ["INC-1-WA1"]
        assert app.state.row.state == "resolved"


@pytest.mark.asyncio
async def test_fail_escalate_note_update(tmp_path: Path) -> None:
    app, clock, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert journal(app)[-1].kind == "failed_again"
        assert app.state.tasks["storage-cluster"].reopened == 1
        await pilot.press("e", "y")
        await settle(app, pilot)
        assert getattr(journal(app)[-1], "person", "") == "carol"
        await pilot.press("n", *"vendor ticket 4411 opened", "enter")
        await settle(app, pilot)
        assert getattr(journal(app)[-1], "text", "") == "vendor ticket 4411 opened"
        clock.at += timedelta(minutes=5)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UpdateScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        update = journal(app)[-1]
        assert update.kind == "stakeholder_update"
        assert "Conditions:" in getattr(update, "text", "")
        assert app.state.row.last_update == clock.at
        assert said[-1][1] == "technical update logged"


@pytest.mark.asyncio
async def test_filter_tree_help_and_palette(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        table = recovery(app).query_one(TaskTable)
        await pilot.press("slash", *"team:dba", "enter")
        await pilot.pause()
        assert table.rows == ["db-primary", "db-replica"]
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert len(table.rows) == 21
        await go_to(app, pilot, "app-api")
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, TreeScreen)
        labels = [str(n.label) for n in app.screen.dep_tree.root.children]
        assert any(label.startswith("db-primary (down)") for label in labels)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for action in (
            "Begin (b)",
            "Bypass (x)",
            "Update (u)",
            "Escalate (e)",
            "Tree (g)",
            "Resolve (R)",
            "Workaround out (W)",
            "Undo (z)",
            "Reopen the incident",
        ):
            assert action in titles


@pytest.mark.asyncio
async def test_another_terminal_shows_up_within_a_second(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path, poll=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "planner",
                "incident",
                "begin",
                "INC-1",
                "ldap-directory",
                "--as",
                "heidi",
                "--store",
                str(app.session.store_path),
                "--at",
                "2026-11-28T02:20Z",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        await wait_for(pilot, lambda: app.state.tasks["ldap-directory"].state == "restoring", within=1.0)
        assert app.session.journal[-1].actor == "heidi"


@pytest.mark.asyncio
async def test_quit_asks_and_resume_restores_the_same_state(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("b")
        await settle(app, pilot)
        before = app.state
        await pilot.press("q")
        await pilot.pause()
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert f"--incident INC-1 --store {tmp_path / 'incidents.db'}" in shown  # not the default store
        await pilot.press("y")
        await pilot.pause()
    again, _, _ = make_app(tmp_path)
    async with again.run_test(size=(120, 36)) as pilot:
        await started(again, pilot)
        await pilot.pause()
        assert (again.state.tasks, again.state.check_rows) == (before.tasks, before.check_rows)
        assert [e.seq for e in again.session.journal] == [e.seq for e in journal(again)]


@pytest.mark.asyncio
async def test_narrow_terminal_keeps_the_header_and_table(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.pause()
        assert app.screen.has_class("narrow")
        assert not recovery(app).query_one("#side").display
        table = recovery(app).query_one(TaskTable)
        assert table.size.width == 80
        assert "storage-cluster" in table.render_line(1).text
        header = str(recovery(app).query_one("#header").render())
        assert "update due in" in header.splitlines()[1]
        assert "restored 0/21" in header


@pytest.mark.asyncio
async def test_resume_offer_resumes_the_open_incident_or_starts_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    first = start_incident(path)
    opened: list[str] = []

    def starter() -> str:
        opened.append(start_incident(path))
        return opened[-1]

    for keys, expected in ((["enter"], first), (["down", "enter"], "INC-2")):
        clock = Clock(STARTED + timedelta(minutes=20))
        session = Session(path, "", "alice", clock=clock)
        offer = [(first, f"Resume {first}")]
        app = TrackApp(session, clock=clock, resume_offer=offer, starter=starter, poll=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await started(app, pilot)
            assert app.session.incident == expected
            assert app.screen.query_one(TaskTable).selected == "storage-cluster"
            assert app.title == f"planner track {expected}"
    assert opened == ["INC-2"]


@pytest.mark.asyncio
async def test_a_failing_poll_is_reported_once_and_its_recovery_too(tmp_path: Path) -> None:
    """A poll worker that fails must not die silently: other terminals' actions would stop
    appearing with no notice."""
    app, _, said = make_app(tmp_path, poll=True)
    real_fetch = app.session.fetch
    failures = [0]

    def broken_fetch() -> list[Event]:
        failures[0] += 1
        raise OSError("disk went away")

    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        app.session.fetch = broken_fetch  # type: ignore[method-assign]
        await wait_for(pilot, lambda: any(t == "Internal error" for t, _ in said))
        seen = failures[0]
        # more polls fail (not settle(): waiting on a poll worker that fails raises WorkerFailed)
        await wait_for(pilot, lambda: failures[0] >= seen + 2)
        await pilot.pause()
        troubles = [(t, m) for t, m in said if t == "Internal error"]
        assert len(troubles) == 1
        assert "Other terminals' actions are not being read: OSError: disk went away" in troubles[0][1]
        app.session.fetch = real_fetch  # type: ignore[method-assign]
        await wait_for(pilot, lambda: any(t == "Back" for t, _ in said))


@pytest.mark.asyncio
async def test_enter_on_a_reflex_never_confirms(tmp_path: Path) -> None:
    """Confirmations open on Cancel: Enter closes them recording nothing; `y` confirms."""
    app, _clock, _said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await restore_first(app, pilot)
        before = len(journal(app))
        await pilot.press("f")
        await pilot.pause()
        assert app.focused is not None
        assert app.focused.id == "no"
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(journal(app)) == before
        assert app.state.tasks["storage-cluster"].state == "restored"


@pytest.mark.asyncio
async def test_a_slip_is_undone_as_a_correction_and_a_resolve_reopened(tmp_path: Path) -> None:
    """`z` takes back one's own last action (a void, not a failure: no reopen is counted); the
    palette's reopen voids a resolution."""
    app, _clock, _said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        assert app.state.tasks["storage-cluster"].state == "restoring"
        await pilot.press("z")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.state.tasks["storage-cluster"].state == "down")
        assert journal(app)[-1].kind == "voided"
        assert app.state.tasks["storage-cluster"].reopened == 0
        await recovery(app).query_one(IncidentKeys).run_action("resolve")
        await pilot.pause()
        await pilot.press(*app.state.row.id, "enter")
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.state.row.state == "resolved")
        await recovery(app).query_one(IncidentKeys).run_action("reopen")
        await pilot.pause()
        await pilot.press(*"wrong incident", "enter")
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.state.row.state == "open")
        assert "reopened: wrong incident" in getattr(journal(app)[-1], "reason", "")


@pytest.mark.asyncio
async def test_a_fail_confirmed_after_another_app_changed_its_dependents_is_refused(tmp_path: Path) -> None:
    """Two apps on one store. The first asks whether storage-cluster failed again (nothing to
    reopen); meanwhile the second restores db-primary, which depends on it. The first's
    confirmation is refused with the new list, and nothing is recorded."""
    first, _clock, said = make_app(tmp_path)
    second, _clock2, _said2 = make_app(tmp_path)
    async with first.run_test(size=(120, 36)) as one, second.run_test(size=(120, 36)) as two:
        await started(first, one)
        await started(second, two)
        await restore_first(first, one)  # storage-cluster, the first row
        await one.press("f")
        await one.pause()
        assert "reopened" not in str(first.screen.query_one(Static).render())
        other = second.session
        other.fold(other.fetch())
        other.act(actions.Begin("db-primary"))
        for held in other.view().checks("db-primary"):
            other.act(actions.Check("db-primary", held.dependency, True, "ok"))
        other.act(actions.Verify("db-primary", "ok"))
        other.act(actions.Restore("db-primary"))
        before = len(journal(first))
        await one.press("y")
        await settle(first, one)
        assert len(journal(first)) == before
        assert said[-1][0] == "Refused"
        assert "now db-primary (you saw nothing)" in said[-1][1]


@pytest.mark.asyncio
async def test_after_resolve_the_header_shows_the_outcome(tmp_path: Path) -> None:
    app, _clock, _said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await recovery(app).query_one(IncidentKeys).run_action("resolve")
        await pilot.pause()
        await pilot.press(*app.state.row.id, "enter")
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.state.row.state == "resolved")
        header = recovery(app).query_one(TrackHeader)
        await wait_for(pilot, lambda: "never restored" in str(header.render()))
        text = str(header.render())
        assert "finish" not in text
        assert "RTO missed" in text


@pytest.mark.asyncio
async def test_a_bad_expiry_keeps_what_was_typed(tmp_path: Path) -> None:
    """A typo in the expiry is said in the form, which keeps the reason and the expiry typed."""
    app, _, said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await go_to(app, pilot, "db-primary")
        await pilot.press("x", "enter")
        await pilot.pause()
        await pilot.press(*"storagectl hangs", "tab", "ctrl+a", "ctrl+k", *"soon", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BypassScreen)
        assert app.screen.query_one("#reason", Input).value == "storagectl hangs"
        assert app.screen.query_one("#expires", Input).value == "soon"
        assert "Expiry 'soon'" in said[-1][1]
        await pilot.press("ctrl+a", "ctrl+k", *"2h", "enter")
        await settle(app, pilot)
        assert journal(app)[-1].kind == "bypassed"


@pytest.mark.asyncio
async def test_rows_projected_to_miss_their_rto_are_marked_as_the_header_counts(tmp_path: Path) -> None:
    app, _clock, _said = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        projection = screen.projection
        assert projection is not None
        assert projection.at_risk, "the storage outage of the example misses some RTOs"
        table = screen.query_one(TaskTable)
        await wait_for(pilot, lambda: table.at_risk == frozenset(projection.at_risk))
        marked = [
            s for s in table.rows if table._row(app.state.tasks[s], 20, 12, 20)[1] in {"late", "atrisk"}
        ]
        assert sorted(marked) == sorted(projection.at_risk)
        header = str(screen.query_one(TrackHeader).render())
        assert f"RTO at risk {len(marked)}" in header


@pytest.mark.asyncio
async def test_a_late_row_is_missed_not_at_risk_in_the_header_and_the_row(tmp_path: Path) -> None:
    """secrets-vault (RTO 45m) still down 50 minutes in: the header counts it as missed and late,
    not at risk, and its row says LATE (not -5m)."""
    app, clock, _said = make_app(tmp_path)
    clock.at = STARTED + timedelta(minutes=50)
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        await wait_for(pilot, lambda: screen.projection is not None)
        projection = screen.projection
        assert projection is not None
        assert "secrets-vault" in projection.late
        assert "secrets-vault" not in projection.at_risk
        table = screen.query_one(TaskTable)
        text, role = table._row(app.state.tasks["secrets-vault"], 20, 12, 20)
        assert role == "late"
        assert "LATE 5m" in text
        header = str(screen.query_one(TrackHeader).render())
        late = len(projection.late)
        assert f"RTO missed {len(projection.missed)} ({late} late)" in header
        assert f"RTO at risk {len(projection.at_risk)}" in header


@pytest.mark.asyncio
async def test_an_expired_workaround_is_shown_in_the_header_the_row_and_the_pane(tmp_path: Path) -> None:
    """The plan's WA-17 (app-api without db-primary's check) expired before the incident: the
    screen says so in the header, on app-api's row and in its detail pane, with the expiry."""
    app, _clock, _said = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await started(app, pilot)
        screen = recovery(app)
        header = str(screen.query_one(TrackHeader).render())
        assert "1 workaround EXPIRED" in header
        table = screen.query_one(TaskTable)
        text, _role = table._row(app.state.tasks["app-api"], 20, 12, 60)
        assert "WORKAROUND EXPIRED" in text
        text, _role = table._row(app.state.tasks["db-primary"], 20, 12, 60)
        assert "EXPIRED" not in text  # the bypassed dependency is not the one running without it
        await go_to(app, pilot, "app-api")
        await pilot.pause()
        pane = str(screen.query_one(DetailPane).render())
        assert "Plan workaround WA-17" in pane
        assert "EXPIRED 2026-11-11" in pane
