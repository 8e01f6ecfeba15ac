"""The keys for what goes wrong and for the incident as a whole, each beside its handler: ``x``
bypass a check (a tracked workaround), ``f`` failed again, ``e`` escalate, ``n`` note, ``u``
stakeholder update, ``z`` undo, ``R`` resolve, ``W`` workaround out, and the palette's reopen.
Each dialog flow is a worker that awaits its dialogs in turn, then sends one typed action through
the store's guard (the :class:`~planner.tui.desk.Desk`)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from models.events import Escalated, Event, FailedAgain
from planner.errors import PlannerError
from planner.style import possessive
from planner.tracking.domain import actions, comms, corrections
from planner.tracking.domain.components import component_views
from planner.tracking.domain.outline import outline_of
from planner.tracking.domain.state import BYPASSED
from planner.tracking.domain.words import describe
from planner.tracking.reports.drafting import draft_update
from planner.tracking.reports.progress import project
from planner.tui import safe
from planner.tui.bypass_dialog import BypassScreen
from planner.tui.desk import Part
from planner.tui.dialogs import ConfirmScreen, PickScreen, TextScreen, TypedConfirmScreen
from planner.tui.update_dialog import UpdateScreen


def retry_note(why: str) -> str:
    """What a dialog offered again after a refusal says above the text kept in it."""
    return f"Not recorded: {why}\nYour text is kept: log it again now, or Esc to drop it."


class IncidentKeys(Part):
    """Bypass, failed again, escalate, note, update, undo, resolve, workaround out, reopen."""

    BINDINGS: ClassVar[list[BindingType]] = [
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
    ]
    COMMANDS: ClassVar[list[tuple[str, str, str]]] = [
        ("reopen", "Reopen the incident", "A wrongly resolved incident: its resolution is voided"),
    ]

    @work(exclusive=True, group="dialog")
    async def action_bypass(self) -> None:
        """Skip a dependency check with a reason: a tracked workaround."""
        desk = self.desk
        service = desk.need_service()
        if service is None:
            return
        checks = [c for c in desk.state.checks(service) if c.state != BYPASSED]
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
        next_id = f"{desk.session.incident}-WA{len(desk.state.wa_rows) + 1}"
        owner = desk.state.tasks[service].owner
        answer = await self.app.push_screen_wait(BypassScreen(service, dependency, command, owner, next_id))
        if answer is None:
            return
        desk.send(
            actions.Bypass(service, answer.dependency, answer.reason, answer.expires),
            f"{service}: check of {answer.dependency} bypassed; workaround {next_id} is open",
        )

    @work(exclusive=True, group="dialog")
    async def action_fail(self) -> None:
        """The selected service failed again (asks first: it reopens what depends on it)."""
        service = self.desk.need_service()
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
            self.desk.send(actions.Fail(service, tuple(reopened)), f"{service}: failed again")

    @work(exclusive=True, group="dialog")
    async def action_escalate(self) -> None:
        """Page the next person on the owner team's escalation path."""
        desk = self.desk
        service = desk.need_service()
        if service is None:
            return
        preview = self._preview(actions.Escalate(service))  # the guard names who is next
        if preview is None:
            return
        task = desk.state.tasks[service]
        path = desk.state.info.teams[task.owner or ""].escalation
        person = desk.state.info.person(next(e.person for e in preview if isinstance(e, Escalated)))
        body = (
            f"Next on {possessive(task.owner or '')} escalation path "
            f"({task.escalations + 1} of {len(path)}): "
            f"{person.name}, {person.contact or 'no contact recorded'}."
        )
        if await self.app.push_screen_wait(ConfirmScreen(f"Escalate {service}?", body, yes="Page")):
            desk.send(actions.Escalate(service, person.id), f"{service}: paged {person.name}")

    def _preview(self, action: actions.Action) -> list[Event] | None:
        """What ``action`` would record now, by the guard itself on the mirror; None (and the
        reason shown) when it would be refused."""
        desk = self.desk
        try:
            return action.decide(desk.state, desk.session.actor, desk.clock())
        except PlannerError as refusal:
            desk.refuse(str(refusal))
            return None

    @work(exclusive=True, group="dialog")
    async def action_note(self) -> None:
        """Add a note to the journal (refused, the text is offered again to retry)."""
        text, note = "", ""
        while True:
            typed = await self.app.push_screen_wait(
                TextScreen("Note for the journal", "what happened, what was decided", note, text)
            )
            if not typed:
                return
            why = await self.desk.attempt(comms.AddNote(typed), "note added")
            if why is None:
                return
            text, note = typed, retry_note(why)

    @work(exclusive=True, group="dialog")
    async def action_undo(self) -> None:
        """Take back this terminal's person's last action (a slip), as a correction."""
        desk = self.desk
        try:
            void = corrections.undo(desk.session.journal, desk.session.actor, desk.clock())
        except PlannerError as nothing:
            self.notify(safe.block(str(nothing)), severity="warning")
            return
        body = (
            f"{void.target.at:%H:%M} {describe(void.target)}\n\nRecorded as a correction (a void): the "
            "incident is worked out again without it; it is not counted as a failure."
        )
        if await self.app.push_screen_wait(ConfirmScreen("Undo your last action?", body, yes="Undo")):
            desk.send(void, "undone")

    @work(exclusive=True, group="dialog")
    async def action_reopen(self) -> None:
        """Reopen a wrongly resolved incident (its resolution is voided)."""
        reason = await self.app.push_screen_wait(
            TextScreen("Reopen the incident: why?", "e.g. resolved the wrong incident")
        )
        if not reason:
            return
        try:
            void = corrections.reopen(self.desk.session.journal, reason)
        except PlannerError as nothing:
            self.notify(safe.block(str(nothing)), severity="warning")
            return
        self.desk.send(void, "incident reopened")

    @work(exclusive=True, group="dialog")
    async def action_update(self) -> None:
        """Draft the stakeholder update from the state, edit it, log it."""
        desk = self.desk
        now = desk.clock()
        outline = outline_of(desk.state)
        projection = desk.projection or project(outline, now)
        plan = desk.session.plan
        views = [] if plan is None else component_views(plan, outline, projection, now)
        drafts = {a: draft_update(outline, projection, now, a, components=views) for a in comms.AUDIENCES}
        editor = UpdateScreen(drafts)
        while (answer := await self.app.push_screen_wait(editor)) is not None:
            update = comms.SendUpdate(comms.as_audience(answer.audience), answer.text)
            why = await desk.attempt(update, f"{answer.audience} update logged")
            if why is None:
                return
            editor = UpdateScreen(drafts, answer.audience, answer.text, retry_note(why))

    @work(exclusive=True, group="dialog")
    async def action_resolve(self) -> None:
        """Resolve the incident (open workarounds are listed and must be accepted)."""
        state = self.desk.state
        left = state.open_workarounds()
        body = "The incident is closed; the journal stays, and `planner report` writes the review."
        if left:
            listed = "\n".join(
                f"  {w.id}: {w.service} without the check of {w.dependency} ({w.reason})" for w in left
            )
            body = f"Open workarounds, to be recorded as action items:\n{listed}\n\n{body}"
        title = "Resolve with open workarounds?" if left else "Resolve the incident?"
        down = state.unrestored()
        if not down:
            if await self.app.push_screen_wait(ConfirmScreen(title, body, yes="Resolve")):
                self.desk.send(actions.Resolve(bool(left)), "incident resolved")
            return
        listed = "\n".join(f"  {s} ({state.tasks[s].state})" for s in down[:12])
        more = f"\n  and {len(down) - 12} more" if len(down) > 12 else ""
        body = f"{len(down)} of {len(state.tasks)} services are NOT restored:\n{listed}{more}\n\n{body}"
        incident = state.row.id
        ask = TypedConfirmScreen(f"Resolve {incident} with services down?", body, incident, "Resolve anyway")
        if await self.app.push_screen_wait(ask):
            resolve = actions.Resolve(bool(left), accept_down=True)
            self.desk.send(resolve, "incident resolved with services down")

    @work(exclusive=True, group="dialog")
    async def action_remove_workaround(self) -> None:
        """Record that a workaround was taken out (its check must have passed first)."""
        left = self.desk.state.open_workarounds()
        if not left:
            self.notify("No open workaround in this incident.")
            return
        choices = [
            (w.id, f"{w.id}: {w.service} without the check of {w.dependency} ({w.reason})") for w in left
        ]
        wid = await self.app.push_screen_wait(PickScreen("Which workaround was taken out?", choices))
        if wid:
            self.desk.send(actions.RemoveWorkaround(wid), f"{wid} removed")
