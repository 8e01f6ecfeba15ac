"""``planner incident ...``: the tracking actions, scriptable (SPEC section 7).

Every action is one transaction on the store with its guard inside; a refusal exits 1 and names
what blocks. Only ``start`` reads the plan: later actions work on what the incident copied into
the store, so they cost the same whatever the plan's size (and nothing heavy is imported).
Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import click

from models.duration import MAX_DURATION
from planner.cli.app import FAILED, SCENARIO, emit_json, say, styler
from planner.errors import UsageError
from planner.style import visible
from planner.tracking.actions import Action
from planner.tracking.fold import effective

if TYPE_CHECKING:
    from models.events import Event
    from planner.tracking.state import MemoryView, View
    from planner.tracking.store import Store

T = TypeVar("T")

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

    ago = raw.removesuffix("ago").strip().removeprefix("-")
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
    from planner.tracking.db import locate
    from planner.tracking.store import Store

    return Store(locate(path), create=create, warn=warned)


def warned(line: str) -> None:
    """Say on standard error what a read found damaged and left out (it goes on with the rest)."""
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
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for a terminal, json for machines, markdown for a ticket",
)


def when_of(at: str | None, option: str = "--at", relative_to: datetime | None = None) -> datetime:
    """The time ``at`` names (without one, now: a :class:`~planner.tracking.clock.Now`, which an
    action replaces by the store's clock; ``15m ago`` counts back from ``relative_to``, else now):
    not in the future, not over ten years ago (year 1 or 1970 is a typo, and it would sit in every
    KPI for good)."""
    from planner.tracking import clock

    if at is None:  # the store's clock where it has one (a server's): see planner.tracking.clock
        return clock.now()
    now = datetime.now(UTC)
    when = parse_when(at, clock.plain(relative_to) if relative_to else now)  # counted back: a time given
    if when > now + FUTURE_SLACK:
        raise UsageError(f"{option} {at}: {when:%Y-%m-%d %H:%M} UTC is in the future")
    if when < now - MAX_DURATION:
        raise UsageError(f"{option} {at}: {when:%Y-%m-%d %H:%M} UTC is over ten years ago; check the date")
    return when


def with_incident(store_path: str | None, incident: str, use: Callable[[Store], T]) -> T:
    """Open the store, refuse an unknown incident (naming the closest id), run ``use``, close."""
    with open_store(store_path) as store:
        store.require(incident)
        return use(store)


def act(store_path: str | None, incident: str, action: Action, who: str, when: datetime) -> list[Event]:
    """Record ``action`` by ``who`` at ``when`` through the store's guarded transaction."""
    return with_incident(
        store_path, incident, lambda store: store.act(incident, _deciding(store, incident, action, who, when))
    )


def _deciding(
    store: Store, incident: str, action: Action, who: str, when: datetime
) -> Callable[[View], list[Event]]:
    """The store's decide callback for ``action`` by ``who`` at ``when`` (now: by the store's
    clock, read in the action's transaction; see :mod:`planner.tracking.clock`)."""
    from planner.tracking.clock import stamped

    return lambda view: action.decide(view, who, stamped(store, incident, when))


def done(events: list[Event]) -> int:
    from planner.tracking.words import describe

    for event in events:
        say(f"{event.incident} #{event.seq} {event.at:%H:%M} {event.actor}: {describe(event)}")
    return 0


@click.group()
def incident() -> None:
    """Track an incident from the shell: the same actions as `planner track`, scriptable.

    Every action is written to the journal (crash-safe: an SQLite file, or a PostgreSQL server
    shared by responders on many machines) before it is shown; guards refuse what would skip a
    dependency check (exit 1, naming what blocks). All actions take --store DB (a file or
    postgresql://USER@HOST/DB), --as NAME and --at TIME (for a scribe logging after the fact).

    \b
    A recovery from the shell:
      id=$(planner incident start examples/enterprise.yaml --scenario storage-outage | tail -1)
      planner incident begin $id storage-cluster
      planner incident verify $id storage-cluster
      planner incident restored $id storage-cluster
      planner incident check $id db-primary storage-cluster --pass
      planner incident status $id
      planner incident update $id --audience executive
      planner incident resolve $id
    """


@incident.command()
@click.argument("plan", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))
@SCENARIO
@FAILED
@click.option("--title", help="what happened, in a line (default: the scenario's name)")
@click.option("--exercise", is_flag=True, help="a drill: kept apart in KPIs, counts as an exercise")
@click.option("--detected", metavar="TIME", help="when the failure was first detected, if earlier (for MTTD)")
@STORE
@AS
@AT
def start(  # noqa: PLR0917 - click passes every option
    plan: str,
    scenario: str | None,
    failed: tuple[str, ...],
    title: str | None,
    exercise: bool,
    detected: str | None,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Declare an incident (or, with --exercise, a drill) on PLAN; prints its id last.

    The store keeps a copy of the plan, so the incident stays readable when the file changes.
    """
    from planner.planfile.loader import load_plan
    from planner.tracking.opening import open_incident

    loaded = load_plan(plan)
    valid = loaded.require_valid()
    when = when_of(at)
    seen = when_of(detected, "--detected", relative_to=when) if detected else None
    if seen is not None and seen > when:
        raise UsageError("--detected is after the declaration (--at); detection comes first")
    failed_ids = list(failed) or None  # scenario.select splits "a,b" and checks the ids
    who = who_is(actor)
    with open_store(store_path, create=True) as store:
        snap = open_incident(
            store,
            valid,
            loaded.source.text,
            scenario=scenario,
            failed=failed_ids,
            title=title,
            exercise=exercise,
            actor=who,
            at=when,
            detected=seen,
        )
    counts = len(snap.tasks)
    waves = max((t.wave for t in snap.tasks.values()), default=0)
    say(
        f"{'exercise' if exercise else 'incident'} '{snap.row.title}': {counts} services to restore in "
        f"{waves} waves, {len(snap.check_rows)} dependency checks; store {store.path}"
    )
    say(snap.row.id)
    return 0


def _load(store_path: str | None, incident_id: str) -> tuple[MemoryView, list[Event]]:
    """An incident's rows and its whole journal."""

    def read(store: Store) -> tuple[MemoryView, list[Event]]:
        state = store.snapshot(incident_id)
        assert state is not None, "required by with_incident"
        return state, store.events(incident_id)

    return with_incident(store_path, incident_id, read)


@incident.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@STORE
def list_incidents(fmt: str, store_path: str | None) -> int:
    """Every incident in the store, oldest first."""
    with open_store(store_path) as store:
        rows = store.incident_rows()
    if fmt == "json":
        emit_json(
            {
                "incidents": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "scenario": r.scenario,
                        "state": r.state,
                        "started": r.started.isoformat(),
                        "resolved": r.resolved.isoformat() if r.resolved else None,
                        "exercise": r.exercise,
                        "plan": r.plan_name,
                    }
                    for r in rows
                ]
            }
        )
        return 0
    if not rows:
        say(f"no incidents in {store.path}")
    for r in rows:
        kind = "drill" if r.exercise else "real"
        say(f"{r.id:<10} {r.state:<9} {kind:<6} {r.started:%Y-%m-%d %H:%M}  {r.title}")
    return 0


