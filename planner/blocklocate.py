"""A fast locator for plans written in block style (the way people and generators write them).

The event scan of :mod:`planner.locate` is exact but walks the whole document through PyYAML
(about 30 s for a 100,000-service plan). Audits of large plans need positions for hundreds of
thousands of findings, so this module resolves paths from the text's lines and indentation,
in one pass over the lines plus a short walk per path. Every sequence it walks is checked
against the loaded plan's own lengths; any path it cannot resolve with certainty is left for
the exact event scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from planner.errors import YamlPath
from planner.locate import Position

_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)\s*:(?:\s|$)")
ExpectedLength = Callable[[YamlPath], int | None]


class _Block(NamedTuple):  # a tuple: hashed in C, as the key lookups' cache needs millions of times
    start: int
    """First line index (inclusive)."""
    end: int
    """Last line index (exclusive)."""
    col: int
    """Column (0-based) of the node's keys or item dashes."""


class BlockLocator:
    """Resolves paths in block-style YAML text; :meth:`locate` returns None when unsure."""

    def __init__(self, text: str, expected: ExpectedLength) -> None:
        self.lines = text.split("\n")
        self.expected = expected
        self._items: dict[YamlPath, list[int] | None] = {}
        self._keys: dict[tuple[_Block, str], tuple[Position, _Block] | None] = {}
        self._resolved: dict[YamlPath, tuple[Position, _Block] | None] = {}
        # indentation of each line; -1 for blank and comment lines (they belong to their block)
        self._indent = [
            len(line) - len(stripped) if (stripped := line.lstrip(" ")) and stripped[0] != "#" else -1
            for line in self.lines
        ]

    def locate(self, path: YamlPath) -> Position | None:
        """The position of ``path``, or None when this text is not plain block style there."""
        if not path:
            return Position(1, 1, 1, 1)
        found = self._resolve(path)
        return None if found is None else found[0]

    def _resolve(self, path: YamlPath) -> tuple[Position, _Block] | None:
        # Memoised by path: findings share prefixes (services[i], its depends_on), so each
        # step is read once however many findings sit below it.
        if path in self._resolved:
            return self._resolved[path]
        if len(path) == 1:
            parent: tuple[Position, _Block] | None = (Position(1, 1, 1, 1), _Block(0, len(self.lines), 0))
        else:
            parent = self._resolve(path[:-1])
        result = None
        if parent is not None:
            part = path[-1]
            block = parent[1]
            result = self._key(block, part) if isinstance(part, str) else self._item(path[:-1], block, part)
        self._resolved[path] = result
        return result

    def _key(self, block: _Block, key: str) -> tuple[Position, _Block] | None:
        cache_key = (block, key)
        if cache_key not in self._keys:
            self._keys[cache_key] = self._find_key(block, key)
        return self._keys[cache_key]

    def _find_key(self, block: _Block, key: str) -> tuple[Position, _Block] | None:
        lines, indent = self.lines, self._indent
        for idx in range(block.start, block.end):
            if indent[idx] == -1:
                continue
            line = lines[idx]
            col = block.col
            if not line.startswith(key, col):  # cheap filter before the exact match
                continue
            # the first key of a sequence item shares the dash's line: "- key: value"
            if not (
                indent[idx] == col or (idx == block.start and len(line) > col and line[col - 2 : col] == "- ")
            ):
                continue
            match = _KEY.match(line, col)
            if match is None or match.group(1) != key:
                continue
            rest = line[match.end() :].split(" #", 1)[0].strip()
            value_col = match.end() + 1 if rest else col + 1
            position = Position(idx + 1, col + 1, idx + 1, value_col)
            if rest:
                return position, _Block(idx, idx + 1, match.end())  # inline value: a leaf
            end = idx + 1
            while end < block.end and (indent[end] == -1 or indent[end] > col or self._dash_at(end, col)):
                end += 1
            child_col = next((indent[i] for i in range(idx + 1, end) if indent[i] != -1), col + 2)
            return position, _Block(idx + 1, end, child_col)
        return None

    def _dash_at(self, idx: int, col: int) -> bool:
        line = self.lines[idx]
        return self._indent[idx] == col and (line[col : col + 2] == "- " or line[col:] == "-")

    def _item(self, where: YamlPath, block: _Block, index: int) -> tuple[Position, _Block] | None:
        items = self._items.get(where)
        if where not in self._items:
            items = [i for i in range(block.start, block.end) if self._dash_at(i, block.col)]
            expected = self.expected(where)
            if expected is None or len(items) != expected:
                items = None  # flow style, or something this reader does not follow: give up here
            self._items[where] = items
        if items is None or index >= len(items):
            return None
        idx = items[index]
        end = items[index + 1] if index + 1 < len(items) else block.end
        content = block.col + 2
        position = Position(idx + 1, content + 1, idx + 1, content + 1)
        return position, _Block(idx, end, content)
