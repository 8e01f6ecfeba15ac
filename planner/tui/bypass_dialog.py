"""The bypass form (``x``): skip the check of one dependency, why and for how long; it says that
a tracked workaround is created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from models.duration import DurationError, parse_duration
from planner.tui import safe
from planner.tui.dialogs import Dialog


@dataclass
class BypassAnswer:
    """What the bypass form collected."""

    dependency: str
    reason: str
    expires: timedelta
    """How long the workaround may stay (checked in the form, so a typo keeps what was typed)."""


class BypassScreen(Dialog[BypassAnswer]):
    """Skip the check of one dependency: why, and for how long; says that a workaround is created."""

    KEYS: ClassVar[list[tuple[str, str]]] = [
        ("Enter/Tab", "next field"),
        ("Enter in Expires", "bypass"),
        ("Esc", "cancel"),
    ]
    """Enter in the reason goes on to the expiry (it matters: it is when the workaround is
    reported as expired); only Enter in the expiry field, or the button, records the bypass."""

    def __init__(
        self, service: str, dependency: str, command: str | None, owner: str | None, next_id: str
    ) -> None:
        super().__init__(f"Bypass the check of {dependency} for {service}")
        self.service, self.dependency, self.command = service, dependency, command
        self.owner, self.next_id = owner, next_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            yield Static(f"Skipped check: {safe.line(self.command or '(no command in the plan)')}")
            yield Static(
                f"This creates workaround {self.next_id}, owned by {self.owner or 'nobody (no owner team)'}. "
                "It stays open until removed: every audit reports it, the review lists it, and "
                "resolving the incident needs it removed or accepted.",
                classes="warning",
            )
            yield Input(placeholder="Reason (required): what was changed and why", id="reason")
            yield Label("Expires after (e.g. 24h, 3d; it is reported as expired after that):")
            yield Input(value="24h", placeholder="Expires after (e.g. 24h)", id="expires")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Bypass", id="ok", variant="warning")
        yield self.key_bar()

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self._submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "reason":
            self._submit()
        elif self._reason():
            self.query_one("#expires", Input).focus()
        else:
            self.notify("A bypass needs a reason.", severity="warning")

    def _reason(self) -> str:
        return self.query_one("#reason", Input).value.strip()

    def _submit(self) -> None:
        reason = self._reason()
        if not reason:
            self.notify("A bypass needs a reason.", severity="warning")
            self.query_one("#reason", Input).focus()
            return
        expires = self.query_one("#expires", Input).value.strip() or "24h"
        try:
            lasting = parse_duration(expires)
        except DurationError as exc:  # said here, with what was typed kept (the reason too)
            self.notify(safe.block(f"Expiry {expires!r}: {exc}"), severity="error")
            self.query_one("#expires", Input).focus()
            return
        self.dismiss(BypassAnswer(self.dependency, reason, lasting))
