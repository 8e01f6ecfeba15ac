"""What a reader does with a damaged or hostile store: an event that cannot be read (bad JSON, an
unknown kind, a bad time, text that is not UTF-8, nesting too deep), a gap in a journal's
numbering, an incident row with a garbage value. None of them stops a reader: each is said in one
line (the incident, the event's number, why) and left out, and the reader goes on with the rest.

The guards of an action read the incident's rows, not its journal, so an action on an incident
with an unreadable event is recorded as usual (what that event did is in the rows since it was
recorded). What folds the whole journal again (a void, an undo, a reopen) is refused while an
event of it cannot be read: the fold would silently leave it out. A damaged row is refused by
every action on its incident (:class:`DamagedRowError`): the guards cannot run on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from models.events import Event, event_from_json
from planner.style import visible
from planner.tracking.persistence.db import StoreError

T = TypeVar("T")


class Garbled(str):
    """Stored text that is not UTF-8, as read (undecodable bytes replaced by U+FFFD): a title
    shows it as it is, an event made of it cannot be read."""

    __slots__ = ()


class DamagedRowError(StoreError):
    """An incident's row holds a value the planner never writes: it cannot be shown or changed."""


class UnreadableJournalError(StoreError):
    """A fold of the whole journal was asked for, and an event of it cannot be read."""


def decode(
    incident: str,
    rows: Iterable[Any],
    said: Callable[[str], None],
    after: int | None = None,
    skipped: Callable[[int], None] | None = None,
) -> list[Event]:
    """The events of ``incident``'s journal among ``rows`` (``(seq, data)``, in order), each with
    its sequence number; an event that cannot be read is said (and its number given to
    ``skipped``) and left out, and so is a gap in the numbering (``after``: the number the first
    row must follow, when known)."""
    events: list[Event] = []
    previous = after
    for seq, data in rows:
        number = int(seq)
        if previous is not None and number != previous + 1:
            said(gap(incident, previous, number))
        previous = number
        why = _unreadable(incident, data)
        if isinstance(why, str):
            said(unreadable(incident, number, why))
            if skipped is not None:
                skipped(number)
            continue
        events.append(why.model_copy(update={"seq": number}))
    return events


def gap(incident: str, before: int, after: int) -> str:
    """The line saying the journal of ``incident`` skips numbers."""
    where = f"starts at #{after}" if before == 0 else f"skips from #{before} to #{after}"
    return (
        f"the journal of {visible(incident)} {where}: events are missing from the store (what is "
        "shown is what is left)"
    )


def unreadable(incident: str, seq: int, why: str) -> str:
    """The line saying an event cannot be read."""
    return f"{visible(incident)} #{seq} cannot be read ({why}): left out"


def _unreadable(incident: str, data: object) -> Event | str:
    """The event ``data`` holds, or why it cannot be read (one line, no stored text in it)."""
    from pydantic import ValidationError

    if isinstance(data, Garbled):
        return "its text is not UTF-8"
    if not isinstance(data, str):
        return f"stored as {type(data).__name__}, not text"
    try:
        event = event_from_json(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        first = errors[0] if errors else {"msg": str(exc), "loc": ()}
        where = ".".join(str(part) for part in first["loc"])
        return visible(f"{where}: {first['msg']}" if where else str(first["msg"]))
    except (ValueError, TypeError, RecursionError) as exc:
        return visible(type(exc).__name__)
    if event.incident != incident:
        return f"it says it belongs to {visible(event.incident)}"
    return event


def refuse_fold(incident: str, unread: list[str]) -> UnreadableJournalError:
    """Why the whole journal of ``incident`` cannot be folded again (``unread``: what was said
    of its events)."""
    return UnreadableJournalError(
        f"{unread[0]}; a correction folds {visible(incident)}'s whole journal again and would "
        "leave that event out: nothing was recorded (other actions still work; `planner store "
        "copy` refuses this journal too: copy the other incidents with --incident)"
    )


def row_field(incident: str, column: str, value: object, read: Callable[[Any], Any]) -> Any:
    """``read(value)`` for column ``column`` of ``incident``'s row, or :class:`DamagedRowError`
    naming the column."""
    try:
        return read(value)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        shown = visible(str(value))
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise DamagedRowError(
            f"{visible(incident)}: its row in the store is damaged ({column} {shown!r} is not what the "
            "planner writes): left out, nothing was recorded on it; the other incidents are unaffected"
        ) from None


def when(value: object) -> datetime:
    """A stored time: an ISO 8601 text (UTC when it has no offset)."""
    if not isinstance(value, str):
        raise TypeError(value)
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def names(value: object) -> dict[str, str]:
    """A stored ``{role: person}`` mapping, strictly."""
    parsed = json.loads(str(value))
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
    ):
        raise ValueError(value)
    return parsed


def optional(incident: str, column: str, value: object, read: Callable[[Any], Any]) -> Any:
    """:func:`row_field`, None for a missing value."""
    return None if value is None else row_field(incident, column, value, read)


def readable(rows: Iterable[Any], read: Callable[[Any], T], damaged: Callable[[str], None] | None) -> list[T]:
    """``read`` of each row; one that is damaged (:class:`DamagedRowError`) is said to
    ``damaged`` and left out (without ``damaged``, the error is raised)."""
    found = []
    for row in rows:
        try:
            found.append(read(row))
        except DamagedRowError as exc:
            if damaged is None:
                raise
            damaged(str(exc))
    return found
