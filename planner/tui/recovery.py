"""The recovery screen of ``planner track``: the header over the parts that own the keys
(:class:`~planner.tui.restore_keys.RestoreKeys`, :class:`~planner.tui.check_runner.CheckRunner`,
:class:`~planner.tui.incident_keys.IncidentKeys`, :class:`~planner.tui.finder.Finder`), which
hold the task table, the selected service and the journal. The screen is their
:class:`~planner.tui.desk.Desk`: it records their actions through the store's guard, folds the
journal (this terminal's actions and, from the :class:`~planner.tui.journal_feed.JournalFeed`,
other terminals') and shows the fold and nothing else."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from models.events import Event
from planner.errors import PlannerError
from planner.tracking.domain import actions, comms, corrections
from planner.tracking.domain.guards import RefusedError
from planner.tracking.domain.state import MemoryView
from planner.tracking.persistence.db import OfflineError
from planner.tracking.reports.progress import Projection, next_update_due
from planner.tracking.session import Session
from planner.tui import safe
from planner.tui.advice import for_screen
from planner.tui.check_runner import CheckRunner, last_verify_run
from planner.tui.desk import Part, report_failed_work
from planner.tui.dialogs import quit_open
from planner.tui.finder import KEYBAR, Finder
from planner.tui.help_dialog import MOVES, HelpScreen
from planner.tui.incident_keys import IncidentKeys
from planner.tui.injections import InjectionWatch
from planner.tui.journal_feed import JournalFeed
from planner.tui.projector import CHILD_FROM, Projector, ProjectorStopped
from planner.tui.restore_keys import RestoreKeys
from planner.tui.table import TaskTable
from planner.tui.tree_dialog import TreeScreen, dependency_tree
from planner.tui.widgets import DetailPane, JournalPane, KeyBar, TrackHeader

PROJECTION_DELAY = 1.0
"""Seconds of quiet after a change before the projected finish is recomputed."""
NARROW = 110
"""Below this many columns the side panes give way to the table."""
WIDE = 180
"""From this many columns the side panes grow (the table's blocked-by column would only grow
emptier while the selected service wraps)."""
LOUD = (actions.Bypass, actions.Escalate, comms.SendUpdate, actions.Fail, corrections.Void)
"""Actions whose success is also announced (the others show in the table and journal)."""
PARTS: tuple[type[Part], ...] = (RestoreKeys, CheckRunner, IncidentKeys, Finder)
"""The parts that own keys, in the order help and the palette list them (the screen's own last)."""


class RecoveryScreen(Screen[None]):
    """The live recovery of one incident."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "tree", "Tree", tooltip="Dependency tree of the selected service"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Keys and rules"),
        Binding("q", "leave", "Quit", tooltip="Quit (the incident stays in the store)"),
    ]

    def __init__(
        self,
        session: Session,
        clock: Callable[[], datetime],
        *,
        poll: bool = True,
        plan_path: str | None = None,
        projector: Projector | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.projector = projector or Projector()  # the app's child process (else worked out here)
        self.plan_path = plan_path
        self.clock = clock
        self.polling = poll
        self.projection: Projection | None = None
        self.projected_seq = -1
        self._projection_timer: Timer | None = None
        self.refused = False
        """A refusal is on screen: the next action that succeeds takes it away."""
        self.offline: str | None = None
        """Why the store's server cannot be reached now (None while it can): actions are refused."""
        self._reminded: datetime | None = None
        """The due time of the update last said to be due (each is said once)."""

    def compose(self) -> ComposeResult:
        yield TrackHeader(self.clock, id="header")
        with RestoreKeys(self), CheckRunner(self), IncidentKeys(self), Finder(self):
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
                    placeholder="/ filter: words, team:ID, state:down|restoring|restored|reopened",
                    id="filter",
                )
                yield Label("", id="shown")
            yield KeyBar(KEYBAR)
        yield InjectionWatch(self.session, self.clock, self.fold)

    def on_mount(self) -> None:
        self._fit(self.app.size.width)
        self.session.load()
        if len(self.state.tasks) >= CHILD_FROM:  # from the main thread, whose end ends it
            self.projector.start()
        if gc.get_freeze_count():  # `planner track` froze what it had loaded: the mirror joins it
            self.call_after_refresh(gc.freeze)  # (a full collection scanned it: 50 ms in a key)
        self.query_one(TrackHeader).plan = self.session.plan
        self.app.title = f"planner track {self.session.incident}"
        self._show_all()
        self.query_one(TaskTable).focus()
        self.set_interval(1.0, self._tick)
        if self.polling:
            self.mount(JournalFeed(self.session))
        self._project()

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")
        self.set_class(width >= WIDE, "wide")

    def _on_screen(self) -> bool:
        """False while the app is shutting down (timers and workers may still call back)."""
        return self.app.is_running and self.is_attached

    def bindings(self) -> list[tuple[Widget, Binding]]:
        """Every key of the parts and of the screen, with who handles it, in the order help
        lists them."""
        owners: list[Widget] = [*(self.query_one(part) for part in PARTS), self]
        return [(owner, b) for owner in owners for b in owner.BINDINGS if isinstance(b, Binding)]

    def palette(self) -> list[tuple[Widget, str, str, str]]:
        """The command palette's entries, (who, action, title, help): every key, then the
        actions that have no key."""
        entries = [
            (owner, b.action, f"{b.description} ({b.key_display or b.key})", b.tooltip or "")
            for owner, b in self.bindings()
        ]
        parts = [self.query_one(part) for part in PARTS]
        return entries + [(part, *command) for part in parts for command in part.COMMANDS]

    # the desk of the parts -------------------------------------------------------------------

    @property
    def state(self) -> MemoryView:
        """The fold of the journal (the session's mirror)."""
        assert self.session.state is not None, "loaded when the screen mounts"
        return self.session.state

    @property
    def selected(self) -> str | None:
        """The service under the table's cursor."""
        return self.query_one(TaskTable).selected

    def need_service(self) -> str | None:
        """The selected service, or a warning that none is."""
        service = self.selected
        if service is None:
            self.notify("No service selected (is the filter hiding them all?)", severity="warning")
        return service

    def send(self, action: actions.Action, done: str) -> None:
        """Record ``action`` through the store's guard, off the UI thread; ``done`` is said when
        it is one of the :data:`LOUD` ones. Refused at once while the store is offline."""
        if not self.refuse_offline():
            self._record(action, done)

    async def attempt(self, action: actions.Action, done: str) -> str | None:
        """:meth:`send` ``action`` and wait for the outcome: None once it is recorded, else why
        it was not (said on screen too), so that what the person typed can be offered again."""
        if self.refuse_offline():
            return self.offline
        try:
            why = await self._record(action, done).wait()
        except (WorkerCancelled, WorkerFailed) as lost:  # a failure is reported as a bug too
            return f"not recorded ({lost})"
        return None if why is None else for_screen(why)

    def refuse_offline(self) -> bool:
        """While the store is offline, say so and return True: nothing can be recorded (and
        nothing is kept here to be sent later: what is not in the journal did not happen)."""
        if self.offline is None:
            return False
        self.refuse(
            f"{self.offline}\nNothing was recorded. The screen reconnects by itself: do it again "
            "once the header no longer says OFFLINE.",
            "Offline: not recorded",
        )
        return True

    @work(thread=True, group="act", exit_on_error=False)
    def _record(self, action: actions.Action, done: str) -> str | None:
        """None once recorded, else why not (said on screen)."""
        app = self.app
        try:
            _, fresh = self.session.act(action)
        except RefusedError as refusal:
            app.call_from_thread(self.refuse, str(refusal), "Refused")
            return str(refusal)
        except OfflineError as lost:
            app.call_from_thread(self.refuse, str(lost), "Offline: not recorded")
            return str(lost)
        except PlannerError as error:
            app.call_from_thread(self.refuse, str(error), "Not done")
            return str(error)
        if self.refused:  # it no longer stands: what was refused has been put right
            self.refused = False
            app.call_from_thread(app.clear_notifications)
        app.call_from_thread(self.fold, fresh)
        if isinstance(action, LOUD):  # the table and the journal show the rest; these deserve a word
            app.call_from_thread(self.notify, safe.block(done), timeout=6)
        return None

    def refuse(self, why: str, title: str = "Refused") -> None:
        """Say why an action was not recorded (until the next action succeeds), with the advice
        the screen's keys follow, not the command line's."""
        self.refused = True
        self.notify(safe.block(for_screen(why)), title=title, severity="error", timeout=10)

    # showing ---------------------------------------------------------------------------------

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
        self.query_one(Finder).show_status()

    def _show_detail(self) -> None:
        service = self.selected
        verify_run = last_verify_run(self.session.journal, service) if service else None
        self.query_one(DetailPane).show(self.session.state, service, self.clock(), verify_run)

    def on_task_table_selected(self, _message: TaskTable.Selected) -> None:
        if self.session.state is not None and self._on_screen():
            self._show_detail()
            self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def on_check_runner_running(self, message: CheckRunner.Running) -> None:
        table = self.query_one(TaskTable)
        table.running = message.running
        table.refresh()

    def _tick(self) -> None:
        if self._on_screen():
            self.query_one(TrackHeader).tick()
            self.query_one(TaskTable).tick()
            self.remind_update()

    def remind_update(self) -> None:
        """Once the stakeholder update is due, say so once (a bell and a notice that stays a
        while), not only in the header's colour; the next one is said when it falls due."""
        row = self.state.row
        due = next_update_due(row, self.state.info.update_cadence)
        if row.state != "open" or due > self.clock() or due == self._reminded:
            return
        self._reminded = due
        self.app.bell()
        self.notify(
            f"The stakeholder update was due at {due:%H:%M}: u drafts it from the state.",
            title="Update due",
            severity="warning",
            timeout=30,
        )

    # the journal, from this terminal and others ----------------------------------------------

    def on_journal_feed_fresh(self, message: JournalFeed.Fresh) -> None:
        self.fold(message.events)

    def on_journal_feed_reachable(self, message: JournalFeed.Reachable) -> None:
        """The store's server was lost (``why``) or is back (None)."""
        why = message.why
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

    def fold(self, events: list[Event]) -> None:
        """Fold new journal events into the mirror and show them."""
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
        app, now = self.app, self.clock()

        def show(projection: Projection) -> None:
            app.call_from_thread(self._projected, projection, seq)

        try:
            odds = self.projector.project(self.state, now, seq, show)
        except ProjectorStopped as stopped:  # said once: worked out here from now on
            app.call_from_thread(
                self.notify, safe.block(str(stopped)), title=stopped.TITLE, severity="warning"
            )
            odds = self.projector.project(self.state, now, seq, show)
        app.call_from_thread(self._odds_shown, odds)

    def _odds_shown(self, odds: str) -> None:
        if self._on_screen():
            self.query_one(TrackHeader).show_odds(odds)

    def _projected(self, result: Projection, seq: int) -> None:
        self.projection, self.projected_seq = result, seq
        if self._on_screen():
            header = self.query_one(TrackHeader)
            if seq == self.session.seen:
                header.behind_since = None
            header.show(self.state, result)
            self.query_one(TaskTable).show_risk(result.at_risk)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed is a bug: say so instead of letting it die silently."""
        if event.state == WorkerState.ERROR:
            report_failed_work(self, event.worker.group, event.worker.error, timeout=20)

    # tree, help, quit ------------------------------------------------------------------------

    def action_tree(self) -> None:
        """The selected service's dependency tree."""
        if service := self.need_service():
            self.app.push_screen(TreeScreen(dependency_tree(self.state, service)))

    def action_help(self) -> None:
        """Keys and rules."""
        keys = [(b.key_display or b.key, b.description) for _, b in self.bindings()]
        self.app.push_screen(HelpScreen(keys + MOVES))

    @work(exclusive=True, group="dialog")
    async def action_leave(self) -> None:
        """Quit; asks while the incident is open (nothing is lost either way)."""
        if self.session.state is None or self.state.row.state != "open":
            self.app.exit()
            return
        if await self.app.push_screen_wait(quit_open(self.session, self.plan_path)):
            self.app.exit()
