"""The widgets of ``planner track`` around the task table (:mod:`planner.tui.table`): the header,
the key bar, the detail and journal panes."""

from __future__ import annotations

import textwrap
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from models.duration import clock
from planner.style import visible
from planner.tracking.domain.components import ComponentStatus, ComponentView, component_views
from planner.tracking.domain.moments import moment
from planner.tracking.domain.state import BYPASSED, RESTORED, MemoryView, TaskRow
from planner.tracking.domain.words import describe
from planner.tracking.reports.progress import Projection, next_update_due
from planner.tracking.reports.status_text import rto_left, state_word
from planner.tracking.reports.workaround_text import expiry_words
from planner.tui import safe

if TYPE_CHECKING:
    from models.events import Event
    from models.plan import Plan

STALE_AFTER = 3.0
"""Seconds a projection may lag the journal before the header gives its age."""
WARN_BEFORE = timedelta(minutes=5)
"""The update countdown turns to the warning colour this long before it is due."""


_escape = safe.line


def put(widget: Static, text: str) -> None:
    """Show ``text`` (markup) in ``widget``: nothing is done when it shows it already, and the
    screen is not laid out again when the text keeps the widget's height (a layout repaints
    every pane: at each cursor move it would double what a key costs)."""
    if widget.content == text:
        return
    width, height = widget.content_region.size
    sized = widget.styles.width is not None and widget.styles.width.is_auto  # as wide as its text
    widget.update(text, layout=sized)
    if sized or not width:
        return
    if widget.visual.get_height(widget.styles, width) != height:  # type: ignore[arg-type]  # as Textual does
        widget.refresh(layout=True)


