"""Generated plans are emitted through a YAML library (ruamel.yaml), never assembled from strings.

An imported value is untrusted: a Compose ``image`` holding a newline once wrote its own
``verify:`` into the plan. Here every value is a node the library quotes as it needs, and every
comment (which names files, images and references from the source) is one line with its control
characters written out (:func:`planner.style.visible`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from planner.style import visible


def round_trip_yaml() -> YAML:
    """The project's plan layout (two-space mappings, list items indented under their key) for
    ruamel.yaml's round-trip mode: generated plans and merged ones look alike."""
    y = YAML(typ="rt")
    y.width = 4096  # one value, one line: long commands stay greppable
    y.indent(mapping=2, sequence=4, offset=2)
    return y


_BREAKS = re.compile("[\x85\u2028\u2029]")


def _scalar(value: Any) -> Any:
    """Text holding a NEL or a Unicode line separator, double-quoted: ruamel.yaml folds them
    like newlines in plain and single-quoted scalars, and the value would not read back."""
    if isinstance(value, str) and _BREAKS.search(value):
        return DoubleQuotedScalarString(value)
    return value


def mapping(*pairs: tuple[str, Any]) -> CommentedMap:
    """A mapping of the pairs given, in order, leaving out those whose value is None."""
    out = CommentedMap()
    for key, value in pairs:
        if value is not None:
            out[key] = _scalar(value)
    return out


def sequence(items: Iterable[Any]) -> CommentedSeq:
    """A block sequence of ``items``."""
    return CommentedSeq(_scalar(item) for item in items)


def flow(items: Iterable[Any]) -> CommentedSeq:
    """A sequence written on one line (``[a, b]``)."""
    out = sequence(items)
    out.fa.set_flow_style()
    return out


def note(
    node: CommentedMap | CommentedSeq, key: Any, text: str, below: Sequence[str] = (), indent: int = 4
) -> None:
    """A comment at the end of ``key``'s line (an index for a sequence), and comment lines
    ``below`` it at ``indent`` (``# rto: TODO``, for a person to fill in)."""
    lines = "".join(f"\n{' ' * indent}# {visible(line)}" for line in below)
    # The public yaml_add_eol_comment aligns a comment with the one above it, which presses it
    # against a longer value (`verify: cmd # note`); a token at column 0 that brings its own
    # space gets the usual two.
    token = CommentToken(f" # {visible(text)}{lines}", CommentMark(0), None)
    node._yaml_add_eol_comment([token, None], key=key)


def document(header: Sequence[str], body: CommentedMap) -> str:
    """The YAML text of ``body`` under the ``header`` comment lines."""
    body.yaml_set_start_comment("\n".join(visible(line) for line in header))
    out = io.StringIO()
    round_trip_yaml().dump(body, out)
    return out.getvalue()
