"""``planner incident start``, ``list`` and ``status``, and ``planner report`` and ``kpi``: opening
an incident and reading the store (the actions are in :mod:`planner.cli.incident_actions`,
:mod:`planner.cli.incident_checks` and :mod:`planner.cli.incident_corrections`;
docs/design/commands.md#tracking).

Every action is one transaction on the store with its guard inside; a refusal exits 1 and names
what blocks. Only ``start`` reads the plan: later actions work on what the incident copied into
the store, so they cost the same whatever the plan's size (and nothing heavy is imported).
Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from planner.cli.incident_options import AS, AT, STATE_FORMAT, STORE, open_store, when_of, who_is
from planner.cli.options import FAILED, SCENARIO
from planner.cli.recording import inject_due, with_incident
from planner.cli.streams import emit_json, say, styler
from planner.errors import UsageError
from planner.tracking.domain.fold import effective

if TYPE_CHECKING:
    from models.events import Event
    from models.plan import Plan
    from planner.tracking.domain.state import MemoryView
    from planner.tracking.persistence.store import Store
    from planner.tracking.reports.odds import LiveOdds


@click.command()
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
    from planner.tracking.persistence.starting import open_incident

    loaded = load_plan(plan)
    valid = loaded.require_valid()
    from planner.tracking.persistence.clock import now as clock_now

    now = clock_now()  # "--at '50m ago' --detected '53m ago'": both from now, 3 minutes apart
    when = when_of(at, now=now)
    seen = when_of(detected, "--detected", now=now) if detected else None
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


def _load(
    store_path: str | None, incident_id: str, now: datetime | None = None
) -> tuple[MemoryView, list[Event], Plan | None]:
    """An incident's rows, its whole journal, and its plan when that declares components; with
    ``now``, a drill's injections due by then are recorded first (quietly), on the same
    connection."""
    from planner.tracking.persistence.stored_plan import plan_with_components

    def read(store: Store) -> tuple[MemoryView, list[Event], Plan | None]:
        if now is not None:
            inject_due(store, incident_id, now, quiet=True)
        state = store.snapshot(incident_id)
        assert state is not None, "required by with_incident"
        return state, store.events(incident_id), plan_with_components(store, state.row, state.info.components)

    return with_incident(store_path, incident_id, read)


@click.command("list")
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


@click.command()
@click.argument("incident_id", metavar="ID")
@STATE_FORMAT
@STORE
@click.option("--at", "at", metavar="TIME", help="as of this time (default: now), e.g. to review a drill")
def status(incident_id: str, fmt: str, store_path: str | None, at: str | None) -> int:
    """Where the recovery of incident ID stands: progress, next update due, projected finish,
    each task in wave order with its checks and what blocks it, open workarounds, the journal."""
    from planner.planfile.lifetime import keep_until_exit
    from planner.tracking.domain.components import component_views
    from planner.tracking.domain.outline import outline_of
    from planner.tracking.reports.odds import current_odds
    from planner.tracking.reports.progress import project
    from planner.tracking.reports.status_json import status_json
    from planner.tracking.reports.status_text import status_markdown, status_text

    now = when_of(at)
    state, journal, plan = _load(store_path, incident_id, now)
    outline = outline_of(state)
    projection = project(outline, now)
    odds = current_odds(outline, now, journal[-1].seq if journal else 0)
    views = [] if plan is None else component_views(plan, state, projection, now)
    if fmt == "json":
        doc = status_json(state, journal, projection, now, components=views)
        doc["forecast"] = None if odds is None else odds.to_json()
        whole = {**doc, **_status_extras(state, journal, now)}
        emit_json(whole)
        keep_until_exit(whole)
    elif fmt == "markdown":
        text = status_markdown(state, journal, projection, now, components=views)
        say(text + _status_tail(state, journal, now, markdown=True), nl=False, fit=False)
    else:
        text = status_text(state, journal, projection, now, styler(), components=views, odds=_odds_line(odds))
        say(text + _status_tail(state, journal, now, markdown=False), nl=False)
    # the console script ends without freeing these object by object (see run): 18 ms at 10,000 tasks
    keep_until_exit(state, journal, outline, projection, plan)
    return 0


def _status_extras(state: MemoryView, journal: list[Event], now: datetime) -> dict[str, object]:
    """What ``status --format json`` adds to the state: deliveries, and a drill's injections."""
    from planner.cli.delivery_commands import delivery_json

    extras: dict[str, object] = {"deliveries": delivery_json(journal, now)}
    if state.row.exercise:  # a drill's injections, recorded or to come (when it has any)
        from planner.exercise.timeline import injections_json

        shown = injections_json(journal, state.row.started)
        if shown["recorded"] or shown["to_come"]:
            extras["injections"] = shown
    return extras


def _status_tail(state: MemoryView, journal: list[Event], now: datetime, *, markdown: bool) -> str:
    """The lines after the status: the deliveries of stakeholder updates, a drill's injections."""
    from planner.cli.delivery_commands import delivery_lines

    lines: list[str] = []
    if sent := delivery_lines(journal, now):
        if markdown:
            lines = ["", "## Delivery of stakeholder updates", "", *(f"- {line}" for line in sent)]
        else:
            lines = ["", "Delivery of stakeholder updates:", *(f"  {line}" for line in sent)]
    if state.row.exercise and not markdown:
        from planner.exercise.timeline import waiting_lines

        lines.extend(waiting_lines(journal, state.row.started))
    return "".join(f"{line}\n" for line in lines)


def _odds_line(odds: LiveOdds | None) -> str:
    """``forecast: all critical RTOs: 64%; every service back by 14:20 (P90)``."""
    if odds is None:
        return ""
    from models.duration import later
    from planner.tracking.domain.moments import moment

    finish = later(odds.now, odds.forecast.makespan[1])
    back = "past the year 9999" if finish is None else f"{moment(finish, odds.now)} UTC"
    head = odds.header()
    return f"forecast: {head + '; ' if head else ''}every service back by {back} (P90)"


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
    from planner.tracking.reports.review import review
    from planner.tracking.reports.review_text import review_json, review_markdown

    state, journal, plan = _load(store_path, incident_id)
    result = review(state, effective(journal), datetime.now(UTC), plan)  # a voided event is not measured
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
    share of incidents where a restored service failed again, escalation frequency and exercises
    per quarter with their scores, with the trend by quarter. Exercises are counted apart from
    real incidents."""
    from planner.tracking.persistence.damage import DamagedRowError
    from planner.tracking.reports.kpi import facts, kpi_text, kpis

    with open_store(store_path) as store:
        gathered = []
        for row in store.incident_rows():
            try:
                state = store.snapshot(row.id)
            except DamagedRowError as damaged:  # said, and left out of the figures
                store.said(str(damaged))
                continue
            assert state is not None
            journal = effective(store.events(row.id))
            gathered.append(facts(state, journal))
            if row.exercise and row.resolved is not None:  # the score trend of the drills
                from planner.exercise.score import score

                gathered[-1].score = score(state, journal).total
    data = kpis(gathered)
    if fmt == "json":
        emit_json(data)
    else:
        say(kpi_text(data), nl=False)
    return 0
