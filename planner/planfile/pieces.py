"""Reading a large block-style YAML plan's ``services`` a few thousand items at a time.

Parsing a plan whole builds its document before any model exists: at 100,000 services that is
about 520 MB of dicts, lists and strings, at 1,000,000 about 5 GB, and the resident size of every
command that reads a plan never comes down from that peak. The services of a plan written in
block style (as people and generators write them) are read here instead as the rest of the
document plus pieces of the ``services`` sequence, each piece parsed on its own and dropped once
its models are built.

Only plain files take this road: one top-level ``services:`` key in block style, no anchor, alias,
tag, directive or document marker anywhere (nothing can refer across pieces), and every piece
parses to exactly as many items as it has dashes at the sequence's column. Anything else, any
parse error and any invalid item returns None, and the caller reads the file whole, which
reports every problem where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml_rs

from planner.planfile.aliases import token_start

PIECE = 250
"""Services parsed at a time (about 140 KB of text). Small pieces read faster: what the parser
builds, and the models made from it, stay in the processor's caches (at 100,000 services, pieces
of 250 took 0.3 s of CPU less than pieces of 4,000)."""
FROM_BYTES = 4 << 20
"""Text size from which a plan's services are read in pieces (smaller plans: whole, as before)."""

_SERVICES_KEY = re.compile(r"services[ ]*:[ ]*(?:#.*)?$", re.MULTILINE)
_ANY_SERVICES_KEY = re.compile(r"services[ ]*:")
_TOP_LEVEL = re.compile(r"\n[^ #\n]")
_TOP_LEVEL_NOT_ITEM = re.compile(r"\n(?!- |-\n|-$)[^ #\n]")
_FIRST_CONTENT = re.compile(r"^( *)(\S)", re.MULTILINE)
_MARKS = ("---", "...", "%")
_MARK_AT_LINE_START = re.compile(r"\n(?:---|\.\.\.|%)")  # one pass; a substring search each: 2.5x


class Pieces:
    """A plan's text split into the document without its services, and the services' pieces."""

    def __init__(self, text: str, start: int, end: int, dashes: list[int]) -> None:
        self.text = text
        self.start = start
        """Offset of the line after ``services:``."""
        self.end = end
        """Offset where the services' block ends (the next top-level line, or the end)."""
        self.dashes = dashes
        """Offset of each item's dash line."""

    def head(self) -> Any:
        """The document with ``services: []`` (None when it does not parse)."""
        key = self.text.rfind("\n", 0, self.start - 1) + 1
        rest = self.text[:key] + "services: []\n" + self.text[self.end :]
        try:
            return yaml_rs.loads(rest, parse_datetime=False)
        except Exception:  # noqa: BLE001 - a third-party parser: the whole read says what is wrong
            return None

    def items(self) -> Iterator[list[Any] | None]:
        """Each piece's items, in order; None for a piece that does not parse to one item per
        dash (the caller then reads the file whole)."""
        dashes = self.dashes
        for first in range(0, len(dashes), PIECE):
            last = first + PIECE
            stop = dashes[last] if last < len(dashes) else self.end
            try:
                got = yaml_rs.loads(self.text[dashes[first] : stop], parse_datetime=False)
            except Exception:  # noqa: BLE001 - as above
                yield None
                return
            if not isinstance(got, list) or len(got) != len(dashes[first:last]):
                yield None
                return
            yield got


def split(text: str) -> Pieces | None:
    """The pieces of a plain block-style plan of at least :data:`FROM_BYTES` characters, or None
    when it must be read whole. (Substring searches, not multi-line regular expressions: those
    took 2 s each over a 55 MB plan.)"""
    if len(text) < FROM_BYTES or "\t" in text or "\r" in text:
        return None
    if text.startswith(_MARKS) or _MARK_AT_LINE_START.search(text):  # documents, directives
        return None
    if token_start(text, "&") or token_start(text, "!") or token_start(text, "*"):
        return None
    keys = [at for at in _line_starts(text, "services") if _ANY_SERVICES_KEY.match(text, at)]
    found = _SERVICES_KEY.match(text, keys[0]) if len(keys) == 1 else None
    if found is None:  # none, twice, or with its value on the same line (flow style)
        return None
    start = found.end() + 1
    first = _FIRST_CONTENT.search(text, start)
    while first is not None and first.group(2) == "#":
        first = _FIRST_CONTENT.search(text, first.end())
    if first is None or not text.startswith("- ", first.start(2)):
        return None
    col = len(first.group(1))
    # the block ends at the next top-level line (with items at column 0: not an item)
    after = (_TOP_LEVEL_NOT_ITEM if col == 0 else _TOP_LEVEL).search(text, start - 1)
    end = len(text) if after is None else after.start() + 1
    dashes = [
        at
        for at in _line_starts(text, " " * col + "-", first.start(), end)
        if text[at + col + 1 : at + col + 2] in (" ", "\n", "")
    ]
    return Pieces(text, start, end, dashes)


def _line_starts(text: str, needle: str, begin: int = 0, end: int | None = None) -> Iterator[int]:
    """Offsets of the lines from ``begin`` (a line's start) to ``end`` that start with ``needle``."""
    stop = len(text) if end is None else end
    if text.startswith(needle, begin) and begin < stop:
        yield begin
    wanted = "\n" + needle
    at = text.find(wanted, begin, stop)
    while at >= 0:
        yield at + 1
        at = text.find(wanted, at + 1, stop)
