"""Reading a plan file's bytes and parsing them into plain data, with located syntax errors.

YAML goes through ``yaml_rs`` (a YAML 1.2 parser in Rust: ``on``/``no`` stay strings, and it is
about 15x faster than PyYAML's C loader on large plans); JSON through the standard library.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml_rs

from planner.errors import PlanError, Problem, YamlPath
from planner.planfile.aliases import expansion_problem, token_start
from planner.planfile.blocklocate import BlockLocator, ExpectedLength
from planner.planfile.locate import Position, scan

EXACT_SCAN_LIMIT = 2_000_000
"""Characters above which located findings may point at the nearest enclosing node."""
_YAML_RS_POSITION = re.compile(r"line (\d+), column (\d+)")


@dataclass
class Source:
    """A plan document as read: its display name, text and format."""

    name: str
    """The file name as the user gave it (``<stdin>`` for ``-``)."""
    text: str
    """The decoded text."""
    format: Literal["yaml", "json"]
    """Which parser reads it."""
    _positions: dict[YamlPath, Position | None] = field(default_factory=dict, repr=False)

    def locate(
        self, paths: Collection[YamlPath], expected: ExpectedLength | None = None
    ) -> Mapping[YamlPath, Position | None]:
        """Positions of ``paths`` (or of their nearest existing ancestors), one scan for all; the
        mapping returned also holds whatever was located before (it is not copied: an audit asks
        for a third of a million paths).

        With ``expected`` (the length of each list in the loaded document), block-style text is
        read line by line first (:mod:`planner.planfile.blocklocate`), in the order given (paths close
        together in the file, one after the other, are read several times faster than paths in
        hash order); the rest go through the exact scan.
        """
        known = self._positions
        missing = [p for p in dict.fromkeys(paths) if p not in known]
        if missing:
            # the block reader (its lines and caches take twice the text's size, 120 MB at
            # 100,000 services) is dropped on return, before the caller builds its output
            block = None if expected is None else BlockLocator(self.text, expected)
            known.update(self._positions_of(missing, block))
        return MappingProxyType(known)

    def reader(self, expected: ExpectedLength) -> Callable[[Sequence[YamlPath]], list[Position | None]]:
        """A locator for a long list of paths given a part at a time (an audit's findings as
        they are written): one block reader for every part, its caches emptied after each, and
        nothing kept here (:meth:`locate` keeps every position, 175 MB for the 316,000 paths of
        a 100,000-service audit). It gives each path's position in their order (a path given
        twice is read twice: cheaper than making a mapping of a part's paths)."""
        block = BlockLocator(self.text, expected)
        nearest = len(self.text) > EXACT_SCAN_LIMIT

        def read(paths: Sequence[YamlPath]) -> list[Position | None]:
            found = block.place_all(paths, nearest)
            block.forget()
            if nearest or None not in found:
                return found
            exact = self._positions_of([p for p, at in zip(paths, found, strict=True) if at is None], None)
            return [exact[p] if at is None else at for p, at in zip(paths, found, strict=True)]

        return read

    def _positions_of(
        self, missing: list[YamlPath], block: BlockLocator | None
    ) -> dict[YamlPath, Position | None]:
        """The positions of ``missing``: by ``block`` (block-style text read line by line) where
        it can, in the order given (paths close together in the file, one after the other, are
        read several times faster than paths in hash order); the rest by the exact scan."""
        out: dict[YamlPath, Position | None] = {}
        if block is not None:
            # A large document's exact scan costs seconds (30 s at 100,000 services): there, a
            # path the block reader cannot resolve gets its nearest resolvable ancestor instead.
            out, missing = block.locate_all(missing, nearest=len(self.text) > EXACT_SCAN_LIMIT)
        if missing:
            wanted = {p[:i] for p in missing for i in range(len(p) + 1)}
            found = scan(self.text, wanted).positions
            for path in missing:
                out[path] = next(
                    (found[path[:i]] for i in range(len(path), -1, -1) if path[:i] in found), None
                )
        return out


