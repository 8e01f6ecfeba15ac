"""The status's lines about evidence and workarounds: what each check showed, the incident's open
workarounds, and the plan's own (untrusted text, escaped)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from planner.style import visible
from planner.tracking.domain.moments import moment

if TYPE_CHECKING:
    from planner.tracking.domain.state import MemoryView

__all__ = ["evidence_lines", "expiry_words", "plan_workaround_lines", "workaround_lines"]


def evidence_lines(state: MemoryView) -> list[str]:
    """What each check showed when it last passed or failed (a run's exit status, or what the
    responder saw), so a pass in the journal says how it was measured."""
    shown = {c.service for c in state.check_rows.values() if c.observed}
    out = []
    for task in state.tasks.values():  # in wave order: only the tasks with something shown
        if task.service not in shown:
            continue
        for c in state.checks(task.service):
            if c.observed:
                out.append(f"  {task.service} <- {c.dependency} {c.state}: {c.observed}")
    return out


def workaround_lines(state: MemoryView, now: datetime) -> list[str]:
    """Open workarounds of the incident."""
    out = []
    for w in state.open_workarounds():
        expiry = expiry_words(w.expires, now)
        out.append(
            f"{w.id}: {w.service} runs without the check of {w.dependency}: {w.reason} "
            f"(by {w.actor} at {moment(w.applied, now)}, owner {w.owner or 'none'}{expiry})"
        )
    return out


def expiry_words(expires: datetime | None, now: datetime) -> str:
    """``, EXPIRED 2026-11-28 03:20`` or ``, expires ...``; nothing without an expiry."""
    if expires is None:
        return ""
    return f", {'EXPIRED' if expires < now else 'expires'} {expires:%Y-%m-%d %H:%M}"


def plan_workaround_lines(state: MemoryView, now: datetime) -> list[str]:
    """The plan's own open workarounds on the incident's services (in place before it began):
    one untrusted line each (the plan's words are escaped)."""
    return [
        visible(
            f"{w.id}: {w.service} runs without the check of {w.bypasses}: {w.description} (since "
            f"{w.applied:%Y-%m-%d %H:%M}, owner {w.owner or 'none'}{expiry_words(w.expires, now)})"
        )
        for w in state.info.plan_workarounds
    ]
