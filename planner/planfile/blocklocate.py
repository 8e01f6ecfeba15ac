"""A fast locator for plans written in block style (the way people and generators write them).

The event scan of :mod:`planner.planfile.locate` is exact but walks the whole document through PyYAML
(about 30 s for a 100,000-service plan). Audits of large plans need positions for hundreds of
thousands of findings, so this module resolves paths from the text's lines and indentation: a
key or a sequence's items are found by a substring or regular-expression search of the text
between a block's first and last line (the text is never split into lines), plus a short walk
per path. Every sequence it walks is checked
against the loaded plan's own lengths; any path it cannot resolve with certainty is left for
the exact event scan.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Final, NamedTuple

from planner.errors import YamlPath
from planner.planfile.locate import Position

_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)\s*:(?:\s|$)")
_NEWLINE = re.compile("\n")
_DASHES: dict[int, re.Pattern[str]] = {}
"""The pattern of a sequence item's dash at each column."""
_ENDS: dict[int, re.Pattern[str]] = {}
"""The pattern of a line that ends a key's value, for a key at each column."""
ExpectedLength = Callable[[YamlPath], int | None]


class _Block(NamedTuple):  # a tuple: hashed in C, as the key lookups' cache needs millions of times
    start: int
    """First line index (inclusive)."""
    end: int
    """Last line index (exclusive)."""
    col: int
    """Column (0-based) of the node's keys or item dashes."""


_Found = tuple[tuple[int, int, int, int], _Block]
"""A node's position (line, column, value line, value column) and its block."""


class _Unseen(Enum):  # a sentinel the type checker can narrow away with `is`
    TOKEN = 0


_UNSEEN: Final = _Unseen.TOKEN


