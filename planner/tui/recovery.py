"""The recovery screen of ``planner track``: the header, the task table, the selected service and
the journal. It shows the journal's fold and nothing else, and picks up other terminals' actions
by polling the journal twice a second (an SQLite store) or when told (a PostgreSQL store, which
announces new events); what each key does is in :mod:`planner.tui.acting`."""

from __future__ import annotations

import contextlib
import functools
import shlex
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerState

from models.events import Event
from planner.tracking.db import OfflineError, locate, same_place, shown
from planner.tracking.outline import outline_of
from planner.tracking.progress import Projection, project
from planner.tracking.session import Session
from planner.tracking.watching import Watch, announces
from planner.tui import safe
from planner.tui.dialogs import ConfirmScreen
from planner.tui.finding import KEYBAR, FindingScreen
from planner.tui.help_dialog import HelpScreen
from planner.tui.runs import last_verify_run
from planner.tui.table import TaskTable
from planner.tui.tree_dialog import TreeScreen, dependency_tree
from planner.tui.widgets import DetailPane, JournalPane, KeyBar, TrackHeader

PROJECTION_DELAY = 1.0
"""Seconds of quiet after a change before the projected finish is recomputed."""
POLL_SECONDS = 0.5
"""How often the journal is checked for other terminals' actions (they show within a second)."""
NARROW = 110
"""Below this many columns the side panes give way to the table."""