DEFAULT_MAX_INPUT_MB = 128
"""The largest plan or import read, in MB, unless ``PLANNER_MAX_INPUT_MB`` says otherwise (a
100,000-service plan is 55 MB)."""


def max_input_bytes() -> int:
    """The input size cap in bytes (``PLANNER_MAX_INPUT_MB``, default 128)."""
    setting = os.environ.get("PLANNER_MAX_INPUT_MB", "")
    megabytes = int(setting) if setting.isdigit() and int(setting) > 0 else DEFAULT_MAX_INPUT_MB
    return megabytes * 2**20


def read_bounded(path: str | Path, what: str) -> bytes:
    """The bytes of a regular file, or of standard input for ``-``, up to :func:`max_input_bytes`:
    a device (``/dev/zero``), a FIFO, a directory or an endless pipe (``yes | planner validate
    -``) is a clear problem instead of a read that never ends.

    Raises
    ------
    PlanError
        Naming the file and what is wrong with it.
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    cap = max_input_bytes()

    def refuse(message: str) -> PlanError:
        return PlanError([Problem(message, file=name)])

    try:
        if str(path) == "-":
            if sys.stdin is None:  # started with it closed (`planner validate - <&-`)
                raise refuse(f"standard input is closed: nothing to read as {what}")
            data = sys.stdin.buffer.read(cap + 1)
        else:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                raise refuse(f"{name} is a directory, not {what}")
            if not stat.S_ISREG(mode):
                raise refuse(f"{name} is not a regular file (a device, a pipe or a socket), not {what}")
            with open(path, "rb") as stream:
                data = stream.read(cap + 1)
    except FileNotFoundError:
        raise refuse(f"no such file: {name}") from None
    except OSError as exc:
        raise refuse(f"cannot read {name}: {exc.strerror}") from None
    if len(data) > cap:
        raise refuse(
            f"{name} is larger than {cap // 2**20} MB, the most the planner reads "
            "(set PLANNER_MAX_INPUT_MB to read more)"
        )
    return data


def refuse_alias_bombs(text: str, name: str) -> None:
    """Refuse YAML whose aliases expand it past the read limit, before a parser builds it.

    Raises
    ------
    PlanError
        At the alias that crosses the limit.
    """
    problem = expansion_problem(text, name, max_input_bytes())
    if problem is not None:
        raise PlanError([problem])


def read_source(path: str | Path) -> Source:
    """Read a plan from ``path``, or from standard input when ``path`` is ``-``.

    Raises
    ------
    PlanError
        When the file cannot be read, is not UTF-8, or is empty.
    """
    name = "<stdin>" if str(path) == "-" else str(path)
    data = read_bounded(path, "a plan file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise PlanError(
            [
                Problem(
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                    file=name,
                    line=line,
                    column=column,
                )
            ]
        ) from None
    if not text or text.isspace():  # not text.strip(): that copies the whole text
        raise PlanError(
            [Problem("the file is empty; a plan needs at least 'version: 1' and 'name'", file=name, line=1)]
        )
    suffix = Path(name).suffix.lower()
    is_json = suffix == ".json" or (name == "<stdin>" and text.lstrip().startswith("{"))
    return Source(name=name, text=text, format="json" if is_json else "yaml")


def parse(source: Source) -> Any:
    """Parse the document into plain data (dicts, lists, strings, numbers, dates).

    Raises
    ------
    PlanError
        On a syntax error, a repeated key, or several YAML documents in one file.
    """
    if source.format == "json":
        return _parse_json(source)
    return _parse_yaml(source)


def _parse_json(source: Source) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise _DuplicateKeyError(key)
            out[key] = value
        return out

    try:
        return json.loads(source.text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        problem = Problem(f"invalid JSON: {exc.msg}", file=source.name, line=exc.lineno, column=exc.colno)
        raise PlanError([problem]) from None
    except _DuplicateKeyError as exc:
        raise PlanError(_duplicate_problems(source, exc.key)) from None
    except (RecursionError, ValueError) as exc:
        raise PlanError([Problem(f"invalid JSON: {exc}", file=source.name, line=1)]) from None


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _parse_yaml(source: Source) -> Any:
    refuse_alias_bombs(source.text, source.name)
    try:
        # Dates and datetimes stay text here and become dates where the plan's models want one
        # (pydantic parses ISO 8601): yaml_rs's parse_datetime ignores quotes, so a quoted
        # '0001-01-01' (a name, a description written by an import) read back as a date.
        data = yaml_rs.loads(source.text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        message = str(exc)
        if message.startswith("duplicate mapping key"):
            key = message.split(":", 1)[1].strip().strip("'\"")
            raise PlanError(_duplicate_problems(source, key)) from None
        raise PlanError([_yaml_syntax_problem(source, message)]) from None
    except Exception as exc:  # noqa: BLE001 - a third-party parser: any failure is a syntax error
        raise PlanError([Problem(f"cannot parse YAML: {exc}", file=source.name, line=1)]) from None
    tags = _unknown_tags(source)
    if tags:
        raise PlanError(tags)
    if isinstance(data, list):
        starts = scan(source.text, set()).documents
        if len(starts) > 1:
            problem = Problem(
                f"the file holds {len(starts)} YAML documents; a plan is one document "
                "(remove the '---' separator here and split the file)",
                file=source.name,
                line=starts[1],
            )
            raise PlanError([problem])
    if data is None:
        raise PlanError(
            [
                Problem(
                    "the file has no content (only comments); a plan needs 'version: 1' and 'name'",
                    file=source.name,
                    line=1,
                )
            ]
        )
    return data


_CORE_TAGS = frozenset({"str", "int", "float", "bool", "null", "seq", "map"})


def _unknown_tags(source: Source) -> list[Problem]:
    """Tags other than YAML's own (``!!str``, ...): the YAML parser drops them silently, so
    ``owner: !Ref payments`` would read as ``payments``. Refused, each where it stands."""
    # a file without a place where a tag could start has no tags (the common case, decided by
    # one substring search instead of a second parse)
    if not token_start(source.text, "!"):
        return []
    import yaml  # only files that may hold a tag get here (it costs 25 ms to import)

    problems = []
    try:
        for token in yaml.scan(source.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                if handle == "!!" and suffix in _CORE_TAGS:
                    continue
                mark = token.start_mark
                problems.append(
                    Problem(
                        f"YAML tag '{handle or ''}{suffix}' is not supported: a plan is plain YAML "
                        "(remove the tag, or quote the value if the '!' is part of it)",
                        file=source.name,
                        line=mark.line + 1 if mark else 1,
                        column=mark.column + 1 if mark else None,
                    )
                )
    except yaml.YAMLError:
        return problems  # the parser above accepted it; report what was found up to here
    return problems


def _yaml_syntax_problem(source: Source, message: str) -> Problem:
    match = _YAML_RS_POSITION.search(message)
    lines = [ln for ln in message.splitlines() if ln.strip()]
    reason = lines[-1].strip() if lines else message
    if reason.startswith(("|", "^")):
        reason = lines[0]
    if match:
        return Problem(
            f"YAML syntax error: {reason}",
            file=source.name,
            line=int(match.group(1)),
            column=int(match.group(2)),
        )
    return Problem(f"YAML syntax error: {reason}", file=source.name, line=1)


def _duplicate_problems(source: Source, key: str) -> list[Problem]:
    found = scan(source.text, set(), duplicates=True).duplicates
    problems = [
        Problem(
            f"key '{path[-1]}' appears twice in the same mapping; keep one",
            path=path,
            file=source.name,
            line=line,
            column=column,
        )
        for path, line, column in found
    ]
    return problems or [Problem(f"key '{key}' appears twice in the same mapping", file=source.name, line=1)]
