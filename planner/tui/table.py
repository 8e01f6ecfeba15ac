"""The task table of ``planner track`` (Line API: only visible rows are rendered, so a
10,000-service outage scrolls as fast as a small one; after a key, a fold or a second, only the
screen lines whose text or colour changed are drawn again), and which rows it shows in what
order: the ``/`` filter, the quick filters, hiding restored rows and the sort."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from planner.tracking.domain.state import DOWN, RESTORED, MemoryView, TaskRow
from planner.tracking.reports.status_text import checks_summary, next_step, rto_cell, rto_left, state_word
from planner.tui.widgets import expired_here

SORTS = ("wave", "RTO left", "team")
"""The orders ``s`` cycles through: restore order, the nearest RTO deadline first, owner team."""
QUICK = {"all": "all", "ready": "ready", "late": "late", "risk": "late or at risk"}
"""The quick filters (keys 1 to 4), with how the status line names them."""
WIDE = 120
"""From this many columns of table (a terminal of about 180) the owner and service columns widen."""


Line = tuple[str, str | None, bool]
"""A screen line of the table: its text, its role (the colour: ``late``, ``ready``...; None:
plain) and whether the cursor is on it."""


def fit(text: str, width: int) -> str:
    """``text`` in ``width`` columns: cut with an ellipsis when longer, padded when shorter."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: width - 1] + "…"
    return text.ljust(width)


def is_late(state: MemoryView, task: TaskRow, now: datetime) -> bool:
    """Not restored and past its RTO (as :func:`rto_left` counts it; one subtraction per row,
    which a 10,000-row filter does for every row)."""
    return (
        task.state != RESTORED
        and task.rto is not None
        and _micro(now - state.row.rto_clock) > task.rto * _MICRO
    )


def is_ready(state: MemoryView, task: TaskRow) -> bool:
    """Not restored, and every impacted dependency restored: someone can work on it now (begin,
    run its checks, verify, declare it restored). The same as no :meth:`MemoryView.blockers`,
    stopping at the first (a filter or a jump asks it of thousands of rows)."""
    if task.state == RESTORED:
        return False
    tasks = state.tasks
    return all(tasks[c.dependency].state == RESTORED for c in state.checks(task.service))


def is_urgent(state: MemoryView, task: TaskRow, at_risk: frozenset[str], now: datetime) -> bool:
    """Not restored, and past its RTO or projected to miss it (in ``at_risk``)."""
    return task.state != RESTORED and (task.service in at_risk or is_late(state, task, now))


_MICRO = 1_000_000


def _micro(span: timedelta) -> int:
    """``span`` in whole microseconds (exact, unlike seconds as a float)."""
    return (span.days * 86_400 + span.seconds) * _MICRO + span.microseconds


@dataclass
class RowFilter:
    """Which rows show: ``/`` words that must all match (``team:X`` and ``state:Y`` match those
    fields), a quick filter, one team, restored rows hidden."""

    text: str = ""
    quick: str = "all"
    team: str | None = None
    hide_restored: bool = False

    @property
    def active(self) -> bool:
        """True when any row may be left out."""
        return bool(self.text.strip()) or self.quick != "all" or self.team is not None or self.hide_restored

    def match(self, task: TaskRow) -> bool:
        """True when ``task`` passes every ``/`` word, the team and the restored switch (the
        quick filters need the time and the projection: see :func:`arrange`)."""
        if self.hide_restored and task.state == RESTORED:
            return False
        if self.team is not None and task.owner != self.team:
            return False
        for word in self.text.lower().split():
            if word.startswith("team:"):
                if (task.owner or "").lower() != word[5:]:
                    return False
            elif word.startswith("state:"):
                if state_word(task) != word[6:]:
                    return False
            elif word not in f"{task.service} {task.name} {task.owner or ''} {state_word(task)}".lower():
                return False
        return True


def arrange(
    state: MemoryView, rows: RowFilter, sort: str, at_risk: frozenset[str], now: datetime
) -> list[str]:
    """The services the table shows, in the order it shows them."""
    tasks = state.tasks.values()
    chosen = [t for t in tasks if rows.match(t)] if rows.active else list(tasks)
    if rows.quick == "ready":
        chosen = [t for t in chosen if is_ready(state, t)]
    elif rows.quick == "late":
        chosen = [t for t in chosen if is_late(state, t, now)]
    elif rows.quick == "risk":
        chosen = [t for t in chosen if is_urgent(state, t, at_risk, now)]
    if sort == "RTO left":  # the nearest deadline first; no RTO last; restored after the rest
        chosen.sort(key=lambda t: (t.state == RESTORED, t.rto is None, t.rto or 0, t.position))
    elif sort == "team":
        chosen.sort(key=lambda t: (t.owner is None, t.owner or "", t.position))
    return [t.service for t in chosen]