class BlockLocator:
    """Resolves paths in block-style YAML text; :meth:`locate` returns None when unsure."""

    def __init__(self, text: str, expected: ExpectedLength) -> None:
        self.text = text
        self.expected = expected
        self._items: dict[YamlPath, list[int] | None] = {}
        self._keys: dict[tuple[_Block, str], _Found | None] = {}
        self._resolved: dict[YamlPath, _Found | None] = {}
        # where each line starts, and one past the end of the last (the text is not split into
        # lines: a list of every line took twice the text's memory and most are never read)
        self._starts = array("q", [0])
        self._starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self._starts.append(len(text) + 1)
        self.line_count = len(self._starts) - 1

    def _line(self, idx: int) -> str:
        """Line ``idx`` (0-based) without its newline."""
        return self.text[self._starts[idx] : self._starts[idx + 1] - 1]

    def _indent(self, idx: int) -> int:
        """The indentation of line ``idx``; -1 for blank and comment lines (they belong to their
        block)."""
        line = self._line(idx)
        stripped = line.lstrip(" ")
        return len(line) - len(stripped) if stripped and stripped[0] != "#" else -1

    def _line_at(self, offset: int) -> int:
        """The index of the line holding ``offset``."""
        return bisect.bisect_right(self._starts, offset) - 1

    def forget(self) -> None:
        """Empty the caches but what they hold of the top-level keys and their sequences' items
        (finding where the services end is a search of the whole text): a reader given a long
        list of paths a part at a time holds no more than one part's."""
        self._resolved = {path: found for path, found in self._resolved.items() if len(path) <= 1}
        self._keys.clear()
        self._items = {path: items for path, items in self._items.items() if len(path) <= 1}

    def locate(self, path: YamlPath) -> Position | None:
        """The position of ``path``, or None when this text is not plain block style there."""
        if not path:
            return Position(1, 1, 1, 1)
        found = self._resolved.get(path, _UNSEEN)
        if found is _UNSEEN:
            found = self._resolve(path)
        return None if found is None else Position(*found[0])

    def _resolve(self, path: YamlPath) -> _Found | None:
        # Memoised by path: findings share prefixes (services[i], its depends_on), so each
        # step is read once however many findings sit below it.
        resolved = self._resolved
        if len(path) == 1:
            parent: _Found | None = ((1, 1, 1, 1), _Block(0, self.line_count, 0))
        else:
            above = path[:-1]
            known = resolved.get(above, _UNSEEN)
            parent = self._resolve(above) if known is _UNSEEN else known
        result = None
        if parent is not None:
            part = path[-1]
            block = parent[1]
            result = self._key(block, part) if isinstance(part, str) else self._item(path[:-1], block, part)
        resolved[path] = result
        return result

    def _key(self, block: _Block, key: str) -> _Found | None:
        cache_key = (block, key)
        found = self._keys.get(cache_key, _UNSEEN)
        if found is _UNSEEN:
            found = self._keys[cache_key] = self._find_key(block, key)
        return found

    def _key_lines(self, block: _Block, key: str) -> Iterator[int]:
        """Lines of ``block`` that may hold ``key`` at the block's column, in order: the block's
        first line (the first key of a sequence item shares the dash's line, "- key: value"),
        then every line indented exactly to the column that starts with ``key`` (found by a
        substring search of the text, not line by line)."""
        col = block.col
        first = block.start
        if first < block.end:
            line = self._line(first)
            indent = self._indent(first)
            if indent == col or (indent != -1 and line[col - 2 : col] == "- "):
                yield first
        if first + 1 >= block.end:
            return
        needle = "\n" + " " * col + key
        text, starts = self.text, self._starts
        at = starts[first + 1] - 1  # the newline before the block's second line
        stop = starts[block.end] - 1
        idx = first
        while True:
            found = text.find(needle, at, stop)
            if found < 0:
                return
            idx += text.count("\n", at, found + 1)  # lines are counted, not looked up
            yield idx
            at = found + 1

    def _find_key(self, block: _Block, key: str) -> _Found | None:
        col = block.col
        for idx in self._key_lines(block, key):
            line = self._line(idx)
            if not line.startswith(key, col):  # cheap filter before the exact match
                continue
            match = _KEY.match(line, col)
            if match is None or match.group(1) != key:
                continue
            rest = line[match.end() :].split(" #", 1)[0].strip()
            if rest:  # inline value: a leaf
                return (idx + 1, col + 1, idx + 1, match.end() + 1), _Block(idx, idx + 1, match.end())
            end = self._block_end(idx + 1, block.end, col)
            child_col = next(
                (depth for i in range(idx + 1, end) if (depth := self._indent(i)) != -1), col + 2
            )
            return (idx + 1, col + 1, idx + 1, col + 1), _Block(idx + 1, end, child_col)
        return None

    def _item(self, where: YamlPath, block: _Block, index: int) -> _Found | None:
        items = self._items.get(where, _UNSEEN)
        if items is _UNSEEN:
            items = self._dashes(block)
            expected = self.expected(where)
            if expected is None or len(items) != expected:
                items = None  # flow style, or something this reader does not follow: give up here
            self._items[where] = items
        if items is None or index >= len(items):
            return None
        idx = items[index]
        end = items[index + 1] if index + 1 < len(items) else block.end
        content = block.col + 2
        return (idx + 1, content + 1, idx + 1, content + 1), _Block(idx, end, content)

    def _dashes(self, block: _Block) -> list[int]:
        """Lines of ``block`` that start a sequence item at its column ("- x", or "-" alone),
        found by one regular-expression search of the block's part of the text."""
        pattern = _DASHES.get(block.col)
        if pattern is None:
            pattern = _DASHES[block.col] = re.compile(f"^ {{{block.col}}}-(?: |$)", re.MULTILINE)
        text, starts = self.text, self._starts
        at = starts[block.start]
        idx = block.start
        out = []
        for match in pattern.finditer(text, at, starts[block.end] - 1):
            idx += text.count("\n", at, match.start())  # lines are counted, not looked up
            at = match.start()
            out.append(idx)
        return out

    def _block_end(self, first: int, last: int, col: int) -> int:
        """The first line from ``first`` (before ``last``) that ends the value of a key at
        ``col``: blank and comment lines, deeper lines, and items of a sequence at this column
        ("key:\\n- a") all belong to the value; found by one search of the text."""
        if first >= last:
            return first
        pattern = _ENDS.get(col)
        if pattern is None:
            shallower = f" {{0,{col - 1}}}[^ #\\n]|" if col > 0 else ""
            pattern = _ENDS[col] = re.compile(f"^(?:{shallower} {{{col}}}(?!- |-$)[^ #\\n])", re.MULTILINE)
        starts = self._starts
        found = pattern.search(self.text, starts[first], starts[last] - 1)
        return last if found is None else self._line_at(found.start())
