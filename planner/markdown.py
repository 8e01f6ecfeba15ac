"""Markdown from untrusted text: the runbook and the post-incident review embed names, commands,
URLs and journal notes that people wrote, and a wiki renders them.

No library writes Markdown safely (the well-kept ones parse it), so these few rules live here:
text has HTML and Markdown's inline syntax escaped and its control characters written out (one
line, nothing forged below it); code sits in a backtick run longer than any inside it; only
http(s) URLs become links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from planner.style import visible

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_INLINE = re.compile(r"[\\`*_\[\]|~!#]")
"""Characters that start emphasis, code, links, images, tables, strikethrough or headings."""
_BACKTICKS = re.compile(r"`+")
_URL_UNSAFE = re.compile(r"[\s<>\\\"'`]")


def text(value: str) -> str:
    r"""``value`` as literal Markdown text on one line.

    Examples
    --------
    >>> text("<script>alert(1)</script> **now**")
    '&lt;script&gt;alert(1)&lt;/script&gt; \\*\\*now\\*\\*'
    >>> text("db\n# forged heading")
    'db\\\\x0a\\# forged heading'
    """
    escaped = _INLINE.sub(lambda m: "\\" + m.group(), visible(value))
    return escaped.translate(_HTML)  # a post-incident review writes 20,000 of them


def code(value: str) -> str:
    """``value`` as an inline code span: fenced by one backtick more than its longest run, so a
    backtick inside cannot close it, and on one line.

    Examples
    --------
    >>> code("curl -f http://db/health")
    '`curl -f http://db/health`'
    >>> code("echo `id` ``x``")
    '``` echo `id` ``x`` ```'
    """
    shown = visible(value)
    longest = max((len(run) for run in _BACKTICKS.findall(shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or shown.startswith(" ") or shown.endswith(" ") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def fenced(body: str, info: str = "") -> list[str]:
    """``body`` as a fenced code block, its fence longer than any backtick run inside."""
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{info}", body.rstrip("\n"), fence]


def link(url: str, label: str | None = None) -> str:
    """A link when ``url`` is a plain http(s) URL, else the URL as text saying it is not one
    (a ``javascript:`` or ``data:`` runbook must not become something to click).

    Examples
    --------
    >>> link("https://wiki.example.com/db")
    '[https://wiki.example.com/db](https://wiki.example.com/db)'
    >>> link("javascript:alert(1)")
    '`javascript:alert(1)` (not an http(s) link)'
    """
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in {"http", "https"} or _URL_UNSAFE.search(url) or visible(url) != url:
        return f"{code(url)} (not an http(s) link)"
    target = url.replace("(", "%28").replace(")", "%29")
    return f"[{text(label or url)}]({target})"
