"""How text output is styled: ``style(text, role)``; the CLI passes colour, everything else plain."""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable

Style = Callable[[str, str], str]
"""``style(text, role)`` with role one of error, warning, success, dim, bold."""


def plain(text: str, _role: str) -> str:
    """No styling (piped output, NO_COLOR)."""
    return text


_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
"""Bidirectional controls (embeddings, overrides, isolates, marks) and zero-width characters:
they reorder or hide what a line shows (``echo ok #<RLO> ; rm -rf ~`` reads backwards on screen
and in a rendered runbook), so they are written out as escapes like the controls below."""
# C0 and C1 controls, and the Unicode line and paragraph separators (line breaks to YAML 1.1)
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
_CONTROL_BUT_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]")
_OUR_STYLES = re.compile("\x1b\\[(?:0|1|2|22|31|32|33|39)m")
"""The only escape sequences the planner writes itself (click.style's colours, bold, dim)."""
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n"
"""ASCII that :func:`terminal_safe` lets through as it is: printable, tabs and newlines."""


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Untrusted text (from a plan, an import or the journal) as one harmless line: every control
    character, newlines included, and every bidirectional or zero-width one, is written out as
    ``\\x1b``, ``\\x0a``, ``\\u202e``... so that it can neither drive a terminal (ESC, BEL, CR,
    OSC sequences), nor forge a line of output, nor show a command other than the one it is.

    Examples
    --------
    >>> visible("db\\x1b]52;c;ZWNobw==\\x07\\nINC-1 #9 forged")
    'db\\\\x1b]52;c;ZWNobw==\\\\x07\\\\x0aINC-1 #9 forged'
    >>> visible("echo ok #\\u202e ; rm -rf ~\\u200b")
    'echo ok #\\\\u202e ; rm -rf ~\\\\u200b'
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
        if text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII):
            return text  # nothing to write out: what nearly every output is (a status: 900 KB)
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


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_GAP = re.compile(r"\S( {2,})(?=\S)")
MIN_WIDTH = 40
"""Narrower than this, lines are left as they are (wrapping would only shred them)."""


def output_width(is_terminal: bool) -> int | None:
    """The width to fit text output to: ``COLUMNS`` when set, else the terminal's; None when
    the output is not a terminal (pipes and files get whole lines)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():
        return max(MIN_WIDTH, int(columns))
    if not is_terminal:
        return None
    import shutil  # only for a terminal: it loads the compression modules (bz2, lzma, zlib)

    return max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns)


def fit_lines(text: str, width: int) -> str:
    """Every line of ``text`` within ``width`` columns: a table row (two or more column gaps)
    wraps its last column under itself, or is cut with an ellipsis when that column starts too
    far right; any other line wraps under its own indent. A line in one colour keeps it.

    Examples
    --------
    >>> print(fit_lines("  web  app  waits on dns, lb, cache, queue", 34))
      web  app  waits on dns, lb,
                cache, queue
    """
    out: list[str] = []
    for line in text.split("\n"):
        plain_line = _ANSI.sub("", line)
        if len(plain_line) <= width:
            out.append(line)
            continue
        head = _ANSI.match(line)
        colour = head.group(0) if head and line.endswith("\x1b[0m") and len(_ANSI.findall(line)) == 2 else ""
        pieces = _fit(plain_line, width)
        out += [f"{colour}{p}\x1b[0m" if colour else p for p in pieces]
    return "\n".join(out)


def _fit(line: str, width: int) -> list[str]:
    gaps = [m.end() for m in _GAP.finditer(line)]
    if len(gaps) >= 2:  # a table row
        start = gaps[-1]
        if start > width - 20:
            return [line[: width - 1] + "…"]
        parts = textwrap.wrap(line[start:], width - start, break_on_hyphens=False) or [""]
        return [line[:start] + parts[0], *(" " * start + p for p in parts[1:])]
    indent = len(line) - len(line.lstrip(" "))
    return textwrap.wrap(line, width, subsequent_indent=" " * (indent + 2), break_on_hyphens=False) or [line]
