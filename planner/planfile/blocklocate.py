"""A fast locator for plans written in block style (the way people and generators write them).

The event scan of :mod:`planner.planfile.locate` is exact but walks the whole document through PyYAML
(about 30 s for a 100,000-service plan). Audits of large plans need positions for hundreds of
thousands of findings, so this module resolves paths from the text's lines and indentation: a
key or a sequence's items are found by a search of the text between a block's first and last
line, plus a short walk per path. The text is never split into lines, nor are its line starts
listed: a block knows the offset and number of its first line, and a line found in it is
numbered by counting the newlines before it. Every sequence it walks is checked against the
loaded plan's own lengths; any path it cannot resolve with certainty is left for the exact scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate, chain, repeat
from typing import Final

from planner.errors import YamlPath
from planner.planfile.locate import Position

_KEY = re.compile(r"([A-Za-z0-9_][\w.-]*)\s*:(?:\s|$)")
_NAME = re.compile(r"[A-Za-z0-9_][\w.-]*")
_KEYS: dict[tuple[int, str], re.Pattern[str]] = {}
"""A line that holds a key at a column (see :func:`_key_pattern`)."""
_ENDS: dict[int, re.Pattern[str]] = {}
"""The newline before a line that ends a key's value, for a key at each column."""
_DASHES: dict[int, re.Pattern[str]] = {}
"""The newline before a line that starts a sequence item, for items at each column."""
ExpectedLength = Callable[[YamlPath], int | None]


class _Unseen(Enum):  # a sentinel the type checker can narrow away with `is`
    TOKEN = 0


_UNSEEN: Final = _Unseen.TOKEN
_COUNTED = 16
"""Items of a list above which their line numbers are counted all at once (a short list's, each
when it is read)."""
_PLAIN = re.compile(r" [^#\s]")
"""What follows a sequence item's dash when its content starts on the dash's line, plainly."""


class _Node:
    """A resolved node: its place, its block of lines, and what of its children was read.

    A block is a run of whole lines, given by offsets in the text: ``start`` is where its first
    line starts, ``end`` where the line after its last starts (one past the text's end for a
    block that ends with the text)."""

    __slots__ = ("children", "col", "column", "end", "items", "line", "row", "rows", "start", "value")

    def __init__(  # noqa: PLR0917 - made a quarter of a million times: positional is cheaper
        self, line: int, column: int, value: int, row: int, start: int, end: int, col: int
    ) -> None:
        self.line = line
        """1-based line of the node (of its key, or of its item's dash)."""
        self.column = column
        """1-based column of the node's key (or of its item's content)."""
        self.value = value
        """1-based column of its value on that line."""
        self.row = row
        """0-based number of the block's first line."""
        self.start = start
        self.end = end
        self.col = col
        """Column (0-based) of the node's keys or item dashes."""
        self.children: dict[str | int, _Node | None] = {}
        self.items: list[int] | _Unseen | None = _UNSEEN
        """Where the lines of its sequence's items start, once read (None: not followed)."""
        self.rows: list[int] | None = None
        """The 0-based numbers of those lines, for a long list."""


@dataclass(slots=True)
class _Last:
    """The item of a top-level list read last (its line, block start and end), and the last
    key read in it that holds a list."""

    top: _Node | None = None
    index: int = -1
    block: tuple[int, int, int] | None = None
    key: str | None = None
    items: _Node | None = None


