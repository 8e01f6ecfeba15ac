"""Changing a plan file in place, as a person would: comments, key order and layout kept.

Commands that write what they learned back into the plan (an exercise's date and score, estimates
tuned from measured restores) edit it here as a round-trip document (ruamel.yaml) and get the new
text back; the command shows or writes it (``planner.cli.outfiles.write_file``: whole or not at
all). The result is validated before it is returned: a write-back never leaves a broken plan.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from planner.errors import PlannerError
from planner.planfile.source import Source, read_bounded
from planner.style import visible


def round_trip_yaml() -> YAML:
    """The project's plan layout (two-space mappings, list items indented under their key) for
    ruamel.yaml's round-trip mode: generated, merged and edited plans look alike."""
    y = YAML(typ="rt")
    y.width = 4096  # one value, one line: long commands stay greppable
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def edit_text(text: str, name: str, change: Callable[[CommentedMap], Any]) -> str:
    """``text`` (a YAML plan named ``name``) after ``change`` has edited its top-level mapping.

    Raises
    ------
    PlannerError
        When the text is not a YAML mapping, or the edited plan no longer validates.
    """
    from planner.planfile.loader import load_source

    y = round_trip_yaml()
    y.preserve_quotes = True  # "+1 555 0101" stays quoted as the person wrote it
    try:
        document = y.load(text)
    except YAMLError as exc:
        raise PlannerError(f"cannot edit {visible(name)}: {exc}") from None
    if not isinstance(document, CommentedMap):
        raise PlannerError(f"cannot edit {visible(name)}: a plan is a YAML mapping at the top level")
    change(document)
    out = io.StringIO()
    y.dump(document, out)
    edited = out.getvalue()
    load_source(Source(name, edited, "yaml")).require_valid()
    return edited


def edit_plan(path: Path, change: Callable[[CommentedMap], Any]) -> tuple[str, str]:
    """The plan at ``path`` before and after ``change``; nothing is written here.

    Only YAML plans are edited (a JSON plan would come back as YAML): a ``.json`` plan is refused
    with a clear message.
    """
    if path.suffix.lower() == ".json":
        raise PlannerError(f"cannot edit {visible(str(path))} in place: write-back keeps YAML plans only")
    try:
        before = read_bounded(path, "a plan file").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlannerError(f"cannot read {visible(str(path))}: {exc}") from None
    return before, edit_text(before, str(path), change)


def unified_diff(before: str, after: str, name: str) -> str:
    """What a write-back changes, as ``diff -u`` shows it (empty when nothing changes)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(lines)
