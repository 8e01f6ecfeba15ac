"""Reading an import file (a Compose file, a Backstage catalog) with PyYAML: bounded, UTF-8, no
alias bomb, and each way PyYAML can fail said as one problem at its line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from planner.errors import PlanError, Problem
from planner.planfile.source import read_bounded, refuse_alias_bombs

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def read_import_text(path: Path, what: str) -> str:
    """The text of ``path`` (``what`` it is, for messages): up to the read limit, UTF-8, and
    refused when its aliases would expand it past that limit.

    Raises
    ------
    PlanError
        Naming the file and what is wrong with it.
    """
    try:
        text = read_bounded(path, what).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError([Problem(f"cannot read {path}: {exc}", file=str(path))]) from None
    refuse_alias_bombs(text, str(path))
    return text


@contextmanager
def yaml_errors(text: str, name: str) -> Iterator[None]:
    """PyYAML parsing ``text`` inside: a failure becomes one problem at its line (nesting too
    deep for the parser included)."""
    try:
        yield
    except RecursionError:
        problem = Problem("not valid YAML here: nested too deeply to read", file=name, line=1)
        raise PlanError([problem]) from None
    except yaml.YAMLError as exc:
        raise PlanError([yaml_problem(exc, text, name)]) from None


def yaml_problem(exc: yaml.YAMLError, text: str, name: str) -> Problem:
    """PyYAML's error as one line at its line: its messages span several lines (``while
    scanning...``, ``in "<unicode string>", position 0``), and a reader error has a position
    instead of a mark."""
    line = 1
    if isinstance(exc, yaml.MarkedYAMLError):
        mark, problem = exc.problem_mark, str(exc.problem or exc.context or exc)
        line = mark.line + 1 if mark is not None else 1
    elif isinstance(exc, yaml.reader.ReaderError):
        problem = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        line = text.count("\n", 0, exc.position) + 1
    else:
        problem = str(exc)
    return Problem("not valid YAML: " + " ".join(problem.split()), file=name, line=line)


def refuse_surrogates(text: str, data: Any, name: str) -> None:
    """Refuse a ``"\\ud83d\\ude00"`` escape: PyYAML reads each half as a character of its own, a
    text no file can hold (the plan written would fail). One regular expression clears most files.

    Raises
    ------
    PlanError
        At the first such escape.
    """
    match = _SURROGATE_ESCAPE.search(text)
    if match is None:
        return
    try:
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        problem = Problem(
            f"'{match.group()}' is half of a UTF-16 surrogate pair, which YAML does not combine; "
            "write the character itself, or one \\U escape (\\U0001F600)",
            file=name,
            line=text.count("\n", 0, match.start()) + 1,
        )
        raise PlanError([problem]) from None


def kind_of(value: object) -> str:
    """What a value is, in words (``a number``, ``text``), for a message."""
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
