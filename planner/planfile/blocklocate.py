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
from collections.abc import Callable
from enum import Enum
from typing import Final

from planner.errors import YamlPath
from planner.planfile.locate import Position

_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)\s*:(?:\s|$)")
_NEWLINE = re.compile("\n")
_NEEDLES: dict[tuple[int, str], str] = {}
"""The text before a key at a column: a newline and the column's spaces."""
_ENDS: dict[int, re.Pattern[str]] = {}
"""The pattern of a line that ends a key's value, for a key at each column."""
ExpectedLength = Callable[[YamlPath], int | None]


class _Unseen(Enum):  # a sentinel the type checker can narrow away with `is`
    TOKEN = 0


_UNSEEN: Final = _Unseen.TOKEN


class _Node:
    """A resolved node: its position, its block of lines, and what of its children was read."""

    __slots__ = ("children", "col", "end", "items", "position", "start")

    def __init__(self, position: Position, start: int, end: int, col: int) -> None:
        self.position = position
        self.start = start
        """First line index (inclusive)."""
        self.end = end
        """Last line index (exclusive)."""
        self.col = col
        """Column (0-based) of the node's keys or item dashes."""
        self.children: dict[str | int, _Node | None] = {}
        self.items: list[int] | _Unseen | None = _UNSEEN


