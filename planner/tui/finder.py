"""Finding what matters on the recovery screen, keys beside their handlers: the ``/`` filter, the
quick filters (ready, late, at risk, one team, restored rows hidden), the sort, jumps to the next
ready or late row, the detail and journal panes full-screen, and the key bar that follows the
focus. The :class:`Finder` holds the task table, the side panes, the filter line and the key bar
(the recovery screen lays them out inside it)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input, Label

from planner.tui import safe
from planner.tui.desk import Part
from planner.tui.table import QUICK, SORTS, RowFilter, TaskTable
from planner.tui.widgets import KeyBar, put

KEYBAR = [
    ("b", "begin"),
    ("c/C", "check"),
    ("v", "verify"),
    ("r", "restored"),
    ("x", "bypass"),
    ("f", "failed"),
    ("z", "undo"),
    ("n", "note"),
    ("u", "update"),
    ("e", "escalate"),
    ("!", "run a check"),
    ("/", "filter"),
    ("1-4", "all/ready/late/risk"),
    ("s", "sort"),
    ("]", "next ready"),
    ("}", "next at risk"),
    ("d/l", "detail/journal"),
    ("q", "quit"),
]
"""The key bar under the table: the action keys first (it keeps as many as fit, then ? and ^p)."""
FILTER_KEYS = [("Enter", "apply"), ("Esc", "clear"), ("team:ID state:NAME", "words")]
"""The key bar while the filter box has the focus."""
PANE_KEYS = [("Esc", "back to the table"), ("up/down", "scroll"), ("d/l", "detail/journal"), ("q", "quit")]
"""The key bar while the detail or journal pane fills the screen."""


class Finder(Part):
    """Which rows the table shows, in what order, and which pane has the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "filter", "Filter", key_display="/", tooltip="Filter by text, team:ID or state:NAME"
        ),
        Binding("1", "quick('all')", "All rows", tooltip="Quick filter off: every row"),
        Binding("2", "quick('ready')", "Ready only", tooltip="Only the rows that can be finished now"),
        Binding("3", "quick('late')", "Late only", tooltip="Only the rows past their RTO"),
        Binding("4", "quick('risk')", "Late or at risk", tooltip="Past their RTO, or projected to miss it"),
        Binding("t", "team", "This team only", tooltip="Only the selected service's owner team (again: all)"),
        Binding("H", "hide_restored", "Hide restored", tooltip="Hide or show the restored rows"),
        Binding("s", "sort", "Sort", tooltip="Sort by wave, by RTO left (nearest first), by team"),
        Binding("right_square_bracket", "jump('ready', 1)", "Next ready", key_display="]"),
        Binding("left_square_bracket", "jump('ready', -1)", "Previous ready", key_display="["),
        Binding("right_curly_bracket", "jump('urgent', 1)", "Next late/at risk", key_display="}"),
        Binding("left_curly_bracket", "jump('urgent', -1)", "Previous late/at risk", key_display="{"),
        Binding("d", "full('detail')", "Detail", tooltip="The selected service full-screen (again: back)"),
        Binding(
            "l", "full('journal')", "Journal", tooltip="The journal full-screen, to scroll back (again: back)"
        ),
        Binding(
            "escape", "escape", "Back", show=False, tooltip="Clear the filter, or leave a full-screen pane"
        ),
    ]

    def _on_screen(self) -> bool:
        """False while the app is shutting down (timers and workers may still call back)."""
        return self.app.is_running and self.is_attached

    def show_status(self) -> None:
        """The status beside the filter box: how many rows show, the sort, the quick filters."""
        table = self.query_one(TaskTable)
        parts = []
        if table.filter.active:
            parts.append(f"{len(table.rows)} of {len(self.desk.state.tasks)} shown")
            if table.filter.quick != "all":
                parts.append(QUICK[table.filter.quick])
            if table.filter.team is not None:
                parts.append(f"team {table.filter.team}")
            if table.filter.hide_restored:
                parts.append("restored hidden")
        if table.sort != SORTS[0]:
            parts.append(f"by {table.sort}")
        if table.filter.active:
            parts.append("Esc: all")
        put(self.query_one("#shown", Label), safe.line("  ".join(parts)))

    def action_filter(self) -> None:
        """Show the filter box."""
        self.query_one("#filter", Input).focus()

    def _refilter(self) -> None:
        self.query_one(TaskTable).show(self.desk.state)
        self.show_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_one(TaskTable).filter.text = event.value
            self._refilter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one(TaskTable).focus()

    def action_quick(self, which: str) -> None:
        """Quick filter: all, ready, late, late or at risk."""
        self.query_one(TaskTable).filter.quick = which
        self._refilter()

    def action_team(self) -> None:
        """Only the selected service's team; again to show every team."""
        table = self.query_one(TaskTable)
        if table.filter.team is not None:
            table.filter.team = None
        else:
            service = self.desk.need_service()
            if service is None:
                return
            owner = self.desk.state.tasks[service].owner
            if owner is None:
                self.notify(f"{service} has no owner team.", severity="warning")
                return
            table.filter.team = owner
        self._refilter()

    def action_hide_restored(self) -> None:
        """Hide or show the restored rows."""
        table = self.query_one(TaskTable)
        table.filter.hide_restored = not table.filter.hide_restored
        self._refilter()

    def action_sort(self) -> None:
        """Next sort: wave, RTO left, team (the status line names it; a notice popping up and
        fading away cost more than the sort itself: 35-70 ms of CPU at each end)."""
        table = self.query_one(TaskTable)
        table.sort = SORTS[(SORTS.index(table.sort) + 1) % len(SORTS)]
        self._refilter()

    def action_jump(self, kind: str, step: int) -> None:
        """Next or previous row that is ready, or late or at risk."""
        if not self.query_one(TaskTable).jump(kind, step):
            what = "ready" if kind == "ready" else "late or at risk"
            self.notify(f"No row shown is {what}.", timeout=3)

    def action_full(self, pane: str) -> None:
        """The detail or journal pane full-screen (the same key again: back to the table)."""
        full = f"full-{pane}"
        was = self.has_class(full)
        self.remove_class("full-detail", "full-journal")
        if was:
            self.query_one(TaskTable).focus()
        else:
            self.add_class(full)
            self.query_one("#detail" if pane == "detail" else "#journal").focus()
        self._show_keys()

    def action_escape(self) -> None:
        """Escape: clears the filter box, or leaves a full-screen pane, or clears every filter."""
        box = self.query_one("#filter", Input)
        table = self.query_one(TaskTable)
        if box.has_focus:
            box.value = ""
            table.focus()
        elif self.has_class("full-detail") or self.has_class("full-journal"):
            self.remove_class("full-detail", "full-journal")
            table.focus()
        elif table.filter.active:
            box.value = ""
            table.filter = RowFilter()
            self._refilter()
        self._show_keys()

    def on_descendant_focus(self) -> None:
        self._show_keys()

    def _show_keys(self) -> None:
        """The key bar follows the focus and the mode."""
        if not self._on_screen():
            return
        box = self.query_one("#filter", Input)
        if box.has_focus:
            keys = FILTER_KEYS
        elif self.has_class("full-detail") or self.has_class("full-journal"):
            keys = PANE_KEYS
        else:
            keys = KEYBAR
        self.query_one(KeyBar).show(keys)
        detail, journal = (
            ("Esc: back", "Esc: back") if keys is PANE_KEYS else ("d: full screen", "l: full screen")
        )
        put(self.query_one("#detail-title", Label), f"Selected service ({detail})")
        put(self.query_one("#journal-title", Label), f"Journal, newest first ({journal})")
