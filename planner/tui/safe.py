"""Untrusted text (a plan's names and commands, the journal's notes) made safe to show: control
characters written out (they could drive the terminal: OSC 52 sets the clipboard) and Textual's
markup brackets escaped (they could restyle or hide what follows)."""

from __future__ import annotations

from planner.style import terminal_safe, visible


def line(text: str) -> str:
    """One line of untrusted text for markup: newlines are written out too."""
    return visible(text).replace("[", r"\[")


def block(text: str) -> str:
    """Untrusted text of several lines for markup."""
    return terminal_safe(text).replace("[", r"\[")
