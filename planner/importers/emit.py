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
from datetime import date, time
from typing import Any

import yaml
import yaml_rs
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from planner.planfile.writeback import round_trip_yaml
from planner.style import visible

_BREAKS = re.compile("[\x85\u2028\u2029]")
_TYPED_START = frozenset("0123456789+-.~nNtTfFyYoO<=")
"""First characters of the plain scalars some YAML reader takes for a number, a boolean, null,
a date or a time (YAML 1.1's ``yes``/``on``/``1:20``/``010``, YAML 1.2's ``0o17``, timestamps)."""


def _typed(text: str) -> bool:
    """True when ``text`` written plain would be read as something other than text by a YAML 1.1
    reader (PyYAML's resolver) or one that reads times and dates (yaml_rs): ruamel.yaml, a YAML
    1.2 writer, left ``yes``, ``1:20`` and ``12:30:45`` plain.

    Examples
    --------
    >>> [_typed(t) for t in ("yes", "12:30:45", "2020-01-01 10:00", "0x1f", "web-1", "")]
    [True, True, True, True, False, True]
    """
    if not text or text in _YES_NO:
        return True
    if text[0] not in _TYPED_START:
        return False
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag != "tag:yaml.org,2002:str":
        return True
    try:
        value = yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 - not a scalar at all: ruamel.yaml quotes it as it needs
        return False
    return value is None or isinstance(value, (bool, int, float, date, time))


_RESOLVER = yaml.resolver.Resolver()
_YES_NO = frozenset("yYnN")
"""YAML 1.1's one-letter booleans, which PyYAML's resolver leaves out."""


def _scalar(value: Any) -> Any:
    """Text holding a NEL or a Unicode line separator, double-quoted: ruamel.yaml folds them
    like newlines in plain and single-quoted scalars, and the value would not read back. Text
    that a YAML reader would take for another type (:func:`_typed`), quoted."""
    if isinstance(value, str) and _BREAKS.search(value):
        return DoubleQuotedScalarString(value)
    if isinstance(value, str) and _typed(value):
        return SingleQuotedScalarString(value)
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
