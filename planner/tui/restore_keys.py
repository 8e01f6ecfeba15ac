"""The keys that take one service to restored, each beside its handler: ``b`` begin, ``c``/``C``
pass or fail a dependency check, ``v`` confirm its verify, ``r`` declare it restored. Each
dialog flow is a worker that awaits its dialogs in turn, then sends one typed action through
the store's guard (the :class:`~planner.tui.desk.Desk`)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from planner.tracking.domain import actions
from planner.tracking.domain.state import CONFIRMED
from planner.tracking.reports.status_text import state_word
from planner.tui.desk import Part
from planner.tui.dialogs import ConfirmScreen, PickScreen, TextScreen


class RestoreKeys(Part):
    """Begin, check, verify and restore the selected service."""

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
    ]

    def action_begin(self) -> None:
        """Start restoring the selected service."""
        if service := self.desk.need_service():
            self.desk.send(actions.Begin(service), f"{service}: restoring")

    def action_restored(self) -> None:
        """Declare the selected service restored (refused, with the reason, when it may not be)."""
        if service := self.desk.need_service():
            self.desk.send(actions.Restore(service), f"{service}: restored")

    @work(exclusive=True, group="dialog")
    async def action_verify(self) -> None:
        """Confirm the selected service's own verify command."""
        service = self.desk.need_service()
        if service is None:
            return
        observed = None
        command = self.desk.state.tasks[service].verify
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
        self.desk.send(actions.Verify(service, observed), f"{service}: verify confirmed")

    @work(exclusive=True, group="dialog")
    async def action_check(self, passed: bool) -> None:
        """Pass or fail one of the selected service's dependency checks (picked with its command)."""
        service = self.desk.need_service()
        if service is None:
            return
        state = self.desk.state
        # the checks still to do come first, so that c, Enter, c, Enter ... works through them
        checks = sorted(state.checks(service), key=lambda c: (c.state in CONFIRMED, c.dependency))
        if not checks:
            self.notify(f"{service} has no impacted dependency to check.", severity="warning")
            return
        if passed and all(c.state in CONFIRMED for c in checks):
            self.notify(f"Every check of {service} is already passed or bypassed.", severity="information")
            return
        choices = [
            (
                c.dependency,
                f"{c.dependency} ({state_word(state.tasks[c.dependency])}, check {c.state}): "
                f"{c.command or '(no command in the plan)'}",
            )
            for c in checks
        ]
        verb = "passed" if passed else "FAILED"
        dependency = await self.app.push_screen_wait(PickScreen(f"Which check of {service} {verb}?", choices))
        if dependency is None:
            return
        observed = None
        command = next(c.command for c in checks if c.dependency == dependency)
        if passed and command is not None:  # as v does: the command is shown, and y confirms
            body = f"Its check command:\n  {command}\n\nConfirm that it passes now (z takes it back)."
            ask = ConfirmScreen(f"Check of {dependency} for {service} passed?", body, yes="It passed")
            if not await self.app.push_screen_wait(ask):
                return
        if passed and command is None:
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
        self.desk.send(check, f"check of {dependency} for {service} {verb}")
