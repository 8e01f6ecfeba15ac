"""How text output is styled: ``style(text, role)``; the CLI passes colour, everything else plain."""

from __future__ import annotations

from collections.abc import Callable

Style = Callable[[str, str], str]
"""``style(text, role)`` with role one of error, warning, success, dim, bold."""


def plain(text: str, _role: str) -> str:
    """No styling (piped output, NO_COLOR)."""
    return text
