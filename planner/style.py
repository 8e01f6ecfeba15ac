"""How text output is styled: ``style(text, role)``; the CLI passes colour, everything else plain."""

from __future__ import annotations

import re
from collections.abc import Callable

Style = Callable[[str, str], str]
"""``style(text, role)`` with role one of error, warning, success, dim, bold."""


def plain(text: str, _role: str) -> str:
    """No styling (piped output, NO_COLOR)."""
    return text


# C0 and C1 controls, and the Unicode line and paragraph separators (line breaks to YAML 1.1)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_OUR_STYLES = re.compile("\x1b\\[(?:0|1|2|22|31|32|33|39)m")
"""The only escape sequences the planner writes itself (click.style's colours, bold, dim)."""


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Untrusted text (from a plan, an import or the journal) as one harmless line: every control
    character, newlines included, is written out as ``\\x1b``, ``\\x0a``... so that it can neither
    drive a terminal (ESC, BEL, CR, OSC sequences) nor forge a line of output.

    Examples
    --------
    >>> visible("db\\x1b]52;c;ZWNobw==\\x07\\nINC-1 #9 forged")
    'db\\\\x1b]52;c;ZWNobw==\\\\x07\\\\x0aINC-1 #9 forged'
    """
    return _CONTROL.sub(_shown, text)


def terminal_safe(text: str, *, styled: bool = False) -> str:
    """Text about to be written to a terminal: control characters written out (see
    :func:`visible`) but for newlines and tabs, and, when ``styled``, the planner's own colour
    sequences, which are the only escape sequences let through.

    Examples
    --------
    >>> terminal_safe("ok\\x1b[2J\\r\\n")
    'ok\\\\x1b[2J\\\\x0d\\n'
    >>> terminal_safe("\\x1b[31mlate\\x1b[0m\\x1b[8m", styled=True)
    '\\x1b[31mlate\\x1b[0m\\\\x1b[8m'
    """
    if not styled:
        return _CONTROL_BUT_LINES.sub(_shown, text)
    out, last = [], 0
    for match in _OUR_STYLES.finditer(text):
        out.append(_CONTROL_BUT_LINES.sub(_shown, text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_CONTROL_BUT_LINES.sub(_shown, text[last:]))
    return "".join(out)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 workaround``, ``2 workarounds`` (``many`` for an irregular plural).

    Examples
    --------
    >>> plural(1, "workaround"), plural(3, "dependency", "dependencies"), plural(0, "person", "people")
    ('1 workaround', '3 dependencies', '0 people')
    """
    return f"{count} {word if count == 1 else (many or word + 's')}"


def possessive(name: str) -> str:
    """``db's``, ``payments'``: an id ending in s takes the apostrophe alone.

    Examples
    --------
    >>> possessive("db-primary"), possessive("payments")
    ("db-primary's", "payments'")
    """
    return f"{name}'" if name.endswith("s") else f"{name}'s"
