"""The stakeholder update form (``u``): the drafted update for the chosen audience, editable,
logged with Ctrl+S; edits are never thrown away without asking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static, TextArea

from planner.style import terminal_safe
from planner.tui import safe
from planner.tui.dialogs import ConfirmScreen, Dialog


@dataclass
class UpdateAnswer:
    """The update to log."""

    audience: str
    text: str


class UpdateScreen(Dialog[UpdateAnswer]):
    """The drafted stakeholder update, editable, for the chosen audience."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "send", "Log it")]
    KEYS: ClassVar[list[tuple[str, str]]] = [
        ("Ctrl+S", "log it"),
        ("Tab", "audience / text / buttons"),
        ("Esc", "cancel (asks if edited)"),
    ]

    def __init__(
        self,
        drafts: dict[str, str],
        audience: str = "technical",
        text: str | None = None,
        note: str = "",
        sends_to: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__("Stakeholder update (edit, then log it: Ctrl+S)")
        self.drafts, self.audience = drafts, audience
        self.text = text
        """What the person had written, offered again after a refusal (None: the draft)."""
        self.note = note
        self.sends_to = sends_to or {}
        """Per audience, the labels of the destinations it is delivered to (none: only logged)."""

    def _sends_to(self) -> str:
        labels = self.sends_to.get(self.audience, [])
        return f"Delivered to: {', '.join(labels)}" if labels else "Only logged (no destination for it)"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            if self.note:
                yield Static(safe.block(self.note), classes="warning")
            yield Select(
                [(a.capitalize(), a) for a in ("technical", "executive", "customer")],
                value=self.audience,
                allow_blank=False,
                id="audience",
            )
            if self.sends_to:
                yield Static(safe.line(self._sends_to()), id="sends-to")
            text = self.text if self.text is not None else self.drafts[self.audience]
            yield TextArea(terminal_safe(text), id="text", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Log update", id="send", variant="primary")
        yield self.key_bar()

    def _edited(self) -> bool:
        """True when the text is no longer the draft it started from."""
        return (
            self.query_one("#text", TextArea).text.strip()
            != terminal_safe(self.drafts[self.audience]).strip()
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        chosen = event.value
        if not isinstance(chosen, str) or chosen == self.audience:
            return
        if not self._edited():
            self._switch(chosen)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self._switch(chosen)
            else:  # back to the audience whose edited text stays
                self.query_one("#audience", Select).value = self.audience

        ask = ConfirmScreen(
            "Discard your edits?",
            f"The {self.audience} update was edited. The {chosen} draft would replace it.",
            yes="Discard",
            no="Keep editing",
        )
        self.app.push_screen(ask, decided)

    def _switch(self, audience: str) -> None:
        self.audience = audience
        self.query_one("#text", TextArea).text = terminal_safe(self.drafts[audience])
        if self.sends_to:
            self.query_one("#sends-to", Static).update(safe.line(self._sends_to()))

    def action_cancel(self) -> None:
        """Close without logging; asks first when the text was edited."""
        if not self._edited():
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        ask = ConfirmScreen(
            "Discard the edited update?", "Nothing is logged.", yes="Discard", no="Keep editing"
        )
        self.app.push_screen(ask, decided)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.action_cancel()
        else:
            self.action_send()

    def action_send(self) -> None:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            self.notify("The update is empty.", severity="warning")
            return
        self.dismiss(UpdateAnswer(self.audience, text))
