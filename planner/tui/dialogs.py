"""The dialogs of ``planner track`` that ask one thing: confirmations, a typed confirmation, a
pick from a list, one line of text. Each returns its answer through ``dismiss`` (None when
cancelled) and changes nothing itself: the part that opened it sends the action. The forms are
in :mod:`~planner.tui.bypass_dialog` and :mod:`~planner.tui.update_dialog`."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from planner.tracking.persistence.db import locate, same_place, shown
from planner.tui import safe
from planner.tui.widgets import KeyBar

if TYPE_CHECKING:
    from planner.tracking.session import Session

T = TypeVar("T")

SHORT = 30
"""Terminals with fewer rows get compact dialogs (less padding; they scroll if still too tall)."""


class Dialog(ModalScreen[T | None], Generic[T]):
    """A dialog: a title, its content, and Escape to cancel (which answers None). It answers
    through ``dismiss`` and changes nothing itself. Each dialog composes its content, then
    :meth:`key_bar`; its style is in ``track.tcss``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    KEYS: ClassVar[list[tuple[str, str]]] = [("Enter", "OK"), ("Esc", "cancel")]
    """What the key bar under the dialog says."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        self.set_class(self.app.size.height < SHORT, "short")

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < SHORT, "short")

    def heading(self) -> Label:
        """The dialog's title line."""
        return Label(safe.line(self.title_text), classes="title")

    def key_bar(self) -> KeyBar:
        """The keys of this dialog, under it."""
        return KeyBar(self.KEYS, always=False)

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

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            yield Static(safe.block(self.body))
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="primary")
        yield self.key_bar()

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

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            with VerticalScroll(classes="body"):
                yield Static(safe.block(self.body))
            yield Label(safe.line(f"Type {self.word} to confirm (Esc cancels):"))
            yield Input(placeholder=self.word, id="word")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="no")
                yield Button(self.yes, id="yes", variant="error", disabled=True)
        yield self.key_bar()

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

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            if self.note:
                yield Static(safe.block(self.note), classes="warning")
            yield OptionList(*[Option(safe.line(label), id=key) for key, label in self.choices])
        yield self.key_bar()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TextScreen(Dialog[str]):
    """One line of text (a note, what was observed)."""

    KEYS: ClassVar[list[tuple[str, str]]] = [("Enter", "record it"), ("Esc", "cancel")]

    def __init__(self, title: str, placeholder: str = "", note: str = "", value: str = "") -> None:
        super().__init__(title)
        self.placeholder, self.note, self.value = placeholder, note, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.heading()
            if self.note:
                yield Static(safe.block(self.note), classes="warning" if self.value else "")
            yield Input(self.value, placeholder=self.placeholder, id="text")
        yield self.key_bar()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)
        else:
            self.notify("Type something, or Escape to cancel.", severity="warning")


def quit_open(session: Session, plan_path: str | None) -> ConfirmScreen:
    """Asks before quitting while ``session``'s incident is open: nothing is lost, and how to
    resume it (``plan_path``: the plan as the person named it; None: unknown)."""
    store = session.store_path
    named = "" if same_place(store, locate(None)) else f" --store {shlex.quote(shown(store))}"
    return ConfirmScreen(
        f"Quit? {session.incident} stays open",
        "Everything is in the journal. Resume with:\n"
        f"  planner track {shlex.quote(plan_path) if plan_path else 'PLAN'} "
        f"--incident {session.incident}{named}",
        yes="Quit",
    )
