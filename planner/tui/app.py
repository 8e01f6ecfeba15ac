"""``planner track``: the screen an incident commander and the responders keep open for the whole
recovery. The app opens the incident (offering to resume an open one) and shows the
:class:`~planner.tui.recovery.RecoveryScreen`; every action goes through the tracking core's
guards and journal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES
from textual.widget import Widget

from planner.tracking.domain.state import MemoryView
from planner.tracking.session import Session, utc_now
from planner.tui.dialogs import PickScreen
from planner.tui.projector import Projector
from planner.tui.recovery import RecoveryScreen

THEME = replace(
    BUILTIN_THEMES["textual-dark"],
    name="planner-dark",
    variables={"block-cursor-background": "#01579B", "block-cursor-blurred-background": "#01579B 60%"},
)
"""Textual's dark theme with a darker selection bar, so its text meets 4.5:1 contrast (the others
may be picked from the palette)."""

Starter = Callable[[], str]
"""Starts a new incident and returns its id (when the user declines to resume one)."""


class TrackApp(App[None]):
    """The live recovery of one incident."""

    CSS_PATH = "track.tcss"
    TITLE = "planner track"

    def __init__(
        self,
        session: Session,
        *,
        clock: Callable[[], datetime] = utc_now,
        resume_offer: list[tuple[str, str]] | None = None,
        starter: Starter | None = None,
        poll: bool = True,
        plan_path: str | None = None,
        projector: Projector | None = None,
    ) -> None:
        super().__init__()
        self.projector = projector or Projector()
        """The projection's child process (see :mod:`planner.tui.projector`; the screen starts it
        for a large incident), ended with the app."""
        self.session = session
        self.plan_path = plan_path
        """The plan file as the person named it (for the resume hint; None: unknown)."""
        self.clock = clock
        self.resume_offer = resume_offer
        self.starter = starter
        self.polling = poll

    @property
    def state(self) -> MemoryView:
        """The fold of the journal (the session's mirror)."""
        assert self.session.state is not None, "loaded when the recovery screen mounts"
        return self.session.state

    def _recovery(self) -> RecoveryScreen:
        return RecoveryScreen(
            self.session, self.clock, poll=self.polling, plan_path=self.plan_path, projector=self.projector
        )

    def on_mount(self) -> None:
        self.register_theme(THEME)
        self.theme = THEME.name
        if self.resume_offer:
            self._resume()
        else:
            self.push_screen(self._recovery())

    def on_unmount(self) -> None:
        self.projector.close()

    @work(exclusive=True, group="open")
    async def _resume(self) -> None:
        """Ask which incident to show when one is open already, then show its recovery."""
        choices = [*(self.resume_offer or []), ("new", "Start a new incident")]
        answer = await self.push_screen_wait(
            PickScreen(
                "An incident on this plan is still open",
                choices,
                "Resume it, or start a new one (the open one stays in the store).",
            )
        )
        if answer == "new" and self.starter is not None:
            self.session.incident = self.starter()
        elif answer and answer != "new":
            self.session.incident = answer
        await self.push_screen(self._recovery())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, RecoveryScreen):
            return
        for node, action, title, help_text in screen.palette():

            def run(node: Widget = node, action: str = action) -> None:
                self.call_later(node.run_action, action)

            yield SystemCommand(title, help_text, run)