class RecoveryScreen(FindingScreen):
    """The live recovery of one incident."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "begin", "Begin", tooltip="Start restoring the selected service"),
        Binding("c", "check(True)", "Pass check", tooltip="Record a dependency check as passed"),
        Binding(
            "C",
            "check(False)",
            "Fail check",
            tooltip="Record a dependency check as failed (asks what it showed)",
        ),
        Binding("v", "verify", "Verify", tooltip="Confirm the service's own verify command (shows it first)"),
        Binding("r", "restored", "Restored", tooltip="Declare the service restored (guarded)"),
        Binding(
            "exclamation_mark",
            "run",
            "Run a check",
            key_display="!",
            tooltip="Run the service's verify or a check now (shows the command and asks first)",
        ),
        Binding("x", "bypass", "Bypass", tooltip="Skip a dependency check: creates a tracked workaround"),
        Binding("f", "fail", "Failed again", tooltip="The service failed again (reopens dependents)"),
        Binding("n", "note", "Note", tooltip="Add a note to the journal"),
        Binding("u", "update", "Update", tooltip="Draft, edit and log a stakeholder update"),
        Binding("e", "escalate", "Escalate", tooltip="Page the next person on the escalation path"),
        Binding("z", "undo", "Undo", tooltip="Take back your own last action (ten minutes; a correction)"),
        Binding(
            "R", "resolve", "Resolve", tooltip="Resolve the incident (asks; typed id if services are down)"
        ),
        Binding("W", "remove_workaround", "Workaround out", tooltip="Record that a workaround was taken out"),
        Binding(
            "slash", "filter", "Filter", key_display="/", tooltip="Filter by text, team:ID or state:NAME"
        ),
        Binding("1", "quick('all')", "All rows", tooltip="Quick filter off: every row"),
        Binding("2", "quick('ready')", "Ready only", tooltip="Only the rows that can be finished now"),
        Binding("3", "quick('late')", "Late only", tooltip="Only the rows past their RTO"),
        Binding("4", "quick('risk')", "Late or at risk", tooltip="Past their RTO, or projected to miss it"),
        Binding("t", "team", "This team only", tooltip="Only the selected service's owner team (again: all)"),
        Binding("H", "hide_restored", "Hide restored", tooltip="Hide or show the restored rows"),
        Binding("s", "sort", "Sort", tooltip="Sort by wave, by RTO left (nearest first), by team"),
        Binding("right_square_bracket", "jump('ready', 1)", "Next ready", key_display="]"),
        Binding("left_square_bracket", "jump('ready', -1)", "Previous ready", key_display="["),
        Binding("right_curly_bracket", "jump('urgent', 1)", "Next late/at risk", key_display="}"),
        Binding("left_curly_bracket", "jump('urgent', -1)", "Previous late/at risk", key_display="{"),
        Binding("d", "full('detail')", "Detail", tooltip="The selected service full-screen (again: back)"),
        Binding(
            "l", "full('journal')", "Journal", tooltip="The journal full-screen, to scroll back (again: back)"
        ),
        Binding(
            "escape", "escape", "Back", show=False, tooltip="Clear the filter, or leave a full-screen pane"
        ),
        Binding("g", "tree", "Tree", tooltip="Dependency tree of the selected service"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Keys and rules"),
        Binding("q", "leave", "Quit", tooltip="Quit (the incident stays in the store)"),
    ]
    EXTRA_COMMANDS: ClassVar[list[tuple[str, str, str]]] = [
        ("reopen", "Reopen the incident", "A wrongly resolved incident: its resolution is voided"),
    ]
    """Palette entries without a key of their own: (action, title, help)."""

    def __init__(self, session: Session, clock: Callable[[], datetime], *, poll: bool = True) -> None:
        super().__init__(session, clock)
        self.polling = poll
        self.projected_seq = -1
        self._projection_timer: Timer | None = None
        self._poll_trouble: str | None = None
        self._watch_stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield TrackHeader(self.clock, id="header")
        with Horizontal(id="main"):
            yield TaskTable(self.clock, id="tasks")
            with Vertical(id="side"):
                yield Label("Selected service (d: full screen)", id="detail-title")
                with VerticalScroll(id="detail"):
                    yield DetailPane(id="detail-text")
                yield Label("Journal, newest first (l: full screen)", id="journal-title")
                yield JournalPane(id="journal")
        with Horizontal(id="filterbar"):
            yield Input(
                placeholder="/ filter: words, team:ID, state:down|restoring|restored|reopened", id="filter"
            )
            yield Label("", id="shown")
        yield KeyBar(KEYBAR)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.session.load()
        self.app.title = f"planner track {self.session.incident}"
        self._show_all()
        self.query_one(TaskTable).focus()
        self.set_interval(1.0, self._tick)
        if self.polling and announces(self.session.store_path):
            self._watch()
        elif self.polling:
            self.set_interval(POLL_SECONDS, self._poll)
        self._project()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")

    def key_bindings(self) -> list[Binding]:
        """The screen's bindings, for help and the command palette."""
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    # showing -----------------------------------------------------------------------------

    def _show_all(self) -> None:
        table = self.query_one(TaskTable)
        if self.projection is not None:
            table.at_risk = frozenset(self.projection.at_risk)
        table.show(self.state)
        self.query_one(TrackHeader).show(self.state, self.projection)
        self._show_detail()
        older = (
            ""
            if self.session.whole_journal
            else "(older events: planner report " + self.session.incident + ")"
        )
        self.query_one(JournalPane).show(self.session.journal, older)
        self._show_shown()

    def _show_detail(self) -> None:
        service = self.selected
        verify_run = last_verify_run(self.session.journal, service) if service else None
        self.query_one(DetailPane).show(self.session.state, service, self.clock(), verify_run)

    def on_task_table_selected(self, _message: TaskTable.Selected) -> None:
        if self.session.state is not None and self._on_screen():
            self._show_detail()
            self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def _tick(self) -> None:
        if self._on_screen():
            self.query_one(TrackHeader).tick()
            self.query_one(TaskTable).tick()

    # the journal, from this terminal and others -------------------------------------------

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        try:
            fresh = self.session.fetch()
        except OfflineError:
            return  # the watch of a PostgreSQL store says so, and reads again once it is back
        self.app.call_from_thread(self._polled, fresh)

    def _watch(self) -> None:
        """A PostgreSQL store announces new events: wait for them instead of polling, in a
        daemon thread (not a worker: quitting must not wait for a server that does not answer)."""
        app = self.app

        def later(call: Callable[..., object], *args: object) -> None:
            if app.is_running and not self._watch_stop.is_set():
                with contextlib.suppress(RuntimeError):  # the app is closing
                    app.call_from_thread(call, *args)

        watch = Watch(
            str(self.session.store_path),
            self.session.incident,
            news=lambda: later(self._poll),
            status=lambda why: later(self.show_offline, why),
            stopped=lambda: self._watch_stop.is_set() or not app.is_running,
        )

        def run() -> None:
            try:
                watch.run()
            except Exception as bug:  # noqa: BLE001 - reported on screen, as a worker's would be
                later(functools.partial(self.notify_worker_error, "poll", bug, timeout=20))

        threading.Thread(target=run, name="planner-watch", daemon=True).start()

    def on_unmount(self) -> None:
        self._watch_stop.set()

    def show_offline(self, why: str | None) -> None:
        """The store's server was lost (``why``) or is back (None)."""
        header = self.query_one(TrackHeader)
        if why is None:
            self.offline, header.offline_since = None, None
            self.app.clear_notifications()  # the OFFLINE notice no longer stands
            self.notify("The incident store is reachable again.", title="Back online", timeout=6)
        else:
            if self.offline is None:
                header.offline_since = self.clock()
            self.offline = why
            self.notify(
                safe.block(f"{why}\nActions are refused until it is back; reconnecting by itself."),
                title="OFFLINE",
                severity="error",
                timeout=12,
            )
        header.tick()

    def _polled(self, fresh: list[Event]) -> None:
        if self._poll_trouble is not None:
            self._poll_trouble = None
            self.notify("Reading the journal again.", title="Back", timeout=4)
        if fresh:
            self.fold(fresh)

    def fold(self, events: list[Event]) -> None:
        self.session.fold(events)
        if self._on_screen():
            self._show_all()
            self._project_soon()

    def _project_soon(self) -> None:
        """Re-run the schedule a moment after a change: at 10,000 tasks it takes a good part of
        a second of CPU, which must not compete with the repaint that follows a key press. The
        first change starts the wait and later ones join it (a busy incident, polled twice a
        second, would otherwise push it back for ever): one projection per
        :data:`PROJECTION_DELAY` at most, and the header gives its age when it lags."""
        header = self.query_one(TrackHeader)
        if header.behind_since is None:
            header.behind_since = time.monotonic()
        if self._projection_timer is None:
            self._projection_timer = self.set_timer(PROJECTION_DELAY, self._project_due)

    def _project_due(self) -> None:
        self._projection_timer = None
        self._project()

    @work(thread=True, exclusive=True, group="projection", exit_on_error=False)
    def _project(self) -> None:
        seq = self.session.seen
        if seq == self.projected_seq:
            return
        result = project(outline_of(self.state), self.clock())
        self.app.call_from_thread(self._projected, result, seq)

    def _projected(self, result: Projection, seq: int) -> None:
        self.projection, self.projected_seq = result, seq
        if self._on_screen():
            header = self.query_one(TrackHeader)
            if seq == self.session.seen:
                header.behind_since = None
            header.show(self.state, result)
            self.query_one(TaskTable).show_risk(result.at_risk)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is a bug: say so (once per trouble for the poll, which retries
        by itself) instead of letting it die silently."""
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        if worker.group == "poll":
            trouble = f"{type(worker.error).__name__}: {worker.error}"
            if trouble == self._poll_trouble:
                return
            self._poll_trouble = trouble
        self.notify_worker_error(worker.group, worker.error, timeout=20)

    # tree, help, quit ------------------------------------------------------------------------

    def action_tree(self) -> None:
        """The selected service's dependency tree."""
        if service := self.need_service():
            self.app.push_screen(TreeScreen(dependency_tree(self.state, service)))

    def action_help(self) -> None:
        """Keys and rules."""
        keys = [(b.key_display or b.key, b.description) for b in self.key_bindings()]
        keys += [
            ("up/down, j/k", "Move"),
            ("PgUp/PgDn, Home/End", "Move faster"),
            ("Ctrl+P", "Command palette"),
            ("Ctrl+Q", "Quit at once"),
        ]
        self.app.push_screen(HelpScreen(keys))

    @work(exclusive=True, group="dialog")
    async def action_leave(self) -> None:
        """Quit; asks while the incident is open (nothing is lost either way)."""
        if self.session.state is None or self.state.row.state != "open":
            self.app.exit()
            return
        store = self.session.store_path
        named = "" if same_place(store, locate(None)) else f" --store {shlex.quote(shown(store))}"
        confirm = ConfirmScreen(
            f"Quit? {self.session.incident} stays open",
            "Everything is in the journal. Resume with:\n"
            f"  planner track PLAN --incident {self.session.incident}{named}",
            yes="Quit",
        )
        if await self.app.push_screen_wait(confirm):
            self.app.exit()