class TrackHeader(Static):
    """Incident, clock, next update due, progress, projected finish, RTOs at risk."""

    def __init__(self, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.now = now
        self.state: MemoryView | None = None
        self.projection: Projection | None = None
        self.behind_since: float | None = None
        """When (``time.monotonic()``) the journal moved on from what the projection was worked
        out from; None while it is current. Its age is shown once it lags :data:`STALE_AFTER`."""
        self.offline_since: datetime | None = None
        """When the store's server was lost (None while it is reachable): the first thing shown."""
        self.plan: Plan | None = None
        """The incident's plan when it declares components (their states are shown)."""
        self.components: list[ComponentView] = []
        self.odds = ""
        """The live forecast's ``all critical RTOs: 64%`` (empty without one)."""

    def show_odds(self, odds: str) -> None:
        """The live forecast's line (see :mod:`planner.tracking.reports.odds`)."""
        self.odds = odds
        self.tick()

    def show(self, state: MemoryView, projection: Projection | None) -> None:
        """New facts; also redrawn every second for the clocks."""
        self.state, self.projection = state, projection
        if self.plan is not None:
            self.components = component_views(self.plan, state, projection, self.now())
        self.tick()

    def tick(self) -> None:
        """Redraw with the current time."""
        state = self.state
        if state is None:
            return
        row, now = state.row, self.now()
        counts = state.counts()
        kind = "[b $text-warning]EXERCISE[/]" if row.exercise else "[b $text-error]INCIDENT[/]"
        first = f"{kind} [b]{row.id}[/] T+{clock(now - row.started)}"
        if row.state != "open":
            first += f" [b $text-success]resolved {row.resolved:%H:%M}[/]"
        first += f"  {_escape(row.title)}"
        due = next_update_due(state.row, state.info.update_cadence)
        if row.state != "open":
            update = "updates: done"
        elif due < now:
            update = f"[b $text-error]update OVERDUE {clock(now - due)}[/]"
        elif due - now <= WARN_BEFORE:
            update = f"[b $text-warning]update due in {clock(due - now)}[/]"
        else:
            update = f"update due in {clock(due - now)} ({moment(due, now)})"
        second = f"{update}   restored {counts[RESTORED]}/{len(state.tasks)}"
        if self.offline_since is not None:
            second = (
                f"[b $text-error]OFFLINE {clock(now - self.offline_since)}: actions refused, "
                f"reconnecting[/]   {second}"
            )
        p = self.projection
        if row.state != "open":  # the outcome, not a projection of work nobody will do
            missed = len(p.missed) if p is not None else 0
            down = len(state.tasks) - counts[RESTORED]
            second += f"   [b $text-error]{down} never restored[/]" if down else "   all restored"
            second += f"   [b $text-error]RTO missed {missed}[/]" if missed else "   RTO missed 0"
        elif p is not None:
            if counts[RESTORED] == len(state.tasks):
                second += "   [b $text-success]all restored: R resolves[/]"
            else:
                second += f"   finish ~{moment(p.eta, now)}" if p.eta else "   finish: no estimate"
                if self.behind_since is not None and time.monotonic() - self.behind_since > STALE_AFTER:
                    second += f" [$text-warning](as of {time.monotonic() - self.behind_since:.0f}s ago)[/]"
            risk, missed, late = len(p.at_risk), len(p.missed), len(p.late)
            if missed:  # late (past it, still down) is missed, never "at risk"
                second += f"   [b $text-error]RTO missed {missed}" + (f" ({late} late)[/]" if late else "[/]")
            second += f"   [b $text-error]RTO at risk {risk}[/]" if risk else "   RTO at risk 0"
            second += f"   {self.odds}" if self.odds else ""
        if self.components:
            second += f"   {components_part(self.components)}"
        expired = expired_workarounds(state, now)
        if expired:  # a bypass left past its expiry is how the failure comes back, wider
            second += f"   [b $text-error]{expired} workaround{'s' if expired > 1 else ''} EXPIRED[/]"
        put(self, "\n".join([first, *fit_parts(second, self.content_region.width)]))


def components_part(views: Sequence[ComponentView]) -> str:
    """``components: 2 major 1 partial 1 degraded, 6 ok`` (markup), or ``all 10 ok``."""
    counts = Counter(v.status for v in views)
    ok = counts[ComponentStatus.OPERATIONAL]
    if ok == len(views):
        return f"components: [$text-success]all {ok} ok[/]"
    shown = [
        f"[b {colour}]{counts[status]} {word}[/]"
        for status, word, colour in (
            (ComponentStatus.MAJOR_OUTAGE, "major", "$text-error"),
            (ComponentStatus.PARTIAL_OUTAGE, "partial", "$text-error"),
            (ComponentStatus.DEGRADED, "degraded", "$text-warning"),
        )
        if counts[status]
    ]
    return "components: " + " ".join(shown) + f", {ok} ok"


def fit_parts(line: str, width: int, gap: str = "   ") -> list[str]:
    """``line`` (markup: parts joined by ``gap``) as lines of at most ``width`` cells, broken
    between parts: a narrow terminal gets a third header line rather than losing the counts
    at its end (``width`` 0, not laid out yet: one line)."""
    lines: list[str] = []
    for part in line.split(gap):
        joined = f"{lines[-1]}{gap}{part}" if lines else part
        if lines and width and Content.from_markup(joined).cell_length > width:
            lines.append(part)
        else:
            lines[-1:] = [joined]
    return lines


class KeyBar(Widget):
    """The keys of what has the focus, in one line that fits: as many as the width allows, and
    always help and the command palette (a plain bar: Textual's Footer re-composes itself on
    every focus change, a quarter of a second here, each time the filter box is entered or left)."""

    ALWAYS: ClassVar[list[tuple[str, str]]] = [("?", "help"), ("^p", "palette")]

    def __init__(self, keys: list[tuple[str, str]], *, always: bool = True, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys = keys
        self.always = self.ALWAYS if always else []

    def show(self, keys: list[tuple[str, str]]) -> None:
        """Show these keys (the focus or the mode changed)."""
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def render(self) -> str:
        room = self.content_region.width
        used = sum(len(k) + len(t) + 3 for k, t in self.always)
        shown = []
        for key, text in self.keys:
            used += len(key) + len(text) + 3
            if used > room:
                break
            shown.append((key, text))
        return "  ".join(f"[b $text-accent]{_escape(k)}[/] {_escape(t)}" for k, t in shown + self.always)


def _expiry(expires: datetime | None, now: datetime) -> str:
    """``, [b]EXPIRED[/] 2026-11-28 03:20`` (in the error colour) or ``, expires ...``."""
    words = expiry_words(expires, now)
    return words.replace("EXPIRED", "[b $text-error]EXPIRED[/]") if words else ""


def expired_here(state: MemoryView, service: str, now: datetime) -> bool:
    """Whether an open workaround on ``service`` (the incident's or the plan's) is past its expiry."""
    return any(
        w.service == service and w.expires is not None and w.expires < now for w in state.open_workarounds()
    ) or any(
        p.service == service and p.expires is not None and p.expires < now
        for p in state.info.plan_workarounds
    )


def expired_workarounds(state: MemoryView, now: datetime) -> int:
    """Open workarounds past their expiry: the incident's own and the plan's."""
    mine = sum(1 for w in state.open_workarounds() if w.expires is not None and w.expires < now)
    return mine + sum(1 for p in state.info.plan_workarounds if p.expires is not None and p.expires < now)


class DetailPane(Static):
    """The selected service: its state and RTO, what proves it works, then what it needs (its
    dependencies' checks and what was seen, workarounds, what waits on it), then the runbook and
    the people (owner, contacts, escalation): at 2 a.m. the next step comes before the phone book."""

    def show(
        self, state: MemoryView | None, service: str | None, now: datetime, verify_run: str | None = None
    ) -> None:
        """Describe ``service`` (``verify_run``: what the last run of its verify showed)."""
        if state is None or service is None or service not in state.tasks:
            put(self, "No service selected.")
            return
        task = state.tasks[service]
        lines = [
            f"[b]{_escape(task.name)}[/] ({service})",
            f"{task.criticality}, wave {task.wave}, {state_word(task)}",
        ]
        left = rto_left(state, task, now)
        if left is not None:
            rto = clock(timedelta(seconds=task.rto or 0))
            late = left < timedelta(0) and task.state != RESTORED
            lines.append(
                f"RTO {rto}: "
                + (f"[b $text-error]late by {clock(-left)}[/]" if late else f"{clock(left)} left")
            )
        verified = "[$text-success]confirmed[/]" if task.verified else "not confirmed"
        lines.append(f"[b]Verify[/] {_escape(task.verify or '(none in the plan)')} - {verified}")
        if verify_run:
            lines.append(f"    ran: {_escape(verify_run)}")
        lines += self._checks(state, service, now)
        lines.append(f"[b]Runbook[/] {_escape(task.runbook or '(none)')}")
        lines += self._owner(state, task)
        put(self, "\n".join(lines))

    @staticmethod
    def _checks(state: MemoryView, service: str, now: datetime) -> list[str]:
        """Dependencies with their checks (and what was seen), workarounds (the incident's and the
        plan's own, each with its expiry: EXPIRED in the warning colour), what waits on it."""
        checks = state.checks(service)
        lines = [
            f"[b]Depends on[/] {len(checks)} impacted" if checks else "[b]Depends on[/] nothing impacted"
        ]
        marks = {
            "passed": "[$text-success]passed[/]",
            "failed": "[b $text-error]FAILED[/]",
            BYPASSED: "[b $text-warning]BYPASSED[/]",
        }
        for c in checks:
            dep = state_word(state.tasks[c.dependency])
            command = _escape(c.command or "(no command: say what you saw)")
            lines.append(f"  {c.dependency} ({dep}) check {marks.get(c.state, c.state)}: {command}")
            if c.observed:
                lines.append(f"    seen: {_escape(c.observed)}")
        for w in state.open_workarounds():
            if service in {w.service, w.dependency}:
                lines.append(
                    f"[b $text-warning]Workaround {w.id}[/]: {w.service} without the check of "
                    f"{w.dependency}: {_escape(w.reason)} (owner {w.owner or 'none'}"
                    f"{_expiry(w.expires, now)})"
                )
        for p in state.info.plan_workarounds:
            if service in {p.service, p.bypasses}:
                lines.append(
                    f"[b $text-warning]Plan workaround {_escape(p.id)}[/]: {p.service} without the check of "
                    f"{p.bypasses}: {_escape(p.description)} (owner {_escape(p.owner or 'none')}"
                    f"{_expiry(p.expires, now)})"
                )
        waiting = [c.service for c in state.dependents(service) if state.tasks[c.service].state != RESTORED]
        if waiting:
            more = f" +{len(waiting) - 12}" if len(waiting) > 12 else ""
            lines.append(f"[b]Waiting on it[/] {', '.join(waiting[:12])}{more}")
        return lines

    @staticmethod
    def _owner(state: MemoryView, task: TaskRow) -> list[str]:
        """The owner team, how to reach them, and the escalation path."""
        team = state.info.teams.get(task.owner or "")
        if team is None:
            return ["[b $text-error]No owner team[/]: page the incident commander"]
        channel = f" {team.channel}" if team.channel else ""
        lines = [f"[b]Owner[/] {_escape(team.name)}{_escape(channel)}"]
        lines += [f"  {_escape(p.name)} {_escape(p.contact or '(no contact)')}" for p in team.members]
        if not team.escalation:
            return [*lines, "[$text-warning]No escalation path[/]"]
        path = []
        for i, person in enumerate(team.escalation):
            mark = "paged " if i < task.escalations else ""
            path.append(f"{i + 1}. {mark}{_escape(person.name)} {_escape(person.contact or '')}")
        return [*lines, "[b]Escalation[/] " + "  ".join(p.rstrip() for p in path)]


JournalLine = tuple[str, str, str, bool]
"""(time and number, actor, text, warn): one per screen line; the first two only on an entry's
first line. Plain text (the pane draws segments, not markup): control characters written out,
nothing escaped."""


def journal_lines(journal: Sequence[Event], width: int, warn: set[str]) -> list[JournalLine]:
    """``journal`` newest first in ``width`` columns: ``02:31 #12 alice began ...``, long entries
    wrapped under their text at spaces (never inside an id such as ``metrics-tsdb``)."""
    lines: list[JournalLine] = []
    for event in reversed(journal):
        warned = event.kind in warn
        at, actor = f"{event.at:%H:%M} #{event.seq} ", visible(event.actor)
        first = len(at) + len(actor) + 1
        wrapped = textwrap.wrap(
            describe(event),
            max(first + 10, width),
            initial_indent=" " * first,
            subsequent_indent=" " * 6,
            break_on_hyphens=False,  # an id such as metrics-tsdb stays on one line
        ) or [" " * first]
        lines.append((at, actor, " " + wrapped[0][first:], warned))
        lines += [("", "", part, warned) for part in wrapped[1:]]
    return lines


class JournalPane(ScrollView, can_focus=True):
    """The journal, newest first, as far back as the session holds it (Line API: a long journal
    costs only the lines on screen); long entries wrap under their time."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"journalpane--actor", "journalpane--warn", "journalpane--more"}
    WARN: ClassVar[set[str]] = {"bypassed", "failed_again", "check_failed", "voided", "run_not_applied"}
    """Events shown in the warning colour."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.events: Sequence[Event] = ()
        self.older = ""
        self.lines: list[JournalLine] = []
        self._wrapped_at = -1

    def show(self, journal: Sequence[Event], older: str = "") -> None:
        """Show ``journal`` (oldest first); ``older`` says where the events before it are."""
        self.events, self.older = journal, older
        self._wrap(self.scrollable_content_region.width)

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._wrapped_at:
            self._wrap(self.scrollable_content_region.width)

    def _wrap(self, width: int) -> None:
        self._wrapped_at = width
        lines = journal_lines(self.events, width, self.WARN)
        if self.older:
            lines.append(("", "", self.older, False))
        self.lines = lines or [("", "", "(no events)", False)]
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_offset.y) + y
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        at, actor, text, warn = self.lines[index]
        base = self.rich_style
        if not at and not actor and text == self.older and self.older:
            base += self.get_component_rich_style("journalpane--more")
        body = base + self.get_component_rich_style("journalpane--warn") if warn else base
        segments = [
            Segment(at, base),
            Segment(actor, base + self.get_component_rich_style("journalpane--actor")),
            Segment(text, body),
        ]
        return Strip(segments).crop_extend(0, width, base)


__all__ = ["DetailPane", "JournalPane", "KeyBar", "TrackHeader", "fit_parts", "journal_lines", "put"]
