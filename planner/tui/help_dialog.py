"""The help dialog (``?``): every key of the recovery screen, and the rules the guards enforce."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from planner.tui import safe
from planner.tui.dialogs import Dialog

RULES = (
    "\n\n[b]What the guards enforce[/]\n"
    "- A service is restored only when every impacted hard dependency is restored with its check "
    "passed (or bypassed), and its own verify is confirmed.\n"
    "- A check passes only once its dependency is restored.\n"
    "- A bypass needs a reason and becomes a tracked workaround until removed.\n"
    "- A dependency failing again reopens the restored services that need it.\n"
    "- Every action is in the journal before the screen shows it; quitting loses nothing.\n"
    "Every action is also in the command palette (Ctrl+P)."
)

MOVES = [
    ("up/down, j/k", "Move"),
    ("PgUp/PgDn, Home/End", "Move faster"),
    ("Ctrl+P", "Command palette"),
    ("Ctrl+Q", "Quit at once"),
]
"""The keys help lists after the screen's own: moving, the palette, quitting at once."""


class HelpScreen(Dialog[None]):
    """Every key, and the rules the guards enforce."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("question_mark,q", "cancel", "Close")]
    KEYS: ClassVar[list[tuple[str, str]]] = [("up/down, PgUp/PgDn", "scroll"), ("Esc/?", "close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__("Keys (Escape closes)")
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in self.keys)
        lines = [f"[b]{safe.line(key.ljust(width))}[/]  {safe.line(text)}" for key, text in self.keys]
        with Vertical(id="help-dialog"):
            yield self.heading()
            with VerticalScroll():
                yield Static("\n".join(lines) + RULES)
        yield self.key_bar()
