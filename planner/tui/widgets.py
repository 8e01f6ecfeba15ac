"""The widgets of ``planner track``: the task table (Line API: only visible rows are rendered, so
a 10,000-service outage scrolls as fast as a small one), the header, the detail and journal panes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from models.duration import clock
from planner.tracking.progress import Projection, next_update_due
from planner.tracking.render import blocked_by, checks_summary, rto_left, state_word
from planner.tracking.state import BYPASSED, CONFIRMED, DOWN, RESTORED, MemoryView, TaskRow
from planner.tracking.words import describe
from planner.tui import safe

if TYPE_CHECKING:
    from models.events import Event

WARN_BEFORE = timedelta(minutes=5)
"""The update countdown turns to the warning colour this long before it is due."""


_escape = safe.line


@dataclass
class RowFilter:
    """``/`` filter: words that must all match; ``team:X`` and ``state:Y`` match those fields."""

    text: str = ""

    def match(self, task: TaskRow) -> bool:
        """True when ``task`` passes every word."""
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


class TaskTable(ScrollView, can_focus=True):
    """Every task in wave order; the cursor row is the selected service."""

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

    cursor: reactive[int] = reactive(0)

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
        self.service_width = 12
        self.at_risk: frozenset[str] = frozenset()
        """Tasks the last projection finishes after their RTO (marked like the header counts)."""

    @property
    def selected(self) -> str | None:
        """The service under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def show_risk(self, at_risk: list[str]) -> None:
        """Mark the tasks a new projection finishes after their RTO."""
        if frozenset(at_risk) != self.at_risk:
            self.at_risk = frozenset(at_risk)
            self.refresh()

    def show(self, state: MemoryView) -> None:
        """Show ``state`` (after a load, a fold or a new filter), keeping the selection."""
        keep = self.selected
        self.state = state
        if self.filter.text.strip():
            self.rows = [s for s, t in state.tasks.items() if self.filter.match(t)]
        else:
            self.rows = list(state.tasks)
        self.service_width = max(12, min(32, max(map(len, self.rows), default=12)))
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        if keep in self.rows:
            self.cursor = self.rows.index(keep)
        else:
            self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self.refresh()
        self.post_message(self.Selected(self.selected))

    def select(self, service: str) -> bool:
        """Move the cursor to ``service``; False when it is filtered out."""
        if service not in self.rows:
            return False
        self.cursor = self.rows.index(service)
        return True

    def action_move(self, delta: int) -> None:
        """Cursor up or down."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()
        if old != new:
            self.post_message(self.Selected(self.selected))

    def on_click(self, event: Click) -> None:
        y = event.y
        if y >= 1:
            row = round(self.scroll_offset.y) + y - 1
            if row < len(self.rows):
                self.cursor = row

    def _columns(self, width: int) -> tuple[int, int]:
        service = self.service_width
        return service, max(0, width - (3 + 1 + service + 1 + 12 + 1 + 9 + 1 + 6 + 1 + 8 + 2))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        service_w, rest = self._columns(width)
        if y == 0:
            text = (
                f"{'wv':>3} {'service':<{service_w}} {'owner':<12} {'state':<9} {'checks':<6} "
                f"{'RTO left':>8}  {'blocked by':<{rest}}"
            )
            style = self.get_component_rich_style("tasktable--header")
            return Strip([Segment(text[:width].ljust(width), style)])
        index = round(self.scroll_offset.y) + y - 1
        if self.state is None or index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        task = self.state.tasks[self.rows[index]]
        text, role = self._row(task, service_w, rest)
        style = self.rich_style
        if role:
            style += self.get_component_rich_style(f"tasktable--{role}")
        if index == self.cursor:
            style += self.get_component_rich_style("tasktable--cursor")
        return Strip([Segment(text[:width].ljust(width), style)])

    def _row(self, task: TaskRow, service_w: int, rest: int) -> tuple[str, str | None]:
        state = self.state
        assert state is not None
        now = self.now()
        left = rto_left(state, task, now)
        ready = task.state != RESTORED and state.ready(task.service)
        blocked = blocked_by(state, task.service)
        if not blocked and task.state != RESTORED:
            failed = [c.dependency for c in state.checks(task.service) if c.state == "failed"]
            pending = [c.dependency for c in state.checks(task.service) if c.state not in CONFIRMED]
            if failed:
                blocked = "check FAILED: " + ", ".join(failed)
            elif pending:
                blocked = "check " + ", ".join(pending)
            elif task.state == DOWN:
                blocked = "READY"
            else:
                blocked = "declare restored" if task.verified else "verify"
        late = task.state != RESTORED and left is not None and left < timedelta(0)
        risky = task.state != RESTORED and not late and task.service in self.at_risk
        rto = "-" if left is None else clock(left) + ("!" if risky else "")
        text = (
            f"{task.wave:>3} {task.service[:service_w]:<{service_w}} {(task.owner or '(none)')[:12]:<12} "
            f"{state_word(task):<9} {checks_summary(state, task.service):<6} "
            f"{rto:>8}  {blocked[:rest]}"
        )
        if task.state == RESTORED:
            return text, "restored"
        if late:
            return text, "late"
        if risky:
            return text, "atrisk"
        if task.reopened and task.state == DOWN:
            return text, "reopened"
        if ready:
            return text, "ready"
        return text, None


class TrackHeader(Static):
    """Incident, clock, next update due, progress, projected finish, RTOs at risk."""

    def __init__(self, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.now = now
        self.state: MemoryView | None = None
        self.projection: Projection | None = None

    def show(self, state: MemoryView, projection: Projection | None) -> None:
        """New facts; also redrawn every second for the clocks."""
        self.state, self.projection = state, projection
        self.tick()

    def tick(self) -> None:
        """Redraw with the current time."""
        state = self.state
        if state is None:
            return
        row, now = state.row, self.now()
        counts = state.counts()
        kind = "[b $warning]EXERCISE[/]" if row.exercise else "[b $error]INCIDENT[/]"
        first = f"{kind} [b]{row.id}[/] T+{clock(now - row.started)}"
        if row.state != "open":
            first += f" [b $success]resolved {row.resolved:%H:%M}[/]"
        first += f"  {_escape(row.title)}"
        due = next_update_due(state.row, state.info.update_cadence)
        if row.state != "open":
            update = "updates: done"
        elif due < now:
            update = f"[b $error]update OVERDUE {clock(now - due)}[/]"
        elif due - now <= WARN_BEFORE:
            update = f"[b $warning]update due in {clock(due - now)}[/]"
        else:
            update = f"update due in {clock(due - now)} ({due:%H:%M})"
        second = f"{update}   restored {counts[RESTORED]}/{len(state.tasks)}"
        p = self.projection
        if row.state != "open":  # the outcome, not a projection of work nobody will do
            missed = len(p.missed) if p is not None else 0
            down = len(state.tasks) - counts[RESTORED]
            second += f"   [b $error]{down} never restored[/]" if down else "   all restored"
            second += f"   [b $error]RTO missed {missed}[/]" if missed else "   RTO missed 0"
        elif p is not None:
            if counts[RESTORED] == len(state.tasks):
                second += "   [b $success]all restored: R resolves[/]"
            else:
                second += f"   finish ~{p.eta:%H:%M}" if p.eta else "   finish: no estimate"
            risk = len(p.at_risk)
            second += f"   [b $error]RTO at risk {risk}[/]" if risk else "   RTO at risk 0"
        self.update(f"{first}\n{second}")


class KeyBar(Static):
    """The keys, in one line (a static bar: Textual's Footer re-composes itself on every focus
    change, a quarter of a second here, each time the filter box is entered or left)."""

    def __init__(self, keys: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.update("  ".join(f"[b $accent]{_escape(key)}[/] {_escape(text)}" for key, text in keys))


class DetailPane(Static):
    """The selected service: owner and how to reach them, runbook, verify, dependencies with
    their checks, dependents waiting on it, open workarounds."""

    def show(self, state: MemoryView | None, service: str | None, now: datetime) -> None:
        """Describe ``service``."""
        if state is None or service is None or service not in state.tasks:
            self.update("No service selected.")
            return
        task = state.tasks[service]
        meta = state.info
        lines = [
            f"[b]{_escape(task.name)}[/] ({service})",
            f"{task.criticality}, wave {task.wave}, {state_word(task)}",
        ]
        left = rto_left(state, task, now)
        if left is not None:
            rto = clock(timedelta(seconds=task.rto or 0))
            late = left < timedelta(0) and task.state != RESTORED
            lines.append(
                f"RTO {rto}: " + (f"[$error]late by {clock(-left)}[/]" if late else f"{clock(left)} left")
            )
        team = meta.teams.get(task.owner or "")
        if team is None:
            lines.append("[b $error]No owner team[/]: page the incident commander")
        else:
            channel = f" {team.channel}" if team.channel else ""
            lines.append(f"[b]Owner[/] {_escape(team.name)}{_escape(channel)}")
            lines += [f"  {_escape(p.name)} {_escape(p.contact or '(no contact)')}" for p in team.members]
            if team.escalation:
                path = []
                for i, person in enumerate(team.escalation):
                    mark = "paged " if i < task.escalations else ""
                    path.append(f"{i + 1}. {mark}{_escape(person.name)} {_escape(person.contact or '')}")
                lines.append("[b]Escalation[/] " + "  ".join(p.rstrip() for p in path))
            else:
                lines.append("[$warning]No escalation path[/]")
        lines.append(f"[b]Runbook[/] {_escape(task.runbook or '(none)')}")
        verified = "[$success]confirmed[/]" if task.verified else "not confirmed"
        lines.append(f"[b]Verify[/] {_escape(task.verify or '(none in the plan)')} - {verified}")
        checks = state.checks(service)
        lines.append(
            f"[b]Depends on[/] {len(checks)} impacted" if checks else "[b]Depends on[/] nothing impacted"
        )
        marks = {
            "passed": "[$success]passed[/]",
            "failed": "[$error]FAILED[/]",
            BYPASSED: "[b $warning]BYPASSED[/]",
        }
        for c in checks:
            dep = state_word(state.tasks[c.dependency])
            command = _escape(c.command or "(no command: say what you saw)")
            lines.append(f"  {c.dependency} ({dep}) check {marks.get(c.state, c.state)}: {command}")
        waiting = [c.service for c in state.dependents(service) if state.tasks[c.service].state != RESTORED]
        if waiting:
            more = f" +{len(waiting) - 12}" if len(waiting) > 12 else ""
            lines.append(f"[b]Waiting on it[/] {', '.join(waiting[:12])}{more}")
        for w in state.open_workarounds():
            if service in {w.service, w.dependency}:
                lines.append(
                    f"[b $warning]Workaround {w.id}[/]: {w.service} without the check of {w.dependency}: "
                    f"{_escape(w.reason)} (owner {w.owner or 'none'})"
                )
        self.update("\n".join(lines))


class JournalPane(Static):
    """The latest events, newest first."""

    def show(self, journal: Sequence[Event], limit: int = 40) -> None:
        """Show the newest ``limit`` events."""
        lines = []
        for event in reversed(journal[-limit:]):
            text = _escape(describe(event))
            if event.kind in {"bypassed", "failed_again", "check_failed"}:
                text = f"[$warning]{text}[/]"
            lines.append(f"{event.at:%H:%M} [b]{_escape(event.actor)}[/] {text}")
        self.update("\n".join(lines) or "(no events)")


__all__ = ["DetailPane", "JournalPane", "KeyBar", "RowFilter", "TaskTable", "TrackHeader"]
