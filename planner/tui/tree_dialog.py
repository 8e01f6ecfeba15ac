"""The dependency tree dialog (``g``): a service's impacted dependencies, recursively, with their
states and checks; and what waits on it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Tree

from planner.tracking.domain.state import MemoryView
from planner.tracking.reports.status_text import state_word
from planner.tui.dialogs import Dialog

TREE_NODES = 400
"""The dependency tree stops growing after this many nodes."""


def dependency_tree(state: MemoryView, service: str) -> Tree[str]:
    """``service``'s impacted dependencies (eight deep, :data:`TREE_NODES` at most), then the
    services waiting on it."""

    def label(of: str) -> str:
        return f"{of} ({state_word(state.tasks[of])})"

    tree: Tree[str] = Tree(label(service), data=service)
    budget = [TREE_NODES]

    def grow(node: Any, of: str, depth: int) -> None:
        for check in state.checks(of):
            if budget[0] <= 0:
                node.add_leaf("...")
                return
            budget[0] -= 1
            child = node.add(f"{label(check.dependency)}  check {check.state}", data=check.dependency)
            if depth < 8:
                grow(child, check.dependency, depth + 1)

    grow(tree.root, service, 1)
    waiting = [c.service for c in state.dependents(service)]
    if waiting:
        up = tree.root.add(f"waiting on {service}: {len(waiting)}")
        for other in waiting[:50]:
            up.add_leaf(label(other), data=other)
    return tree


class TreeScreen(Dialog[None]):
    """A service's impacted dependencies, recursively, with their states; and what waits on it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("g,q", "cancel", "Close")]
    KEYS: ClassVar[list[tuple[str, str]]] = [
        ("up/down", "move"),
        ("Enter", "fold/unfold"),
        ("Esc/g", "close"),
    ]

    def __init__(self, tree: Tree[str]) -> None:
        super().__init__("Dependency tree (Escape closes)")
        self.dep_tree = tree

    def compose(self) -> ComposeResult:
        with Vertical(id="tree-dialog"):
            yield self.heading()
            yield self.dep_tree
        yield self.key_bar()

    def on_mount(self) -> None:
        self.dep_tree.root.expand_all()
        self.dep_tree.focus()
