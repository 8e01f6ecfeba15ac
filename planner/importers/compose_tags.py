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


class RecursiveAliasError(yaml.composer.ComposerError):
    """An alias inside the very node its anchor names (``a: &a {<<: *a}``, ``x: &l [*l]``)."""


class ComposeLoader(yaml.SafeLoader):
    """PyYAML's safe loader that also reads ``!reset`` and ``!override``, and refuses a recursive
    alias as docker compose does: PyYAML builds such a node into a cycle, which every walk over
    the document then follows for ever."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.open_anchors: set[str] = set()
        """Anchors of the collections being composed: an alias to one of them is recursive."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """PyYAML's ``compose_node``, refusing an alias to a collection not yet closed."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open_anchors:
                raise RecursiveAliasError(
                    None,
                    None,
                    f"the alias *{event.anchor} stands for a node it is inside (&{event.anchor}), "
                    "a recursive alias, which docker compose refuses too: write the values out",
                    event.start_mark,  # type: ignore[arg-type]
                )
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        if anchor is None or isinstance(event, yaml.ScalarEvent):
            return super().compose_node(parent, index)
        self.open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self.open_anchors.discard(anchor)


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


__all__ = ["RESET", "ComposeLoader", "Override", "RecursiveAliasError", "Reset", "plain"]
