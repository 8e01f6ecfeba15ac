"""Find where YAML paths stand in a document, for error messages with line and column.

The fast parsers used for loading (``yaml_rs``, ``json``) give plain data without positions. When a
plan has problems, this module makes one streaming pass over the parser *events* of PyYAML's C
parser (no node tree is built) and records the positions of just the paths that need them. It
runs only on the error path, so a valid plan never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from planner.errors import YamlPath

if TYPE_CHECKING:
    import yaml


class Position(NamedTuple):
    """1-based line and column of a key and of its value (a tuple: an audit makes a third of a
    million of them, and a frozen dataclass costs five times as much to build)."""

    line: int
    column: int
    value_line: int
    value_column: int


@dataclass
class ScanResult:
    """What one pass over a document found."""

    positions: dict[YamlPath, Position] = field(default_factory=dict)
    """Position of each requested path that exists in the document."""
    duplicates: list[tuple[YamlPath, int, int]] = field(default_factory=list)
    """Each repeated mapping key: its path, line and column."""
    documents: list[int] = field(default_factory=list)
    """The line where each YAML document of the stream starts."""


@dataclass
class _Frame:
    path: YamlPath
    is_map: bool
    index: int = 0
    key: str | int | None = None
    expecting_key: bool = True
    seen: set[object] = field(default_factory=set)


def scan(  # long: one pass over the parser's events, a case per kind of event
    text: str, targets: set[YamlPath], *, duplicates: bool = False
) -> ScanResult:
    """Locate ``targets`` in ``text`` and, optionally, find repeated mapping keys.

    Parameters
    ----------
    text
        The YAML (or JSON) document.
    targets
        Paths to locate, e.g. ``("services", 3, "owner")``.
    duplicates
        Also report repeated keys; this needs the whole document, so it disables the early exit.

    Returns
    -------
    ScanResult
        Positions found. A path absent from the document is absent from the result; if the text
        stops being parseable, what was found up to that point is returned.

    Examples
    --------
    >>> scan("a:\\n  - x\\n  - y\\n", {("a", 1)}).positions[("a", 1)].value_line
    3
    """
    import yaml  # here, not at the top: only plans with problems get this far (saves 25 ms)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    result = ScanResult()
    pending = set(targets)
    key_marks: dict[YamlPath, tuple[int, int]] = {}
    stack: list[_Frame] = []
    try:
        for event in yaml.parse(text, Loader=loader):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                start = event.start_mark
                result.documents.append(start.line + 1 if start is not None else 1)
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                _advance(stack)
                continue
            mark = event.start_mark
            assert mark is not None  # the C and pure parsers always set marks on node events
            top = stack[-1] if stack else None
            if top is not None and top.is_map and top.expecting_key:
                _read_key(event, top, stack, key_marks, result if duplicates else None)
                continue
            if top is None:
                path: YamlPath = ()
            elif top.is_map:
                path = (*top.path, top.key if top.key is not None else "<key>")
            else:
                path = (*top.path, top.index)
            if path in pending:
                key_line, key_col = key_marks.get(path, (mark.line + 1, mark.column + 1))
                result.positions[path] = Position(key_line, key_col, mark.line + 1, mark.column + 1)
                pending.discard(path)
                if not pending and not duplicates:
                    break
            if kind is yaml.MappingStartEvent:
                stack.append(_Frame(path=path, is_map=True))
            elif kind is yaml.SequenceStartEvent:
                stack.append(_Frame(path=path, is_map=False))
            else:
                _advance(stack)
    except yaml.YAMLError:
        pass
    return result


def _read_key(
    event: yaml.Event,
    top: _Frame,
    stack: list[_Frame],
    key_marks: dict[YamlPath, tuple[int, int]],
    result: ScanResult | None,
) -> None:
    """Take ``event`` as the next key of the mapping ``top``."""
    import yaml  # loaded by scan() already: a dictionary lookup

    mark = event.start_mark
    assert mark is not None
    key: str | int = event.value if isinstance(event, yaml.ScalarEvent) else f"<complex key {mark.line + 1}>"
    if result is not None and key in top.seen:
        result.duplicates.append(((*top.path, key), mark.line + 1, mark.column + 1))
    top.seen.add(key)
    top.key = key
    top.expecting_key = False
    key_marks[(*top.path, key)] = (mark.line + 1, mark.column + 1)
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        stack.append(_Frame(path=(*top.path, key, "<key>"), is_map=False))


def _advance(stack: list[_Frame]) -> None:
    if not stack:
        return
    top = stack[-1]
    if top.is_map:
        top.expecting_key = True
        top.key = None
    else:
        top.index += 1