class BlockLocator:
    """Resolves paths in block-style YAML text; :meth:`locate` returns None when unsure."""

    def __init__(self, text: str, expected: ExpectedLength) -> None:
        self.text = text
        self.expected = expected
        # where each line starts, and one past the end of the last (the text is not split into
        # lines: a list of every line took twice the text's memory and most are never read)
        self._starts = array("q", [0])
        self._starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self._starts.append(len(text) + 1)
        self.line_count = len(self._starts) - 1
        self._root = _Node(Position(1, 1, 1, 1), 0, self.line_count, 0)

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
        """Forget what was read below the top-level keys and their sequences' items (finding
        where the services end is a search of the whole text): a reader given a long list of
        paths a part at a time holds no more than one part's."""
        for node in self._root.children.values():
            if node is not None:
                node.children.clear()

    def locate(self, path: YamlPath) -> Position | None:
        """The position of ``path``, or None when this text is not plain block style there."""
        node, depth = self._walk(path)
        return node.position if depth == len(path) else None

    def locate_all(
        self, paths: list[YamlPath], nearest: bool
    ) -> tuple[dict[YamlPath, Position | None], list[YamlPath]]:
        """The positions of ``paths`` (each path's nearest resolved ancestor's when ``nearest``),
        and the paths left unresolved."""
        out: dict[YamlPath, Position | None] = {}
        unsure = []
        walk = self._walk
        for path in paths:
            node, depth = walk(path)
            if depth == len(path) or nearest:
                out[path] = node.position
            else:
                unsure.append(path)
        return out, unsure

    def _walk(self, path: YamlPath) -> tuple[_Node, int]:
        """The deepest node of ``path`` resolved, and how many of its parts lead there (each
        node is read once, however many paths pass through it)."""
        node = self._root
        depth = 0
        for part in path:
            child = node.children.get(part, _UNSEEN)
            if child is _UNSEEN:
                child = node.children[part] = (
                    self._key(node, part) if isinstance(part, str) else self._item(node, path, depth)
                )
            if child is None:
                break
            node = child
            depth += 1
        return node, depth

    def _key(self, node: _Node, key: str) -> _Node | None:
        """The node of ``key`` in ``node``'s block: on the block's first line (the first key of
        a sequence item shares the dash's line, "- key: value"), or on the first line indented
        exactly to the block's column that starts with ``key`` (found by a substring search of
        the text, not line by line)."""
        col, first, end = node.col, node.start, node.end
        if first >= end:
            return None
        text, starts = self.text, self._starts
        if text.startswith(key, starts[first] + col):  # a cheap filter before the exact checks
            line = self._line(first)
            indent = self._indent(first)
            if indent == col or (indent != -1 and line[col - 2 : col] == "- "):
                match = _KEY.match(line, col)
                if match is not None and match.group(1) == key:
                    return self._key_node(node, first, match.end())
        if first + 1 >= end:
            return None
        needle = _NEEDLES.get((col, key))
        if needle is None:
            needle = _NEEDLES[col, key] = "\n" + " " * col + key
        at = starts[first + 1] - 1  # the newline before the block's second line
        stop = starts[end] - 1
        idx = first
        while True:
            found = text.find(needle, at, stop)
            if found < 0:
                return None
            idx += text.count("\n", at, found + 1)  # lines are counted, not looked up
            match = _KEY.match(text, found + 1 + col, starts[idx + 1] - 1)
            if match is not None and match.group(1) == key:
                return self._key_node(node, idx, match.end() - found - 1)
            at = found + 1

    def _key_node(self, block: _Node, idx: int, value: int) -> _Node:
        """The node of the key of ``block`` on line ``idx`` whose value starts at column
        ``value`` (0-based) when it is on the same line."""
        col = block.col
        start = self._starts[idx]
        if self.text[start + value : self._starts[idx + 1] - 1].split(" #", 1)[0].strip():
            return _Node(Position(idx + 1, col + 1, idx + 1, value + 1), idx, idx + 1, value)  # a leaf
        end = self._block_end(idx + 1, block.end, col)
        child_col = next((depth for i in range(idx + 1, end) if (depth := self._indent(i)) != -1), col + 2)
        return _Node(Position(idx + 1, col + 1, idx + 1, col + 1), idx + 1, end, child_col)

    def _item(self, node: _Node, path: YamlPath, depth: int) -> _Node | None:
        """The node of item ``path[depth]`` of the sequence ``node`` (at ``path[:depth]``)."""
        index = path[depth]
        assert isinstance(index, int)
        items = node.items
        if items is _UNSEEN:
            items = self._dashes(node)
            expected = self.expected(path[:depth])
            if expected is None or len(items) != expected:
                items = None  # flow style, or something this reader does not follow: give up here
            node.items = items
        if items is None or index >= len(items):
            return None
        idx = items[index]
        text, starts = self.text, self._starts
        after, stop = starts[idx] + node.col + 2, starts[idx + 1] - 1  # after "- ", the line's end
        plain = after < stop and text[after - 1] == " " and text[after] != "#" and not text[after].isspace()
        if not plain and not text[after - 1 : stop].split(" #", 1)[0].strip():
            return None  # the item starts on a later line ("-" alone): where, the exact scan says
        end = items[index + 1] if index + 1 < len(items) else node.end
        content = node.col + 2
        return _Node(Position(idx + 1, content + 1, idx + 1, content + 1), idx, end, content)

    def _dashes(self, block: _Node) -> list[int]:
        """Lines of ``block`` that start a sequence item at its column ("- x", or "-" alone),
        found by a substring search of the block's part of the text."""
        col = block.col
        needle = _NEEDLES.get((col, "-"))
        if needle is None:
            needle = _NEEDLES[col, "-"] = "\n" + " " * col + "-"
        text, starts = self.text, self._starts
        stop = starts[block.end] - 1
        counted = starts[block.start]
        idx = block.start
        out = []
        at = counted - 1  # the newline before the block's first line
        if counted == 0:  # the text's first line has no newline before it
            if col < stop and text.startswith(needle[1:]) and _item_starts(text, col + 1, stop):
                out.append(0)
            at = 0
        while True:
            found = text.find(needle, at, stop)
            if found < 0:
                return out
            if _item_starts(text, found + col + 2, stop):
                idx += text.count("\n", counted, found + 1)  # lines are counted, not looked up
                counted = found + 1
                out.append(idx)
            at = found + 1

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


def _item_starts(text: str, after: int, stop: int) -> bool:
    """Whether the dash before ``after`` starts an item: a space or the line's end follows it."""
    return after == stop or text[after] == " " or text[after] == "\n"
