"""The options every ``planner incident`` command shares (``--store``, ``--as``, ``--at``) and
what turns them into values: which store, who, when."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import click

from models.duration import MAX_DURATION
from planner.errors import UsageError
from planner.style import visible

if TYPE_CHECKING:
    from planner.tracking.persistence.store import Store


class StateFormat(StrEnum):
    """``--format`` of ``planner incident status``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


FUTURE_SLACK = timedelta(minutes=5)
"""How far ahead of this machine's clock ``--at`` may be (clocks drift)."""


def who_is(actor: str | None) -> str:
    """Who did it: ``--as NAME``, else the login name. A name goes into every line of the
    journal, so control characters (a newline would forge a journal line) are refused."""
    name = actor if actor is not None else default_actor()
    return plain_word(name, "--as")


def plain_word(text: str, what: str) -> str:
    """``text`` when it is printable, a usage error naming ``what`` when it holds control
    characters or is empty."""
    if not text.strip() or not text.isprintable():
        raise UsageError(f"{what} {visible(text)!r}: give a name without control characters")
    return text


def default_actor() -> str:
    """The login name (``unknown`` when there is none)."""

    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # what getpass.getuser reads, without its imports
        if os.environ.get(name):
            return os.environ[name]
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container: say so in the journal
        return "unknown"


def parse_when(text: str | None, now: datetime | None = None) -> datetime:
    """``--at``: an ISO 8601 date-time (UTC when it has no offset), ``HH:MM`` (today, UTC) or a
    time ago (``15m``, ``-15m``, ``1h30m ago``).

    Examples
    --------
    >>> now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    >>> parse_when("02:40", now).isoformat()
    '2026-11-28T02:40:00+00:00'
    >>> parse_when("20m ago", now).isoformat()
    '2026-11-28T02:40:00+00:00'
    >>> parse_when("2026-11-28T02:40:00+01:00", now).isoformat()
    '2026-11-28T01:40:00+00:00'
    """
    now = now or datetime.now(UTC)
    if text is None:
        return now
    raw = text.strip()
    try:
        if len(raw) == 5 and raw[2] == ":":
            hour, minute = int(raw[:2]), int(raw[3:])
            return now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except ValueError:
        pass
    from models.duration import DurationError, parse_duration

    ago = raw.removesuffix("ago").strip()
    if ago.startswith("-") and raw.endswith("ago"):  # minus and "ago": the future, or a typo
        raise UsageError(f"--at {text!r}: say '15m ago' or '-15m', not both (a time in the past)")
    ago = ago.removeprefix("-")
    try:
        return now - parse_duration(ago)
    except DurationError:
        raise UsageError(
            f"--at {text!r}: give a time like 2026-11-28T02:40Z, 02:40 (today, UTC) or 15m ago"
        ) from None


def parse_expiry(text: str | None) -> timedelta | None:
    if text is None:
        return None
    from models.duration import DurationError, parse_duration

    try:
        return parse_duration(text)
    except DurationError as exc:
        raise UsageError(f"--expires {text!r}: {exc}") from None


def open_store(path: str | None, *, create: bool = False) -> Store:
    """The store of ``--store`` (or the default); only ``incident start`` creates a missing one:
    any other command on a mistyped path says so instead of answering from an empty store."""
    from planner.tracking.persistence.db import locate
    from planner.tracking.persistence.store import Store

    return Store(locate(path), create=create, warn=warned)


def warned(line: str) -> None:
    """Say on standard error what a read found damaged and left out (it goes on with the rest)."""
    from planner.cli.streams import say

    say(f"warning: {line}", err=True)


STORE = click.option(
    "--store",
    "store_path",
    metavar="DB",
    envvar="PLANNER_STORE",
    help="incident store: an SQLite file, or postgresql://USER@HOST/DB for a team server "
    "(default: $PLANNER_STORE, else .planner/incidents.db here)",
)
AS = click.option("--as", "actor", metavar="NAME", help="who did it (default: your login name)")
AT = click.option(
    "--at", "at", metavar="TIME", help="when it happened, for logging after the fact (default: now)"
)
STATE_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in StateFormat]),
    default=StateFormat.TEXT.value,
    show_default=True,
    help="text for a terminal, json for machines, markdown for a ticket",
)


def when_of(at: str | None, option: str = "--at", now: datetime | None = None) -> datetime:
    """The time ``at`` names: without one, now (a :class:`~planner.tracking.persistence.clock.Now`,
    which an action replaces by the store's clock where it has one); ``15m ago`` counts back from
    now, whatever the option (``now`` when the caller reads several times against one clock); not
    in the future, not over ten years ago (year 1 or 1970 is a typo, and it would sit in every KPI
    for good)."""
    from planner.tracking.persistence import clock

    if at is None:  # the store's clock where it has one (a server's): see persistence.clock
        return now if isinstance(now, clock.Now) else clock.now() if now is None else now
    now = clock.plain(now) if now is not None else datetime.now(UTC)
    when = parse_when(at, now)  # counted back from this clock: a time given
    if when > now + FUTURE_SLACK:
        raise UsageError(f"{option} {at}: {when:%Y-%m-%d %H:%M} UTC is in the future")
    if when < now - MAX_DURATION:
        raise UsageError(f"{option} {at}: {when:%Y-%m-%d %H:%M} UTC is over ten years ago; check the date")
    return when
