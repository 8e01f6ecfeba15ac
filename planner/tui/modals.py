"""Dialogs of ``planner track``: confirmations, pickers and forms. Each returns its answer through
``dismiss`` (None when cancelled) and changes nothing itself: the app sends the action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea, Tree
from textual.widgets.option_list import Option

from models.duration import DurationError, parse_duration
from planner.style import terminal_safe
from planner.tui import safe
from planner.tui.widgets import KeyBar

T = TypeVar("T")

SHORT = 30
"""Terminals with fewer rows get compact dialogs (less padding; they scroll if still too tall)."""


class Dialog(ModalScreen[T | None], Generic[T]):
    """A dialog: a title, its content, and Escape to cancel (which answers None). It answers
    through ``dismiss`` and changes nothing itself. Its style is in ``track.tcss``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    KEYS: ClassVar[list[tuple[str, str]]] = [("Enter", "OK"), ("Esc", "cancel")]
    """What the key bar under the dialog says."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        self.set_class(self.app.size.height < SHORT, "short")
        yield from self.content()
        yield KeyBar(self.KEYS, always=False)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < SHORT, "short")

    def content(self) -> ComposeResult:
        """The dialog itself (under its title)."""
        raise NotImplementedError

    def heading(self) -> Label:
        """The dialog's title line."""
        return Label(safe.line(self.title_text), classes="title")

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class ConfirmScreen(Dialog[bool]):
    """Yes or no, with what happens either way (Escape or Cancel: None, which means no)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "yes", "Yes", show=False)]
    KEYS: ClassVar[list[tuple[str, str]]] = [
        ("y", "confirm"),
        ("Esc", "cancel"),
        ("Tab/Enter", "buttons (Cancel first)"),
    ]

    def __init__(self, title: str, body: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__(title)
        self.body, self.yes, self.no = body, yes, no

    def content(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            yield Static(safe.block(self.body))
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # Enter on a reflex never confirms: `y` does

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        """Confirm."""
        self.dismiss(True)


class TypedConfirmScreen(Dialog[bool]):
    """A confirmation for what cannot be taken back on a reflex (resolving with services down):
    its button stays disabled until ``word`` (the incident id) is typed, and the focus starts in
    the field, never on the button."""

    KEYS: ClassVar[list[tuple[str, str]]] = [("type the id, Enter", "confirm"), ("Esc", "cancel")]

    def __init__(self, title: str, body: str, word: str, yes: str) -> None:
        super().__init__(title)
        self.body, self.word, self.yes = body, word, yes

    def content(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            with VerticalScroll(classes="body"):
                yield Static(safe.block(self.body))
            yield Label(safe.line(f"Type {self.word} to confirm (Esc cancels):"))
            yield Input(placeholder=self.word, id="word")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="no")
                yield Button(self.yes, id="yes", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#word", Input).focus()

    def _typed(self) -> bool:
        return self.query_one("#word", Input).value.strip() == self.word

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.query_one("#yes", Button).disabled = not self._typed()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        if self._typed():
            self.dismiss(True)
        else:
            self.notify(safe.line(f"Type {self.word} exactly, or Esc to cancel."), severity="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes" and self._typed())


class PickScreen(Dialog[str]):
    """Pick one of several (a dependency check, an incident to resume)."""

    KEYS: ClassVar[list[tuple[str, str]]] = [("up/down", "choose"), ("Enter", "pick"), ("Esc", "cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], note: str = "") -> None:
        super().__init__(title)
        self.choices, self.note = choices, note

    def content(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            if self.note:
                yield Static(safe.block(self.note), classes="warning")
            yield OptionList(*[Option(safe.line(label), id=key) for key, label in self.choices])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TextScreen(Dialog[str]):
    """One line of text (a note, what was observed)."""

    KEYS: ClassVar[list[tuple[str, str]]] = [("Enter", "record it"), ("Esc", "cancel")]

    def __init__(self, title: str, placeholder: str = "", note: str = "") -> None:
        super().__init__(title)
        self.placeholder, self.note = placeholder, note

    def content(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            if self.note:
                yield Static(safe.block(self.note))
            yield Input(placeholder=self.placeholder, id="text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)
        else:
            self.notify("Type something, or Escape to cancel.", severity="warning")


@dataclass
class BypassAnswer:
    """What the bypass form collected."""

    dependency: str
    reason: str
    expires: timedelta
    """How long the workaround may stay (checked in the form, so a typo keeps what was typed)."""


class BypassScreen(Dialog[BypassAnswer]):
    """Skip the check of one dependency: why, and for how long; says that a workaround is created."""

    KEYS: ClassVar[list[tuple[str, str]]] = [("Tab", "next field"), ("Enter", "bypass"), ("Esc", "cancel")]

    def __init__(
        self, service: str, dependency: str, command: str | None, owner: str | None, next_id: str
    ) -> None:
        super().__init__(f"Bypass the check of {dependency} for {service}")
        self.service, self.dependency, self.command = service, dependency, command
        self.owner, self.next_id = owner, next_id

    def content(self) -> ComposeResult:
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
        try:
            lasting = parse_duration(expires)
        except DurationError as exc:  # said here, with what was typed kept (the reason too)
            self.notify(safe.block(f"Expiry {expires!r}: {exc}"), severity="error")
            self.query_one("#expires", Input).focus()
            return
        self.dismiss(BypassAnswer(self.dependency, reason, lasting))


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

    def __init__(self, drafts: dict[str, str], audience: str = "technical") -> None:
        super().__init__("Stakeholder update (edit, then log it: Ctrl+S)")
        self.drafts, self.audience = drafts, audience

    def content(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            yield Select(
                [(a.capitalize(), a) for a in ("technical", "executive", "customer")],
                value=self.audience,
                allow_blank=False,
                id="audience",
            )
            yield TextArea(terminal_safe(self.drafts[self.audience]), id="text", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Log update", id="send", variant="primary")

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


class TreeScreen(Dialog[None]):
    """A service's impacted dependencies, recursively, with their states; and what waits on it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("g,q", "cancel", "Close")]
    KEYS: ClassVar[list[tuple[str, str]]] = [
        ("up/down", "move"),
        ("Enter", "fold/unfold"),
        ("Esc/g", "close"),
    ]

    def __init__(self, tree: Tree[str]) -> None:
        super().__init__("Dependency tree (Escape closes)")
        self.dep_tree = tree

    def content(self) -> ComposeResult:
        with Vertical(id="tree-dialog"):
            yield self.heading()
            yield self.dep_tree

    def on_mount(self) -> None:
        self.dep_tree.root.expand_all()
        self.dep_tree.focus()


class HelpScreen(Dialog[None]):
    """Every key, and the rules the guards enforce."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("question_mark,q", "cancel", "Close")]
    KEYS: ClassVar[list[tuple[str, str]]] = [("up/down, PgUp/PgDn", "scroll"), ("Esc/?", "close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__("Keys (Escape closes)")
        self.keys = keys

    def content(self) -> ComposeResult:
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
        with Vertical(id="help-dialog"):
            yield self.heading()
            with VerticalScroll():
                yield Static("\n".join(lines) + rules)