class BlockLocator:
    """Resolves paths in block-style YAML text; :meth:`locate` returns None when unsure."""

    def __init__(self, text: str, expected: ExpectedLength) -> None:
        self.text = text
        self.expected = expected
        self._root = _Node(1, 1, 1, 0, 0, len(text) + 1, 0)
        self._last = _Last()

    def forget(self) -> None:
        """Forget what was read below the top-level keys and their sequences' items (finding
        where the services end is a search of the whole text): a reader given a long list of
        paths a part at a time holds no more than one part's."""
        for node in self._root.children.values():
            if node is not None:
                node.children.clear()
        self._last = _Last()

    def locate(self, path: YamlPath) -> Position | None:
        """The position of ``path``, or None when this text is not plain block style there."""
        return self.locate_all([path], nearest=False)[0].get(path)

    def locate_all(
        self, paths: list[YamlPath], nearest: bool
    ) -> tuple[dict[YamlPath, Position | None], list[YamlPath]]:
        """The positions of ``paths`` (each path's nearest resolved ancestor's when ``nearest``),
        and the paths left unresolved."""
        placed = list(zip(paths, self.place_all(paths, nearest), strict=True))
        return {p: at for p, at in placed if at is not None}, [p for p, at in placed if at is None]

    def place_all(self, paths: Sequence[YamlPath], nearest: bool) -> list[Position | None]:
        """The position of each of ``paths`` (its nearest resolved ancestor's when ``nearest``;
        None when not resolved, and not ``nearest``), in their order.

        A path in an item of a top-level list already read (a service, or a key of it, or an
        item of a list there: what an audit's findings point at) is resolved from the list's
        item starts (:meth:`_in_item`); any other, or one that is not found so, is walked from
        the top, each node read once however many paths pass through it (its children are
        kept). A path's own last node is only placed, not kept."""
        out: list[Position | None] = []
        add = out.append
        root = self._root
        tops = root.children
        in_item = self._in_item
        for path in paths:
            if 1 < len(path) < 5:  # a service, its key, an item of its list
                top = tops.get(path[0])
                if top is not None:
                    placed = in_item(top, path)
                    if placed is not None:
                        add(placed)
                        continue
            node = root
            last = len(path) - 1
            depth = 0
            placed = None
            for part in path:
                children = node.children
                child = children.get(part, _UNSEEN)
                if child is _UNSEEN:
                    if depth == last:  # the path's own node: its place is all that is wanted
                        placed = (
                            self._key_place(node.col, node.start, node.end, node.row, part)
                            if isinstance(part, str)
                            else self._item_place(node, path)
                        )
                        if placed is not None:
                            break
                        child = children[part] = None
                    else:
                        child = children[part] = (
                            self._key(node.col, node.start, node.end, node.row, part)
                            if isinstance(part, str)
                            else self._item(node, path, depth)
                        )
                if child is None:
                    break
                node = child
                depth += 1
            if placed is not None:
                add(placed)
            elif depth > last or nearest:
                add(_position(node.line, node.column, node.value))
            else:
                add(None)
        return out

    def _in_item(self, top: _Node, path: YamlPath) -> Position | None:
        """The position of ``path`` (two to four parts long) under item ``path[1]`` of the
        top-level list ``top`` whose items are read, when it is found as the walk of
        :meth:`locate_all` would find it; None for the walk to say (not found, or not this
        shape). The item is not built: its block is read from the list's item starts. The last
        item read, and the last list read in it, are kept for the paths that follow (an audit's
        findings come a service at a time)."""
        last = self._last
        index = path[1]
        if last.top is not top or last.index != index:
            items = top.items
            if not isinstance(index, int) or not isinstance(items, list) or not 0 <= index < len(items):
                return None
            last.top, last.index, last.key, last.items = top, index, None, None
            last.block = self._item_block(top, index)
        found = last.block
        if found is None:
            return None
        row, start, end = found
        col = top.col + 2
        length = len(path)
        if length == 2:  # the item itself
            return _position(row + 1, col + 1, col + 1)
        key = path[2]
        if not isinstance(key, str):
            return None
        if length == 3:  # a key of the item
            return self._key_place(col, start, end, row, key)
        if not isinstance(path[3], int):
            return None
        if last.key != key:
            last.key, last.items = key, self._key(col, start, end, row, key)
        node = last.items
        return None if node is None else self._item_place(node, path)

    def _key(self, col: int, first: int, end: int, row: int, key: str) -> _Node | None:
        """The node of ``key`` in the block at column ``col`` from ``first`` to ``end`` whose
        first line is line ``row`` (see :meth:`_key_line`)."""
        found = self._key_line(col, first, end, row, key)
        if found is None:
            return None
        row, start, after, value = found
        if self._leaf(start + value, after):
            return _Node(row + 1, col + 1, value + 1, row, start, after, value)
        last = self._block_end(after, end, col)
        return _Node(row + 1, col + 1, col + 1, row + 1, after, last, self._column_in(after, last, col + 2))

    def _key_place(self, col: int, first: int, end: int, row: int, key: str) -> Position | None:
        """The position of ``key`` in a block, as :meth:`_key`'s node would have it."""
        found = self._key_line(col, first, end, row, key)
        if found is None:
            return None
        row, start, after, value = found
        return _position(row + 1, col + 1, value + 1 if self._leaf(start + value, after) else col + 1)

    def _key_line(
        self, col: int, first: int, end: int, row: int, key: str
    ) -> tuple[int, int, int, int] | None:
        """Where ``key`` is in a block: on the block's first line (the first key of a sequence
        item shares the dash's line, "- key: value"), or on the first line indented exactly to
        the block's column that starts with ``key`` (found by one search of the text, not line
        by line). Its line's number, where it and the next line start, and the column (0-based)
        where its value starts when it is on the same line."""
        if first >= end:
            return None
        text = self.text
        if text.startswith(key, first + col):  # a cheap filter before the exact checks
            second = text.find("\n", first) + 1 or len(text) + 1  # where the block's second line starts
            line = text[first : second - 1]
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped) if stripped and stripped[0] != "#" else -1
            if indent == col or (indent != -1 and line[col - 2 : col] == "- "):
                match = _KEY.match(line, col)
                if match is not None and match.group(1) == key:
                    return row, first, second, match.end()
        pattern = _KEYS.get((col, key))
        if pattern is None:
            pattern = _KEYS[col, key] = _key_pattern(col, key)
        # from the block's first line: the first newline is the one before its second line
        found = pattern.search(text, first, end - 1)
        if found is None:
            return None
        at = found.start()
        value = found.end()  # after the colon and the space after it
        after = text.find("\n", value) + 1 or len(text) + 1
        return row + text.count("\n", first, at + 1), at + 1, after, value - at - 1

    def _leaf(self, value: int, after: int) -> bool:
        """Whether a key's value starts on its own line (from ``value`` to the next line, at
        ``after``): anything but a comment."""
        return bool(self.text[value : after - 1].split(" #", 1)[0].strip())

    def _column_in(self, start: int, end: int, otherwise: int) -> int:
        """The indentation of the first line from ``start`` to ``end`` that is not blank nor a
        comment (``otherwise`` when there is none)."""
        text = self.text
        while start < end:
            after = text.find("\n", start) + 1 or len(text) + 1
            line = text[start : after - 1]
            stripped = line.lstrip(" ")
            if stripped and stripped[0] != "#":
                return len(line) - len(stripped)
            start = after
        return otherwise

    def _item(self, node: _Node, path: YamlPath, depth: int) -> _Node | None:
        """The node of item ``path[depth]`` of the sequence ``node`` (at ``path[:depth]``)."""
        index = path[depth]
        assert isinstance(index, int)
        found = self._item_block(node, index) if self._items(node, path, depth) else None
        if found is None:
            return None
        row, start, end = found
        col = node.col
        return _Node(row + 1, col + 3, col + 3, row, start, end, col + 2)

    def _item_place(self, node: _Node, path: YamlPath) -> Position | None:
        """The position of the path's last part, an item of the sequence ``node``."""
        index = path[-1]
        assert isinstance(index, int)
        items = node.items
        if items is _UNSEEN:
            self._items(node, path, len(path) - 1)
            items = node.items
        if not isinstance(items, list) or index >= len(items):
            return None
        row = self._item_row(node, items, index)
        if row is None:
            return None
        column = node.col + 3
        return _position(row + 1, column, column)

    def _items(self, node: _Node, path: YamlPath, depth: int) -> bool:
        """Whether the items of the sequence ``node`` (at ``path[:depth]``) are read as the
        loaded plan has them (read on first use)."""
        items = node.items
        if items is _UNSEEN:
            items = self._dashes(node)
            expected = self.expected(path[:depth])
            if expected is None or len(items) != expected:
                items = None  # flow style, or something this reader does not follow: give up here
            node.items = items
        return items is not None

    def _item_block(self, node: _Node, index: int) -> tuple[int, int, int] | None:
        """Where item ``index`` of the sequence ``node``, whose items are read, is: its line's
        number, where its block starts and ends; None when there is no such item, or its
        content does not start on its dash's line."""
        items = node.items
        assert isinstance(items, list)
        if index >= len(items):
            return None
        row = self._item_row(node, items, index)
        if row is None:
            return None
        return row, items[index], items[index + 1] if index + 1 < len(items) else node.end

    def _item_row(self, node: _Node, items: list[int], index: int) -> int | None:
        """The number of the line of item ``index`` (one of ``items``, which starts its line),
        or None when its content does not start on its dash's line."""
        start = items[index]
        text = self.text
        after = start + node.col + 2  # after "- "
        if _PLAIN.match(text, after - 1) is None:  # not "- x": "-  x", "- # note", "-" alone
            stop = text.find("\n", start)  # the line's end
            if stop < 0:
                stop = len(text)
            if not text[after - 1 : stop].split(" #", 1)[0].strip():
                return None  # the item starts on a later line ("-" alone): where, the exact scan says
        rows = node.rows
        return rows[index] if rows is not None else node.row + text.count("\n", node.start, start)

    def _dashes(self, block: _Node) -> list[int]:
        """Where the lines of ``block`` that start a sequence item at its column start ("- x",
        or "-" alone), found by one search of the block's part of the text. A long list's line
        numbers are counted once, into ``block.rows`` (a short one's when an item is read)."""
        col = block.col
        pattern = _DASHES.get(col)
        if pattern is None:
            pattern = _DASHES[col] = re.compile("\n" + " " * col + "-(?=[ \n]|$)")
        text = self.text
        first, stop = block.start, block.end - 1
        out = [found.start() + 1 for found in pattern.finditer(text, max(first - 1, 0), stop)]
        dash = " " * col + "-"  # on the text's first line, which has no newline before it:
        if first == 0 and col < stop and text.startswith(dash) and text[col + 1 : col + 2] in " \n":
            out.insert(0, 0)
        if len(out) > _COUNTED:
            # each line's number: the newlines between one item and the next, counted and summed in C
            counts = map(text.count, repeat("\n"), chain((first,), out), out)
            block.rows = list(accumulate(counts, initial=block.row))[1:]
        return out

    def _block_end(self, first: int, last: int, col: int) -> int:
        """Where the first line from ``first`` (before ``last``) that ends the value of a key at
        ``col`` starts: blank and comment lines, deeper lines, and items of a sequence at this
        column ("key:\\n- a") all belong to the value; found by one search of the text for the
        newline before it (a search for a line's start, "^", would try every character)."""
        if first >= last:
            return first
        pattern = _ENDS.get(col)
        if pattern is None:
            shallower = f" {{0,{col - 1}}}[^ #\\n]|" if col > 0 else ""
            pattern = _ENDS[col] = re.compile(f"\\n(?:{shallower} {{{col}}}(?!- |-$)[^ #\\n])", re.MULTILINE)
        found = pattern.search(self.text, first - 1, last - 1)
        return last if found is None else found.start() + 1


def _position(line: int, column: int, value: int) -> Position:
    """A node's position (built as a plain tuple is: ``Position(...)`` checks its arguments by
    name and costs twice as much, a third of a million times)."""
    return _tuple(Position, (line, column, line, value))


_tuple = tuple.__new__


def _key_pattern(col: int, key: str) -> re.Pattern[str]:
    """The newline before a line that holds ``key`` at column ``col``: what :data:`_KEY`
    matches there, on that line alone (never a line of a key it cannot read)."""
    if _NAME.fullmatch(key) is None:
        return re.compile(r"(?!)")
    return re.compile("\n" + " " * col + re.escape(key) + r"(?![\w.-])[^\S\n]*:(?:[^\S\n]|$)", re.MULTILINE)
