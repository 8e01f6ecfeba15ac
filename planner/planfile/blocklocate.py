"""A fast locator for plans written in block style (the way people and generators write them).

The event scan of :mod:`planner.planfile.locate` is exact but walks the whole document through PyYAML
(about 30 s for a 100,000-service plan). Audits of large plans need positions for hundreds of
thousands of findings, so this module resolves paths from the text's lines and indentation,
in one pass over the lines plus a short walk per path. Every sequence it walks is checked
against the loaded plan's own lengths; any path it cannot resolve with certainty is left for
the exact event scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Final, NamedTuple

from planner.errors import YamlPath
from planner.planfile.locate import Position

_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)\s*:(?:\s|$)")
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
        self.lines = text.split("\n")
        self.expected = expected
        self._items: dict[YamlPath, list[int] | None] = {}
        self._keys: dict[tuple[_Block, str], _Found | None] = {}
        self._resolved: dict[YamlPath, _Found | None] = {}
        # indentation of each line; -1 for blank and comment lines (they belong to their block)
        self._indent = [
            len(line) - len(stripped) if (stripped := line.lstrip(" ")) and stripped[0] != "#" else -1
            for line in self.lines
        ]

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
        if path in resolved:
            return resolved[path]
        if len(path) == 1:
            parent: _Found | None = ((1, 1, 1, 1), _Block(0, len(self.lines), 0))
        else:
            parent = self._resolve(path[:-1])
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

    def _find_key(self, block: _Block, key: str) -> _Found | None:
        lines, indent = self.lines, self._indent
        col = block.col
        for idx in range(block.start, block.end):
            # keys sit at the block's column; the first key of a sequence item shares the dash's
            # line ("- key: value")
            if indent[idx] != col and (
                idx != block.start or indent[idx] == -1 or lines[idx][col - 2 : col] != "- "
            ):
                continue
            line = lines[idx]
            if not line.startswith(key, col):  # cheap filter before the exact match
                continue
            match = _KEY.match(line, col)
            if match is None or match.group(1) != key:
                continue
            rest = line[match.end() :].split(" #", 1)[0].strip()
            if rest:  # inline value: a leaf
                return (idx + 1, col + 1, idx + 1, match.end() + 1), _Block(idx, idx + 1, match.end())
            end = idx + 1
            last = block.end
            while end < last:
                depth = indent[end]
                # blank and comment lines, deeper lines, and items of a sequence at this column
                # ("key:\n- a") all belong to the key's value
                if depth == -1 or depth > col:
                    end += 1
                    continue
                if depth < col or (lines[end][col : col + 2] != "- " and lines[end][col:] != "-"):
                    break
                end += 1
            child_col = next((indent[i] for i in range(idx + 1, end) if indent[i] != -1), col + 2)
            return (idx + 1, col + 1, idx + 1, col + 1), _Block(idx + 1, end, child_col)
        return None

    def _item(self, where: YamlPath, block: _Block, index: int) -> _Found | None:
        items = self._items.get(where, _UNSEEN)
        if items is _UNSEEN:
            lines, indent, col = self.lines, self._indent, block.col
            items = [
                i
                for i in range(block.start, block.end)
                if indent[i] == col and (lines[i][col : col + 2] == "- " or lines[i][col:] == "-")
            ]
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
