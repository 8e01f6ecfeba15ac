"""Dialogs of ``planner track``: confirmations, pickers and forms. Each returns its answer through
``dismiss`` (None when cancelled) and changes nothing itself: the app sends the action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea, Tree
from textual.widgets.option_list import Option

MODAL_CSS = """
ModalScreen { align: center middle; }
ModalScreen > Vertical {
    width: 90; max-width: 95%; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}
ModalScreen .title { text-style: bold; margin-bottom: 1; }
ModalScreen .warning { color: $warning; margin-bottom: 1; }
ModalScreen Horizontal.buttons { height: auto; margin-top: 1; align-horizontal: right; }
ModalScreen Button { margin-left: 2; }
ModalScreen TextArea { height: 12; }
ModalScreen Input { margin-bottom: 1; }
"""


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no, with what happens either way."""

    DEFAULT_CSS = MODAL_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", "Cancel"),
        Binding("y", "yes", "Yes", show=False),
    ]

    def __init__(self, title: str, body: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.body)
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class PickScreen(ModalScreen[str | None]):
    """Pick one of several (a dependency check, an incident to resume)."""

    DEFAULT_CSS = MODAL_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], note: str = "") -> None:
        super().__init__()
        self.title_text, self.choices, self.note = title, choices, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.note:
                yield Static(self.note, classes="warning")
            yield OptionList(*[Option(label, id=key) for key, label in self.choices])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(ModalScreen[str | None]):
    """One line of text (a note, what was observed)."""

    DEFAULT_CSS = MODAL_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", note: str = "") -> None:
        super().__init__()
        self.title_text, self.placeholder, self.note = title, placeholder, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.note:
                yield Static(self.note)
            yield Input(placeholder=self.placeholder, id="text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)
        else:
            self.notify("Type something, or Escape to cancel.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class BypassAnswer:
    """What the bypass form collected."""

    dependency: str
    reason: str
    expires: str


class BypassScreen(ModalScreen[BypassAnswer | None]):
    """Skip the check of one dependency: why, and for how long; says that a workaround is created."""

    DEFAULT_CSS = MODAL_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, service: str, dependency: str, command: str | None, owner: str | None, next_id: str
    ) -> None:
        super().__init__()
        self.service, self.dependency, self.command = service, dependency, command
        self.owner, self.next_id = owner, next_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Bypass the check of {self.dependency} for {self.service}", classes="title")
            yield Static(f"Skipped check: {self.command or '(no command in the plan)'}")
            yield Static(
                f"This creates workaround {self.next_id}, owned by {self.owner or 'nobody (no owner team)'}. "
                "It stays open until removed: every audit reports it, the review lists it, and "
                "resolving the incident needs it removed or accepted.",
                classes="warning",
            )
            yield Input(placeholder="Reason (required): what was changed and why", id="reason")
            yield Input(value="24h", placeholder="Expires after (e.g. 24h)", id="expires")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Bypass", id="ok", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self._submit()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._submit()

    def _submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.notify("A bypass needs a reason.", severity="warning")
            return
        expires = self.query_one("#expires", Input).value.strip() or "24h"
        self.dismiss(BypassAnswer(self.dependency, reason, expires))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class UpdateAnswer:
    """The update to log."""

    audience: str
    text: str


class UpdateScreen(ModalScreen[UpdateAnswer | None]):
    """The drafted stakeholder update, editable, for the chosen audience."""

    DEFAULT_CSS = MODAL_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Log it"),
    ]

    def __init__(self, drafts: dict[str, str], audience: str = "technical") -> None:
        super().__init__()
        self.drafts, self.audience = drafts, audience

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Stakeholder update (edit, then log it: Ctrl+S)", classes="title")
            yield Select(
                [(a.capitalize(), a) for a in ("technical", "executive", "customer")],
                value=self.audience,
                allow_blank=False,
                id="audience",
            )
            yield TextArea(self.drafts[self.audience], id="text", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Log update", id="send", variant="primary")

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.audience:
            self.audience = event.value
            self.query_one("#text", TextArea).text = self.drafts[event.value]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.action_send()

    def action_send(self) -> None:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            self.notify("The update is empty.", severity="warning")
            return
        self.dismiss(UpdateAnswer(self.audience, text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TreeScreen(ModalScreen[None]):
    """A service's impacted dependencies, recursively, with their states; and what waits on it."""

    DEFAULT_CSS = MODAL_CSS + "ModalScreen Tree { height: 24; }"
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,g,q", "close", "Close")]

    def __init__(self, tree: Tree[str]) -> None:
        super().__init__()
        self.dep_tree = tree

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Dependency tree (Escape closes)", classes="title")
            yield self.dep_tree

    def on_mount(self) -> None:
        self.dep_tree.root.expand_all()
        self.dep_tree.focus()

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key, and the rules the guards enforce."""

    DEFAULT_CSS = MODAL_CSS + "ModalScreen VerticalScroll { height: auto; max-height: 30; }"
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in self.keys)
        lines = [f"[b]{key:<{width}}[/]  {text}" for key, text in self.keys]
        rules = (
            "\n\n[b]What the guards enforce[/]\n"
            "- A service is restored only when every impacted hard dependency is restored with its check "
            "passed (or bypassed), and its own verify is confirmed.\n"
            "- A check passes only once its dependency is restored.\n"
            "- A bypass needs a reason and becomes a tracked workaround until removed.\n"
            "- A dependency failing again reopens the restored services that need it.\n"
            "- Every action is in the journal before the screen shows it; quitting loses nothing.\n"
            "Every action is also in the command palette (Ctrl+P)."
        )
        with Vertical():
            yield Label("Keys (Escape closes)", classes="title")
            with VerticalScroll():
                yield Static("\n".join(lines) + rules)

    def action_close(self) -> None:
        self.dismiss(None)
