"""What the recovery screen does: each key's dialog flow, written as a worker that awaits its
dialogs in turn (``push_screen_wait``) and then sends one typed action through the store's
guard. :class:`~planner.tui.recovery.RecoveryScreen` adds what the screen shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual import work
from textual.screen import Screen

from models.events import Escalated, Event, FailedAgain
from planner.errors import PlannerError
from planner.style import possessive
from planner.tracking import actions, comms, corrections
from planner.tracking.db import OfflineError
from planner.tracking.drafting import draft_update
from planner.tracking.guards import RefusedError
from planner.tracking.outline import outline_of
from planner.tracking.progress import Projection, project
from planner.tracking.render import state_word
from planner.tracking.session import Session
from planner.tracking.state import BYPASSED, CONFIRMED, MemoryView
from planner.tracking.words import describe
from planner.tui import safe
from planner.tui.bypass_dialog import BypassScreen
from planner.tui.dialogs import ConfirmScreen, PickScreen, TextScreen, TypedConfirmScreen
from planner.tui.table import TaskTable
from planner.tui.update_dialog import UpdateScreen

LOUD = (actions.Bypass, actions.Escalate, comms.SendUpdate, actions.Fail, corrections.Void)
"""Actions whose success is also announced (the others show in the table and journal)."""


class ActingScreen(Screen[None]):
    """The actions of the recovery screen, each a key and a palette entry."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.session = session
        self.clock = clock
        self.projection: Projection | None = None
        self.refused = False
        """A refusal is on screen: the next action that succeeds takes it away."""
        self.offline: str | None = None
        """Why the store's server cannot be reached now (None while it can): actions are refused."""

    @property
    def state(self) -> MemoryView:
        """The fold of the journal (the session's mirror)."""
        assert self.session.state is not None, "loaded when the screen mounts"
        return self.session.state

    @property
    def selected(self) -> str | None:
        """The service under the table's cursor."""
        return self.query_one(TaskTable).selected

    def fold(self, events: list[Event]) -> None:
        """Fold new journal events into the mirror and show them (the recovery screen does)."""
        raise NotImplementedError

    # sending -------------------------------------------------------------------------------

    def send(self, action: actions.Action, done: str) -> None:
        """Record ``action`` through the store's guard, off the UI thread; ``done`` is said when
        it is one of the :data:`LOUD` ones. Refused at once while the store is offline."""
        if not self.refuse_offline():
            self._record(action, done)

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
    def _record(self, action: actions.Action, done: str) -> None:
        app = self.app
        try:
            _, fresh = self.session.act(action)
        except RefusedError as refusal:
            app.call_from_thread(self.refuse, str(refusal), "Refused")
            return
        except OfflineError as lost:
            app.call_from_thread(self.refuse, str(lost), "Offline: not recorded")
            return
        except PlannerError as error:
            app.call_from_thread(self.refuse, str(error), "Not done")
            return
        if self.refused:  # it no longer stands: what was refused has been put right
            self.refused = False
            app.call_from_thread(app.clear_notifications)
        app.call_from_thread(self.fold, fresh)
        if isinstance(action, LOUD):  # the table and the journal show the rest; these deserve a word
            app.call_from_thread(self.notify, safe.block(done), timeout=6)

    def refuse(self, why: str, title: str = "Refused") -> None:
        """Say why an action was not recorded (until the next action succeeds)."""
        self.refused = True
        self.notify(safe.block(why), title=title, severity="error", timeout=10)

    def need_service(self) -> str | None:
        """The selected service, or a warning that none is."""
        service = self.selected
        if service is None:
            self.notify("No service selected (is the filter hiding them all?)", severity="warning")
        return service

    # the actions ---------------------------------------------------------------------------

    def action_begin(self) -> None:
        """Start restoring the selected service."""
        if service := self.need_service():
            self.send(actions.Begin(service), f"{service}: restoring")

    def action_restored(self) -> None:
        """Declare the selected service restored (refused, with the reason, when it may not be)."""
        if service := self.need_service():
            self.send(actions.Restore(service), f"{service}: restored")

    @work(exclusive=True, group="dialog")
    async def action_verify(self) -> None:
        """Confirm the selected service's own verify command."""
        service = self.need_service()
        if service is None:
            return
        observed = None
        command = self.state.tasks[service].verify
        if command:
            body = f"Its verify command:\n  {command}\n\nConfirm that it passes now (z takes it back)."
            if not await self.app.push_screen_wait(
                ConfirmScreen(f"{service}: verify passed?", body, yes="It passed")
            ):
                return
        else:
            observed = await self.app.push_screen_wait(
                TextScreen(
                    f"Confirm {service} works",
                    "what you looked at",
                    "The plan has no verify command for it: say what shows that it works.",
                )
            )
            if not observed:
                return
        self.send(actions.Verify(service, observed), f"{service}: verify confirmed")

    @work(exclusive=True, group="dialog")
    async def action_check(self, passed: bool) -> None:
        """Pass or fail one of the selected service's dependency checks (picked with its command)."""
        service = self.need_service()
        if service is None:
            return
        # the checks still to do come first, so that c, Enter, c, Enter ... works through them
        checks = sorted(self.state.checks(service), key=lambda c: (c.state in CONFIRMED, c.dependency))
        if not checks:
            self.notify(f"{service} has no impacted dependency to check.", severity="warning")
            return
        if passed and all(c.state in CONFIRMED for c in checks):
            self.notify(f"Every check of {service} is already passed or bypassed.", severity="information")
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
        dependency = await self.app.push_screen_wait(PickScreen(f"Which check of {service} {verb}?", choices))
        if dependency is None:
            return
        observed = None
        if passed and next(c.command for c in checks if c.dependency == dependency) is None:
            observed = await self.app.push_screen_wait(
                TextScreen(
                    f"Check of {dependency} for {service}",
                    "what you looked at",
                    "The plan has no check command for this dependency: say what you looked at.",
                )
            )
            if not observed:
                return
        if not passed:  # what it showed goes in the journal: the next person needs it
            observed = await self.app.push_screen_wait(
                TextScreen(
                    f"Check of {dependency} for {service} FAILED",
                    "what it showed (an error, the output)",
                    "Say what the check showed: it goes in the journal with the failure.",
                )
            )
            if not observed:
                return
        check = actions.Check(service, dependency, passed, observed)
        self.send(check, f"check of {dependency} for {service} {verb}")

    @work(exclusive=True, group="dialog")
    async def action_bypass(self) -> None:
        """Skip a dependency check with a reason: a tracked workaround."""
        service = self.need_service()
        if service is None:
            return
        checks = [c for c in self.state.checks(service) if c.state != BYPASSED]
        if not checks:
            self.notify(f"{service} has no dependency check left to bypass.", severity="warning")
            return
        choices = [
            (c.dependency, f"{c.dependency} (check {c.state}): {c.command or '(no command)'}") for c in checks
        ]
        dependency = await self.app.push_screen_wait(
            PickScreen(f"Which check of {service} to bypass?", choices)
        )
        if dependency is None:
            return
        command = next(c.command for c in checks if c.dependency == dependency)
        next_id = f"{self.session.incident}-WA{len(self.state.wa_rows) + 1}"
        owner = self.state.tasks[service].owner
        answer = await self.app.push_screen_wait(BypassScreen(service, dependency, command, owner, next_id))
        if answer is None:
            return
        self.send(
            actions.Bypass(service, answer.dependency, answer.reason, answer.expires),
            f"{service}: check of {answer.dependency} bypassed; workaround {next_id} is open",
        )

    @work(exclusive=True, group="dialog")
    async def action_fail(self) -> None:
        """The selected service failed again (asks first: it reopens what depends on it)."""
        service = self.need_service()
        if service is None:
            return
        preview = self._preview(actions.Fail(service))
        if preview is None:
            return
        reopened = [s for e in preview if isinstance(e, FailedAgain) for s in e.reopened]
        body = f"{service} goes back to down with its verify to confirm again."
        if reopened:
            body += f"\nRestored services that depend on it are reopened: {', '.join(reopened)}."
        if await self.app.push_screen_wait(ConfirmScreen(f"{service} failed again?", body, yes="It failed")):
            self.send(actions.Fail(service, tuple(reopened)), f"{service}: failed again")

    @work(exclusive=True, group="dialog")
    async def action_escalate(self) -> None:
        """Page the next person on the owner team's escalation path."""
        service = self.need_service()
        if service is None:
            return
        preview = self._preview(actions.Escalate(service))  # the guard names who is next
        if preview is None:
            return
        task = self.state.tasks[service]
        path = self.state.info.teams[task.owner or ""].escalation
        person = self.state.info.person(next(e.person for e in preview if isinstance(e, Escalated)))
        body = (
            f"Next on {possessive(task.owner or '')} escalation path "
            f"({task.escalations + 1} of {len(path)}): "
            f"{person.name}, {person.contact or 'no contact recorded'}."
        )
        if await self.app.push_screen_wait(ConfirmScreen(f"Escalate {service}?", body, yes="Page")):
            self.send(actions.Escalate(service, person.id), f"{service}: paged {person.name}")

    def _preview(self, action: actions.Action) -> list[Event] | None:
        """What ``action`` would record now, by the guard itself on the mirror; None (and the
        reason shown) when it would be refused."""
        try:
            return action.decide(self.state, self.session.actor, self.clock())
        except PlannerError as refusal:
            self.refuse(str(refusal))
            return None

    @work(exclusive=True, group="dialog")
    async def action_note(self) -> None:
        """Add a note to the journal."""
        text = await self.app.push_screen_wait(
            TextScreen("Note for the journal", "what happened, what was decided")
        )
        if text:
            self.send(comms.AddNote(text), "note added")

    @work(exclusive=True, group="dialog")
    async def action_undo(self) -> None:
        """Take back this terminal's person's last action (a slip), as a correction."""
        try:
            void = corrections.undo(self.session.journal, self.session.actor, self.clock())
        except PlannerError as nothing:
            self.notify(safe.block(str(nothing)), severity="warning")
            return
        body = (
            f"{void.target.at:%H:%M} {describe(void.target)}\n\nRecorded as a correction (a void): the "
            "incident is worked out again without it; it is not counted as a failure."
        )
        if await self.app.push_screen_wait(ConfirmScreen("Undo your last action?", body, yes="Undo")):
            self.send(void, "undone")

    @work(exclusive=True, group="dialog")
    async def action_reopen(self) -> None:
        """Reopen a wrongly resolved incident (its resolution is voided)."""
        reason = await self.app.push_screen_wait(
            TextScreen("Reopen the incident: why?", "e.g. resolved the wrong incident")
        )
        if not reason:
            return
        try:
            void = corrections.reopen(self.session.journal, reason)
        except PlannerError as nothing:
            self.notify(safe.block(str(nothing)), severity="warning")
            return
        self.send(void, "incident reopened")

    @work(exclusive=True, group="dialog")
    async def action_update(self) -> None:
        """Draft the stakeholder update from the state, edit it, log it."""
        now = self.clock()
        outline = outline_of(self.state)
        projection = self.projection or project(outline, now)
        drafts = {a: draft_update(outline, projection, now, a) for a in comms.AUDIENCES}
        answer = await self.app.push_screen_wait(UpdateScreen(drafts))
        if answer is not None:
            update = comms.SendUpdate(comms.as_audience(answer.audience), answer.text)
            self.send(update, f"{answer.audience} update logged")

    @work(exclusive=True, group="dialog")
    async def action_resolve(self) -> None:
        """Resolve the incident (open workarounds are listed and must be accepted)."""
        left = self.state.open_workarounds()
        body = "The incident is closed; the journal stays, and `planner report` writes the review."
        if left:
            listed = "\n".join(
                f"  {w.id}: {w.service} without the check of {w.dependency} ({w.reason})" for w in left
            )
            body = f"Open workarounds, to be recorded as action items:\n{listed}\n\n{body}"
        title = "Resolve with open workarounds?" if left else "Resolve the incident?"
        down = self.state.unrestored()
        if not down:
            if await self.app.push_screen_wait(ConfirmScreen(title, body, yes="Resolve")):
                self.send(actions.Resolve(bool(left)), "incident resolved")
            return
        listed = "\n".join(f"  {s} ({self.state.tasks[s].state})" for s in down[:12])
        more = f"\n  and {len(down) - 12} more" if len(down) > 12 else ""
        body = f"{len(down)} of {len(self.state.tasks)} services are NOT restored:\n{listed}{more}\n\n{body}"
        incident = self.state.row.id
        ask = TypedConfirmScreen(f"Resolve {incident} with services down?", body, incident, "Resolve anyway")
        if await self.app.push_screen_wait(ask):
            self.send(actions.Resolve(bool(left), accept_down=True), "incident resolved with services down")

    @work(exclusive=True, group="dialog")
    async def action_remove_workaround(self) -> None:
        """Record that a workaround was taken out (its check must have passed first)."""
        left = self.state.open_workarounds()
        if not left:
            self.notify("No open workaround in this incident.")
            return
        choices = [
            (w.id, f"{w.id}: {w.service} without the check of {w.dependency} ({w.reason})") for w in left
        ]
        wid = await self.app.push_screen_wait(PickScreen("Which workaround was taken out?", choices))
        if wid:
            self.send(actions.RemoveWorkaround(wid), f"{wid} removed")

    def notify_worker_error(self, group: str, error: BaseException | None, **kwargs: Any) -> None:
        """Say that background work failed (it is a bug), instead of letting it die silently."""
        what = {
            "poll": "Other terminals' actions are not being read",
            "projection": "The projected finish is not being updated",
            "act": "The action may not be recorded (the journal shows what was)",
        }.get(group, "Background work failed")
        self.notify(
            safe.block(f"{what}: {type(error).__name__}: {error}. This is a bug; please report it."),
            title="Internal error",
            severity="error",
            **kwargs,
        )
