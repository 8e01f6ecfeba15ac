"""What the parts of the recovery screen share. Each part (:mod:`~planner.tui.restore_keys`,
:mod:`~planner.tui.check_runner`, :mod:`~planner.tui.incident_keys`, :mod:`~planner.tui.finder`)
is a :class:`Part`: a container whose keys (``BINDINGS``) sit beside their ``action_*`` handlers
and work wherever the focus is inside it. A part acts through the :class:`Desk` it is given (the
recovery screen), never through hooks of a parent class."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual.containers import Vertical
from textual.widget import Widget

from planner.tui import safe

if TYPE_CHECKING:
    from planner.tracking.domain.actions import Action
    from planner.tracking.domain.state import MemoryView
    from planner.tracking.reports.progress import Projection
    from planner.tracking.session import Session


class Desk(Protocol):
    """The recovery screen, as its parts see it: the incident, the selection, and the one way
    to record an action (through the store's guard)."""

    session: Session
    clock: Callable[[], datetime]
    projection: Projection | None
    """The last projected finish (None until the first is worked out)."""

    @property
    def state(self) -> MemoryView:
        """The fold of the journal (the session's mirror)."""
        ...

    def need_service(self) -> str | None:
        """The selected service, or a warning that none is."""
        ...

    def send(self, action: Action, done: str) -> None:
        """Record ``action`` through the store's guard, off the UI thread (``done`` is said when
        it is worth a word); a refusal is shown with its reason."""
        ...

    async def attempt(self, action: Action, done: str) -> str | None:
        """:meth:`send` and wait for the outcome: None once recorded, else why it was not."""
        ...

    def refuse(self, why: str, title: str = "Refused") -> None:
        """Say why an action was not recorded (until the next action succeeds)."""
        ...

    def refuse_offline(self) -> bool:
        """While the store is offline, say so and return True: nothing can be recorded."""
        ...


class Part(Vertical):
    """A part of the recovery screen: its keys and their handlers, acting through ``desk``."""

    COMMANDS: ClassVar[list[tuple[str, str, str]]] = []
    """Palette entries without a key of their own: (action, title, help)."""

    def __init__(self, desk: Desk, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.desk = desk


WORK = {
    "poll": "Other terminals' actions are not being read",
    "projection": "The projected finish is not being updated",
    "act": "The action may not be recorded (the journal shows what was)",
}
"""What stops working when a background job of each group fails."""


def report_failed_work(node: Widget, group: str, error: BaseException | None, **kwargs: Any) -> None:
    """Say that background work failed (it is a bug), instead of letting it die silently."""
    what = WORK.get(group, "Background work failed")
    node.notify(
        safe.block(f"{what}: {type(error).__name__}: {error}. This is a bug; please report it."),
        title="Internal error",
        severity="error",
        **kwargs,
    )
