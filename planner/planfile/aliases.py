"""Bounded alias expansion for every YAML reader (plans, Compose files, Backstage catalogs).

A YAML alias (``*name``) repeats the node its anchor (``&name``) marks, so a small file can stand
for an enormous document: a 1 MB scalar aliased 100,000 times is 100 GB once parsed, and the parser
aborts the process. The parsers build the whole document before anyone can look at it, so the size
is measured first, from the parser's events, where an alias costs nothing to read: a node's size
is its text plus a small weight, an alias's size is its anchored node's, and the reading stops at
the first alias that takes the document past the limit.

Files without an anchor (most plans) skip this: one substring search decides.
"""

from __future__ import annotations

import yaml

from planner.errors import Problem

NODE_WEIGHT = 8
"""What a node counts beyond its text: about the least YAML text a node takes (``- a`` and a
newline), so a document without aliases measures close to its own length."""

_TOKEN_BEFORE = frozenset(" \t\n\r\f\v[{,")
"""What may stand before a YAML anchor or tag (besides other white space)."""


def token_start(text: str, mark: str, *, followed: bool = False) -> bool:
    """True when ``mark`` (``&`` or ``!``) stands where a YAML anchor or tag can start: at the
    start of the text or after white space, ``[``, ``{`` or ``,`` (and, with ``followed``, before
    a character that is not white space).

    The same test as the regular expression ``(?:^|[\\s\\[{,])&[^\\s]``, at the cost of a
    substring search when ``mark`` is absent (the common case: 15 ms instead of a second and a
    half for a 55 MB plan), and of one look per occurrence otherwise.

    Examples
    --------
    >>> token_start("a: &x 1", "&", followed=True), token_start("url: a?b=1&c=2", "&")
    (True, False)
    >>> token_start("&", "&", followed=True), token_start("[!x]", "!")
    (False, True)
    """
    at = text.find(mark)
    while at >= 0:
        before_ok = at == 0 or text[at - 1] in _TOKEN_BEFORE or text[at - 1].isspace()
        after_ok = not followed or (at + 1 < len(text) and not text[at + 1].isspace())
        if before_ok and after_ok:
            return True
        at = text.find(mark, at + 1)
    return False


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def expansion_problem(text: str, name: str, limit: int) -> Problem | None:
    """A problem at the alias that makes ``text`` larger than ``limit`` once its aliases are
    expanded (in the measure above), or None.

    A syntax error ends the measurement quietly: the reader's own parser reports it, better.

    Examples
    --------
    >>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
    ...     f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\\n" for p, c in zip("abcdefg", "bcdefgh")
    ... )
    >>> expansion_problem(bomb, "bomb.yaml", 2**20).line
    5
    >>> expansion_problem("a: &a [1, 2]\\nb: *a\\n", "ok.yaml", 2**20) is None
    True
    """
    if not token_start(text, "&", followed=True):
        return None
    sizes: dict[str, int] = {}  # the expanded size of each anchored node
    open_anchors: list[str | None] = []  # the anchor of each collection being read
    open_sizes: list[int] = []  # and its size so far
    total = 0  # the expanded size of everything read so far
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                open_anchors.append(event.anchor)
                open_sizes.append(NODE_WEIGHT)
                total += NODE_WEIGHT
                continue
            anchor: str | None = None
            if isinstance(event, yaml.ScalarEvent):
                anchor, size = event.anchor, NODE_WEIGHT + len(event.value)
                total += size
            elif isinstance(event, yaml.AliasEvent):
                size = sizes.get(event.anchor or "", NODE_WEIGHT)
                total += size
                if total > limit:
                    return _too_large(event, name, limit)
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size = open_anchors.pop(), open_sizes.pop()
            else:
                continue
            if anchor is not None:
                sizes[anchor] = size
            if open_sizes:
                open_sizes[-1] += size
    except yaml.YAMLError:
        return None
    return None


def _too_large(event: yaml.AliasEvent, name: str, limit: int) -> Problem:
    mark = event.start_mark
    return Problem(
        f"the alias *{event.anchor} takes the document past {limit // 2**20} MB once its aliases "
        "are expanded; aliases may not multiply a file beyond the read limit "
        "(write the repeated part out, or set PLANNER_MAX_INPUT_MB)",
        file=name,
        line=mark.line + 1 if mark else 1,
        column=mark.column + 1 if mark else None,
    )
