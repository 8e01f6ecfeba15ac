"""``planner track``: the screen an incident commander and the responders keep open for the whole
recovery. Every action goes through the tracking core's guards and journal (in a worker thread);
the screen shows the journal's fold and nothing else, and picks up other terminals' actions by
polling the journal twice a second."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Tree

from models.events import Escalated, FailedAgain
from planner.errors import PlannerError
from planner.tracking import actions
from planner.tracking.guards import RefusedError
from planner.tracking.outline import outline_of
from planner.tracking.progress import Projection, project
from planner.tracking.render import draft_update, state_word
from planner.tracking.session import Session, utc_now
from planner.tracking.state import BYPASSED, CONFIRMED, MemoryView
from planner.tui.modals import (
    BypassAnswer,
    BypassScreen,
    ConfirmScreen,
    HelpScreen,
    PickScreen,
    TextScreen,
    TreeScreen,
    UpdateAnswer,
    UpdateScreen,
)
from planner.tui.widgets import DetailPane, JournalPane, KeyBar, TaskTable, TrackHeader

PROJECTION_DELAY = 1.0
"""Seconds of quiet after a change before the projected finish is recomputed."""
POLL_SECONDS = 0.5
"""How often the journal is checked for other terminals' actions (they show within a second)."""
NARROW = 110
"""Below this many columns the side panes give way to the table."""
TREE_NODES = 400
"""The dependency tree stops growing after this many nodes."""

KEYBAR = [
    ("b", "begin"),
    ("c/C", "check pass/fail"),
    ("v", "verify"),
    ("r", "restored"),
    ("x", "bypass"),
    ("f", "failed"),
    ("n", "note"),
    ("u", "update"),
    ("e", "escalate"),
    ("/", "filter"),
    ("g", "tree"),
    ("?", "help"),
    ("q", "quit"),
]
"""The key bar: every action key, short enough for 80 columns' worth of essentials."""
LOUD = (actions.Bypass, actions.Escalate, actions.SendUpdate, actions.Fail)
"""Actions whose success is also announced (the others show in the table and journal)."""

Starter = Callable[[], str]
"""Starts a new incident and returns its id (when the user declines to resume one)."""


