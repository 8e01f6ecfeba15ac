"""Compose's own YAML tags: ``!reset`` (the key goes back to its default, as if a file merged
before had not set it) and ``!override`` (the value replaces the earlier one instead of merging
with it). Both only mean something when files are merged (``-f a -f b``, ``include``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


class Reset:
    """``!reset``: drop the key when merging."""

    def __repr__(self) -> str:
        return "!reset"


RESET = Reset()


@dataclass(frozen=True)
class Override:
    """``!override VALUE``: replace, do not merge."""

    value: Any


class ComposeLoader(yaml.SafeLoader):
    """PyYAML's safe loader that also reads ``!reset`` and ``!override``."""


def _reset(_loader: yaml.SafeLoader, _node: yaml.Node) -> Reset:
    return RESET


def _override(loader: yaml.SafeLoader, node: yaml.Node) -> Override:
    if isinstance(node, yaml.MappingNode):
        return Override(loader.construct_mapping(node, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return Override(loader.construct_sequence(node, deep=True))
    return Override(loader.construct_scalar(node))  # type: ignore[arg-type]


ComposeLoader.add_constructor("!reset", _reset)
ComposeLoader.add_constructor("!override", _override)


def plain(value: Any) -> Any:
    """``value`` without tags (a file read on its own: ``!override`` is its value, ``!reset`` in a
    mapping drops the key)."""
    if isinstance(value, Override):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not isinstance(v, Reset)}
    if isinstance(value, list):
        return [plain(v) for v in value if not isinstance(v, Reset)]
    return value


__all__ = ["RESET", "ComposeLoader", "Override", "Reset", "plain"]