@incident.command()
@click.argument("incident_id", metavar="ID")
@STATE_FORMAT
@STORE
@click.option("--at", "at", metavar="TIME", help="as of this time (default: now), e.g. to review a drill")
def status(incident_id: str, fmt: str, store_path: str | None, at: str | None) -> int:
    """Where the recovery of incident ID stands: progress, next update due, projected finish,
    each task in wave order with its checks and what blocks it, open workarounds, the journal."""
    from planner.tracking.outline import outline_of
    from planner.tracking.progress import project
    from planner.tracking.render import status_json, status_markdown, status_text

    state, journal = _load(store_path, incident_id)
    now = when_of(at)
    projection = project(outline_of(state), now)
    if fmt == "json":
        emit_json(status_json(state, journal, projection, now))
    elif fmt == "markdown":
        say(status_markdown(state, journal, projection, now), nl=False, fit=False)
    else:
        say(status_text(state, journal, projection, now, styler()), nl=False)
    return 0


@click.command()
@click.argument("incident_id", metavar="INCIDENT")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True
)
@STORE
def report(incident_id: str, fmt: str, store_path: str | None) -> int:
    """Post-incident review of INCIDENT, from its journal.

    Timeline; detection to declaration; downtime per service against its RTO; reopened services;
    every bypass with who, why, when and whether it was removed; stakeholder update cadence kept
    or missed; escalations; estimated vs actual restore times with the plan edits they suggest;
    and the review questions with the data that bears on each.
    """
    from planner.tracking.report import review
    from planner.tracking.review_render import review_json, review_markdown

    state, journal = _load(store_path, incident_id)
    result = review(state, effective(journal))  # a voided event is not measured
    if fmt == "json":
        emit_json(review_json(result))
    else:
        say(review_markdown(result), nl=False, fit=False)
    return 0


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@STORE
def kpi(fmt: str, store_path: str | None) -> int:
    """Recovery KPIs over every incident in the store: MTTD, MTTR (overall and per service),
    share of incidents reopened, escalation frequency and exercises per quarter, with the trend
    by quarter. Exercises are counted apart from real incidents."""
    from planner.tracking.damage import DamagedRowError
    from planner.tracking.kpi import facts, kpi_text, kpis

    with open_store(store_path) as store:
        gathered = []
        for row in store.incident_rows():
            try:
                state = store.snapshot(row.id)
            except DamagedRowError as damaged:  # said, and left out of the figures
                store.said(str(damaged))
                continue
            assert state is not None
            gathered.append(facts(state, effective(store.events(row.id))))
    data = kpis(gathered)
    if fmt == "json":
        emit_json(data)
    else:
        say(kpi_text(data), nl=False)
    return 0