class TrackApp(App[None]):
    """The live recovery of one incident."""

    CSS_PATH = "track.tcss"
    TITLE = "planner track"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "begin", "Begin", tooltip="Start restoring the selected service"),
        Binding("c", "check(True)", "Pass check", tooltip="Record a dependency check as passed"),
        Binding("C", "check(False)", "Fail check", tooltip="Record a dependency check as failed"),
        Binding("v", "verify", "Verify", tooltip="Confirm the service's own verify command"),
        Binding("r", "restored", "Restored", tooltip="Declare the service restored (guarded)"),
        Binding("x", "bypass", "Bypass", tooltip="Skip a dependency check: creates a tracked workaround"),
        Binding("f", "fail", "Failed again", tooltip="The service failed again (reopens dependents)"),
        Binding("n", "note", "Note", tooltip="Add a note to the journal"),
        Binding("u", "update", "Update", tooltip="Draft, edit and log a stakeholder update"),
        Binding("e", "escalate", "Escalate", tooltip="Page the next person on the escalation path"),
        Binding(
            "slash", "filter", "Filter", key_display="/", tooltip="Filter by text, team:ID or state:NAME"
        ),
        Binding("g", "tree", "Tree", tooltip="Dependency tree of the selected service"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Keys and rules"),
        Binding("q", "leave", "Quit", tooltip="Quit (the incident stays in the store)"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        clock: Callable[[], datetime] = utc_now,
        resume_offer: list[tuple[str, str]] | None = None,
        starter: Starter | None = None,
        poll: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        self.clock = clock
        self.resume_offer = resume_offer
        self.starter = starter
        self.polling = poll
        self.projection: Projection | None = None
        self.projected_seq = -1
        self._projection_timer: Timer | None = None

    # layout and lifecycle ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TrackHeader(self.clock, id="header")
        with Horizontal(id="main"):
            yield TaskTable(self.clock, id="tasks")
            with Vertical(id="side"):
                yield Label("Selected service", id="detail-title")
                with VerticalScroll(id="detail"):
                    yield DetailPane(id="detail-text")
                yield Label("Journal (newest first)", id="journal-title")
                with VerticalScroll(id="journal"):
                    yield JournalPane(id="journal-text")
        yield Input(
            placeholder="/ filter: words, team:ID, state:down|restoring|restored|reopened", id="filter"
        )
        yield KeyBar(KEYBAR)

    def on_mount(self) -> None:
        self._narrow(self.size.width)
        if self.resume_offer:
            choices = [*self.resume_offer, ("new", "Start a new incident")]
            self.push_screen(
                PickScreen(
                    "An incident on this plan is still open",
                    choices,
                    "Resume it, or start a new one (the open one stays in the store).",
                ),
                self._resume_answered,
            )
            return
        self._open()

    def _resume_answered(self, answer: str | None) -> None:
        if answer == "new" and self.starter is not None:
            self.session.incident = self.starter()
        elif answer and answer != "new":
            self.session.incident = answer
        self._open()

    def _open(self) -> None:
        self.session.load()
        self.title = f"planner track {self.session.incident}"
        self._show_all()
        self.query_one(TaskTable).focus()
        self.set_interval(1.0, self._tick)
        if self.polling:
            self.set_interval(POLL_SECONDS, self._poll)
        self._project()

    def on_resize(self, event: Resize) -> None:
        self._narrow(event.size.width)

    def _narrow(self, width: int) -> None:
        self.screen.set_class(width < NARROW, "narrow")

    @property
    def state(self) -> MemoryView:
        """The fold of the journal (the session's mirror)."""
        assert self.session.state is not None
        return self.session.state

    @property
    def selected(self) -> str | None:
        """The service under the table's cursor."""
        return self.query_one(TaskTable).selected

    # showing -----------------------------------------------------------------------------

    def _show_all(self) -> None:
        self.query_one(TaskTable).show(self.state)
        self.query_one(TrackHeader).show(self.state, self.projection)
        self._show_detail()
        self.query_one(JournalPane).show(self.session.journal)

    def _show_detail(self) -> None:
        self.query_one(DetailPane).show(self.session.state, self.selected, self.clock())

    def on_task_table_selected(self, _message: TaskTable.Selected) -> None:
        if self.session.state is not None and self._on_screen():
            self._show_detail()

    def _on_screen(self) -> bool:
        """False while the app is shutting down (timers and workers may still call back)."""
        return self.is_running and bool(self.query(TaskTable))

    def _tick(self) -> None:
        if self._on_screen():
            self.query_one(TrackHeader).tick()
            self.query_one(TaskTable).refresh()

    # the journal, from this terminal and others -------------------------------------------

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        fresh = self.session.fetch()
        if fresh:
            self.call_from_thread(self._fold, fresh)

    def _fold(self, events: list[Any]) -> None:
        self.session.fold(events)
        if self._on_screen():
            self._show_all()
            self._project_soon()

    def _project_soon(self) -> None:
        """Re-run the schedule once things settle: at 10,000 tasks it takes a good part of a
        second of CPU, which must not compete with the repaint that follows a key press."""
        if self._projection_timer is not None:
            self._projection_timer.stop()
        self._projection_timer = self.set_timer(PROJECTION_DELAY, self._project)

    @work(thread=True, exclusive=True, group="projection", exit_on_error=False)
    def _project(self) -> None:
        seq = self.session.seen
        if seq == self.projected_seq:
            return
        result = project(outline_of(self.state), self.clock())
        self.call_from_thread(self._projected, result, seq)

    def _projected(self, result: Projection, seq: int) -> None:
        self.projection, self.projected_seq = result, seq
        if self._on_screen():
            self.query_one(TrackHeader).show(self.state, result)

    # actions ------------------------------------------------------------------------------

    def _send(self, action: actions.Action, done: str) -> None:
        """Run an action through the store's guard, off the UI thread."""
        self._act(action, done)

    @work(thread=True, exit_on_error=False)
    def _act(self, action: actions.Action, done: str) -> None:
        try:
            _, fresh = self.session.act(action)
        except RefusedError as refusal:
            self.call_from_thread(self.notify, str(refusal), title="Refused", severity="error", timeout=10)
            return
        except PlannerError as error:
            self.call_from_thread(self.notify, str(error), title="Not done", severity="error", timeout=10)
            return
        except Exception as bug:  # noqa: BLE001 - never silent: the action may not be recorded, say so
            message = f"{type(bug).__name__}: {bug}. Nothing was recorded if the journal does not show it."
            self.call_from_thread(self.notify, message, title="Internal error", severity="error", timeout=20)
            return
        self.call_from_thread(self._fold, fresh)
        if isinstance(action, LOUD):  # the table and the journal show the rest; these deserve a word
            self.call_from_thread(self.notify, done, timeout=6)

    def _need_service(self) -> str | None:
        service = self.selected
        if service is None:
            self.notify("No service selected (is the filter hiding them all?)", severity="warning")
        return service

    def action_begin(self) -> None:
        """Start restoring the selected service."""
        if service := self._need_service():
            self._send(actions.Begin(service), f"{service}: restoring")

    def action_restored(self) -> None:
        """Declare the selected service restored (refused, with the reason, when it may not be)."""
        if service := self._need_service():
            self._send(actions.Restore(service), f"{service}: restored")

    def action_verify(self) -> None:
        """Confirm the selected service's own verify command."""
        service = self._need_service()
        if service is None:
            return
        task = self.state.tasks[service]
        if task.verify:
            self._send(actions.Verify(service, None), f"{service}: verify confirmed")
            return

        def answered(observed: str | None) -> None:
            if observed:
                self._send(actions.Verify(service, observed), f"{service}: verify confirmed")

        self.push_screen(
            TextScreen(
                f"Confirm {service} works",
                "what you looked at",
                "The plan has no verify command for it: say what shows that it works.",
            ),
            answered,
        )

    def action_check(self, passed: bool) -> None:
        """Pass or fail one of the selected service's dependency checks (picked with its command)."""
        service = self._need_service()
        if service is None:
            return
        # the checks still to do come first, so that c, Enter, c, Enter ... works through them
        checks = sorted(self.state.checks(service), key=lambda c: (c.state in CONFIRMED, c.dependency))
        if not checks:
            self.notify(f"{service} has no impacted dependency to check.", severity="warning")
            return
        choices = [
            (
                c.dependency,
                f"{c.dependency} ({state_word(self.state.tasks[c.dependency])}, check {c.state}): "
                f"{c.command or '(no command in the plan)'}",
            )
            for c in checks
        ]
        verb = "passed" if passed else "FAILED"

        def picked(dependency: str | None) -> None:
            if dependency is None:
                return
            command = next(c.command for c in checks if c.dependency == dependency)
            if passed and command is None:

                def observed_then(observed: str | None) -> None:
                    if observed:
                        self._send(
                            actions.Check(service, dependency, True, observed),
                            f"check of {dependency} for {service} {verb}",
                        )

                self.push_screen(
                    TextScreen(
                        f"Check of {dependency} for {service}",
                        "what you looked at",
                        "The plan has no check command for this dependency: say what you looked at.",
                    ),
                    observed_then,
                )
                return
            self._send(
                actions.Check(service, dependency, passed, None),
                f"check of {dependency} for {service} {verb}",
            )

        self.push_screen(PickScreen(f"Which check of {service} {verb}?", choices), picked)

    def action_bypass(self) -> None:
        """Skip a dependency check with a reason: a tracked workaround."""
        service = self._need_service()
        if service is None:
            return
        checks = [c for c in self.state.checks(service) if c.state != BYPASSED]
        if not checks:
            self.notify(f"{service} has no dependency check left to bypass.", severity="warning")
            return
        choices = [
            (c.dependency, f"{c.dependency} (check {c.state}): {c.command or '(no command)'}") for c in checks
        ]
        next_id = f"{self.session.incident}-WA{len(self.state.wa_rows) + 1}"
        owner = self.state.tasks[service].owner

        def answered(answer: BypassAnswer | None) -> None:
            if answer is None:
                return
            from models.duration import DurationError, parse_duration

            try:
                lasting = parse_duration(answer.expires)
            except DurationError as exc:
                self.notify(f"Expiry {answer.expires!r}: {exc}", severity="error")
                return
            self._send(
                actions.Bypass(service, answer.dependency, answer.reason, lasting),
                f"{service}: check of {answer.dependency} bypassed; workaround {next_id} is open",
            )

        def picked(dependency: str | None) -> None:
            if dependency is not None:
                command = next(c.command for c in checks if c.dependency == dependency)
                self.push_screen(BypassScreen(service, dependency, command, owner, next_id), answered)

        self.push_screen(PickScreen(f"Which check of {service} to bypass?", choices), picked)

    def action_fail(self) -> None:
        """The selected service failed again (asks first: it reopens what depends on it)."""
        service = self._need_service()
        if service is None:
            return
        try:
            preview = actions.Fail(service).decide(self.state, self.session.actor, self.clock())
        except PlannerError as refusal:
            self.notify(str(refusal), title="Refused", severity="error")
            return
        reopened = [s for e in preview if isinstance(e, FailedAgain) for s in e.reopened]
        body = f"{service} goes back to down with its verify to confirm again."
        if reopened:
            body += f"\nRestored services that depend on it are reopened: {', '.join(reopened)}."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(actions.Fail(service), f"{service}: failed again")

        self.push_screen(ConfirmScreen(f"{service} failed again?", body, yes="It failed"), confirmed)

    def action_escalate(self) -> None:
        """Page the next person on the owner team's escalation path."""
        service = self._need_service()
        if service is None:
            return
        try:  # the guard itself, on the mirror, names who is next (or why nobody is)
            preview = actions.Escalate(service).decide(self.state, self.session.actor, self.clock())
        except PlannerError as refusal:
            self.notify(str(refusal), title="Refused", severity="error")
            return
        task = self.state.tasks[service]
        path = self.state.info.teams[task.owner or ""].escalation
        person = self.state.info.person(next(e.person for e in preview if isinstance(e, Escalated)))

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(actions.Escalate(service), f"{service}: paged {person.name}")

        self.push_screen(
            ConfirmScreen(
                f"Escalate {service}?",
                f"Next on {task.owner}'s escalation path ({task.escalations + 1} of {len(path)}): "
                f"{person.name}, {person.contact or 'no contact recorded'}.",
                yes="Page",
            ),
            confirmed,
        )

    def action_note(self) -> None:
        """Add a note to the journal."""

        def answered(text: str | None) -> None:
            if text:
                self._send(actions.AddNote(text), "note added")

        self.push_screen(TextScreen("Note for the journal", "what happened, what was decided"), answered)

    def action_update(self) -> None:
        """Draft the stakeholder update from the state, edit it, log it."""
        now = self.clock()
        outline = outline_of(self.state)
        projection = self.projection or project(outline, now)
        drafts = {a: draft_update(outline, projection, now, a) for a in actions.AUDIENCES}

        def answered(answer: UpdateAnswer | None) -> None:
            if answer is not None:
                update = actions.SendUpdate(actions.as_audience(answer.audience), answer.text)
                self._send(update, f"{answer.audience} update logged")

        self.push_screen(UpdateScreen(drafts), answered)

    def action_resolve(self) -> None:
        """Resolve the incident (open workarounds are listed and must be accepted)."""
        left = self.state.open_workarounds()
        body = "The incident is closed; the journal stays, and `planner report` writes the review."
        if left:
            listed = "\n".join(
                f"  {w.id}: {w.service} without the check of {w.dependency} ({w.reason})" for w in left
            )
            body = f"Open workarounds, to be recorded as action items:\n{listed}\n\n{body}"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._send(actions.Resolve(bool(left)), "incident resolved")

        title = "Resolve with open workarounds?" if left else "Resolve the incident?"
        self.push_screen(ConfirmScreen(title, body, yes="Resolve"), confirmed)

    def action_remove_workaround(self) -> None:
        """Record that a workaround was taken out (its check must have passed first)."""
        left = self.state.open_workarounds()
        if not left:
            self.notify("No open workaround in this incident.")
            return
        choices = [
            (w.id, f"{w.id}: {w.service} without the check of {w.dependency} ({w.reason})") for w in left
        ]

        def picked(wid: str | None) -> None:
            if wid:
                self._send(actions.RemoveWorkaround(wid), f"{wid} removed")

        self.push_screen(PickScreen("Which workaround was taken out?", choices), picked)

    def action_filter(self) -> None:
        """Show the filter box."""
        self.query_one("#filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            table = self.query_one(TaskTable)
            table.filter.text = event.value
            table.show(self.state)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(TaskTable).focus()

    def on_key(self, event: Any) -> None:
        box = self.query_one("#filter", Input)
        if event.key == "escape" and box.has_focus:
            box.value = ""
            self.query_one(TaskTable).focus()
            event.stop()

    def action_tree(self) -> None:
        """The selected service's dependency tree."""
        service = self._need_service()
        if service is None:
            return
        state = self.state
        tree: Tree[str] = Tree(self._tree_label(service), data=service)
        budget = [TREE_NODES]

        def grow(node: Any, of: str, depth: int) -> None:
            for check in state.checks(of):
                if budget[0] <= 0:
                    node.add_leaf("...")
                    return
                budget[0] -= 1
                child = node.add(
                    f"{self._tree_label(check.dependency)}  check {check.state}", data=check.dependency
                )
                if depth < 8:
                    grow(child, check.dependency, depth + 1)

        grow(tree.root, service, 1)
        waiting = [c.service for c in state.dependents(service)]
        if waiting:
            up = tree.root.add(f"waiting on {service}: {len(waiting)}")
            for other in waiting[:50]:
                up.add_leaf(self._tree_label(other), data=other)
        self.push_screen(TreeScreen(tree))

    def _tree_label(self, service: str) -> str:
        return f"{service} ({state_word(self.state.tasks[service])})"

    def action_help(self) -> None:
        """Keys and rules."""
        keys = [(b.key_display or b.key, b.description) for b in self._bindings_list()]
        keys += [("up/down, j/k", "Move"), ("Ctrl+P", "Command palette"), ("Ctrl+Q", "Quit at once")]
        self.push_screen(HelpScreen(keys))

    def _bindings_list(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def action_leave(self) -> None:
        """Quit; asks while the incident is open (nothing is lost either way)."""
        if self.session.state is None or self.state.row.state != "open":
            self.exit()
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                f"Quit? {self.session.incident} stays open",
                "Everything is in the journal. Resume with:\n"
                f"  planner track PLAN --incident {self.session.incident}",
                yes="Quit",
            ),
            confirmed,
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        extra = [
            ("resolve", "Resolve the incident", "Close it (open workarounds become action items)"),
            ("remove_workaround", "Remove a workaround", "Record that a bypass was taken out"),
        ]
        commands = [
            (b.action, f"{b.description} ({b.key_display or b.key})", b.tooltip or "")
            for b in self._bindings_list()
        ]
        for action, title, help_text in commands + extra:

            def run(action: str = action) -> None:
                self.call_later(self.run_action, action)

            yield SystemCommand(title, help_text, run)