class TaskTable(ScrollView, can_focus=True):
    """Every task (in wave order unless sorted otherwise); the cursor row is the selected service.
    The cursor row is drawn in its state's colour, reversed, so the cursor never hides it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tasktable--header",
        "tasktable--cursor",
        "tasktable--restored",
        "tasktable--ready",
        "tasktable--late",
        "tasktable--atrisk",
        "tasktable--reopened",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "move(-20)", "Page up", show=False),
        Binding("pagedown", "move(20)", "Page down", show=False),
        Binding("home", "move(-1000000)", "First", show=False),
        Binding("end", "move(1000000)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False)
    """The row under the cursor (a move redraws its old and new lines, not the table)."""

    class Selected(Message):
        """The cursor moved to another service."""

        def __init__(self, service: str | None) -> None:
            self.service = service
            super().__init__()

    def __init__(self, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.now = now
        self.state: MemoryView | None = None
        self.rows: list[str] = []
        self.filter = RowFilter()
        self.sort = SORTS[0]
        self.at_risk: frozenset[str] = frozenset()
        """Tasks the last projection finishes after their RTO (marked like the header counts)."""
        self.running: dict[str, str] = {}
        """Services with a command of theirs running now (``!``), and which: said on the row."""
        self._longest = (12, 6)
        """The longest service id shown and owner id (worked out per change, not per line)."""
        self._every_row_of: MemoryView | None = None
        """The state whose every task :attr:`rows` lists in wave order (None: filtered or sorted):
        a fold changes rows' contents, never which tasks there are, so it keeps them."""
        self._owners = 6
        """The longest owner id of :attr:`_every_row_of`'s tasks."""
        self._drawn: dict[int, Line] = {}
        """What each screen line (1: the first row) showed when it was last drawn: a change
        redraws the lines whose :meth:`_line` differs, not the whole table."""
        self._styles: dict[str | None, Style] = {}
        """The rows' styles by role, looked up once per frame (the theme may change)."""
        self._whole = False
        """Every line is to be drawn again (new rows, a scroll): no line is worth comparing."""
        self._frame: tuple[int, int] | None = None
        """The width and the top row of the frame being drawn (see :meth:`render_lines`)."""

    @property
    def selected(self) -> str | None:
        """The service under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def show_risk(self, at_risk: list[str]) -> None:
        """Mark the tasks a new projection finishes after their RTO."""
        if frozenset(at_risk) != self.at_risk:
            self.at_risk = frozenset(at_risk)
            if self.filter.quick == "risk" and self.state is not None:
                self.show(self.state)
            self.redraw()

    def show(self, state: MemoryView) -> None:
        """Show ``state`` (after a load, a fold, a new filter or sort), keeping the selection."""
        keep = self.selected
        if self.filter.active or self.sort != SORTS[0]:
            rows = arrange(state, self.filter, self.sort, self.at_risk, self.now())
            self._every_row_of = None
        elif state is self._every_row_of:
            rows = self.rows  # a fold: the same tasks in the same order
        else:
            rows = list(state.tasks)
            self._every_row_of = state
            self._owners = max((len(t.owner or "(none)") for t in state.tasks.values()), default=6)
        self.state = state
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        if rows is not self.rows:
            self.rows = rows
            self._longest = (max(map(len, rows), default=12), self._owners)
            self._whole = True  # other rows, maybe other columns (the header too)
            self.refresh()
            if keep in rows:
                self.cursor = rows.index(keep)
            else:
                self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self.redraw()
        self.post_message(self.Selected(self.selected))

    def tick(self) -> None:
        """A second passed: rows turn late, so a filter on lateness is worked out again."""
        if self.state is not None and self.filter.quick in {"late", "risk"}:
            self.show(self.state)
        else:
            self.redraw()

    def redraw(self) -> None:
        """Draw again the screen lines whose row changed (its text or its colour: a fold, the
        clock, the cursor, a filter), all of them when most did."""
        if self._whole:
            return
        region = self.scrollable_content_region  # asked once: after a layout it costs milliseconds
        height, width, top = region.height, region.width, round(self.scroll_offset.y)
        changed = [y for y in range(1, height) if self._drawn.get(y) != self._line(y, width, top)]
        if len(changed) > height // 2:
            self.refresh()
        elif changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def select(self, service: str) -> bool:
        """Move the cursor to ``service``; False when it is filtered out."""
        if service not in self.rows:
            return False
        self.cursor = self.rows.index(service)
        return True

    def jump(self, kind: str, step: int) -> bool:
        """Move to the next (``step`` 1) or previous (-1) row that is ``ready`` or ``urgent``
        (late or at risk), wrapping around; False when no row is."""
        state = self.state
        if state is None or not self.rows:
            return False
        now = self.now()
        count = len(self.rows)
        for offset in range(1, count + 1):
            index = (self.cursor + step * offset) % count
            task = state.tasks[self.rows[index]]
            hit = is_ready(state, task) if kind == "ready" else is_urgent(state, task, self.at_risk, now)
            if hit:
                self.cursor = index
                return True
        return False

    def action_move(self, delta: int) -> None:
        """Cursor up or down."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_offset.y)
        if new < top or new >= top + height:
            self.scroll_to(y=new if new < top else new - height + 1, animate=False)
            if round(self.scroll_offset.y) != top:
                self._whole = True  # a scroll draws every line
        self.redraw()
        if old != new:
            self.post_message(self.Selected(self.selected))

    def on_click(self, event: Click) -> None:
        y = event.y
        if y >= 1:
            row = round(self.scroll_offset.y) + y - 1
            if row < len(self.rows):
                self.cursor = row

    def _widths(self, width: int) -> tuple[int, int, int]:
        """Service, owner and "blocked by" widths: the first two grow to their longest value
        (up to 32 and 12 columns, or 40 and 24 from :data:`WIDE` columns); the last takes the rest."""
        wide = width >= WIDE
        service = max(12, min(40 if wide else 32, self._longest[0]))
        owner = max(6, min(24 if wide else 12, self._longest[1]))
        fixed = 2 + 3 + 1 + service + 1 + owner + 1 + 9 + 1 + 6 + 1 + 8 + 2
        return service, owner, max(0, width - fixed)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = {}  # looked up again each frame (a theme or a focus change restyles)
        self._whole = False
        self._frame = (self.scrollable_content_region.width, round(self.scroll_offset.y))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _style(self, role: str | None) -> Style:
        """The style of a row in ``role`` (None: a plain row), once per frame."""
        if role not in self._styles:
            style = self.rich_style
            if role:
                style += self.get_component_rich_style(f"tasktable--{role}")
            self._styles[role] = style
        return self._styles[role]

    def _line(self, y: int, width: int, top: int) -> Line:
        """What screen line ``y`` (1: the first row under the header) shows: (text, role, under
        the cursor), its text fitted to the ``width``, scrolled to row ``top``."""
        index = top + y - 1
        if self.state is not None and not self.rows and index == 0:
            return fit("  No row matches the filters: Esc shows every row.", width), None, False
        if self.state is None or index >= len(self.rows):
            return "", None, False
        service_w, owner_w, rest = self._widths(width)
        text, role = self._row(self.state.tasks[self.rows[index]], service_w, owner_w, rest)
        cursor = index == self.cursor
        return fit(("▶ " if cursor else "  ") + text, width), role, cursor

    def render_line(self, y: int) -> Strip:
        width, top = self._frame or (self.scrollable_content_region.width, round(self.scroll_offset.y))
        if y == 0:
            service_w, owner_w, rest = self._widths(width)
            text = (
                f"  {'wv':>3} {fit('service', service_w)} {fit('owner', owner_w)} {'state':<9} "
                f"{'checks':<6} {'RTO left':>8}  {fit('blocked by', rest)}"
            )
            style = self.get_component_rich_style("tasktable--header")
            return Strip([Segment(fit(text, width), style)])
        line = self._drawn[y] = self._line(y, width, top)
        text, role, cursor = line
        if not text:
            return Strip.blank(width, self.rich_style)
        style = self._style(role)
        if cursor:  # the row's own colours swapped: the state stays visible under the cursor
            style = Style(color=style.bgcolor, bgcolor=style.color, bold=True)
        return Strip([Segment(text, style)])

    def _row(self, task: TaskRow, service_w: int, owner_w: int, rest: int) -> tuple[str, str | None]:
        state = self.state
        assert state is not None
        left = rto_left(state, task, self.now())
        blocked = next_step(state, task)
        if task.service in self.running:
            blocked = f"running {self.running[task.service]}..."
        elif expired_here(state, task.service, self.now()):  # its bypass outlived its expiry
            blocked = f"WORKAROUND EXPIRED; {blocked}"
        late = task.state != RESTORED and left is not None and left < timedelta(0)
        risky = task.state != RESTORED and not late and task.service in self.at_risk
        rto = rto_cell(state, task, self.now()) + ("!" if risky else "")
        text = (
            f"{task.wave:>3} {fit(task.service, service_w)} {fit(task.owner or '(none)', owner_w)} "
            f"{state_word(task):<9} {checks_summary(state, task.service):<6} {rto:>8}  {fit(blocked, rest)}"
        )
        if task.state == RESTORED:
            return text, "restored"
        if late:
            return text, "late"
        if risky:
            return text, "atrisk"
        if task.reopened and task.state == DOWN:
            return text, "reopened"
        if is_ready(state, task):
            return text, "ready"
        return text, None


__all__ = ["QUICK", "SORTS", "RowFilter", "TaskTable", "arrange", "fit", "is_late", "is_ready", "is_urgent"]
