"""``planner exercise start`` and ``inject``: opening a drill with its injection timeline, and a
facilitator's live injection (``plan`` and ``score`` are in :mod:`planner.cli.exercise_reports`;
docs/guide/exercises.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from models.duration import fmt_duration
from planner.cli.incident_options import AS, AT, STORE, open_store, when_of, who_is
from planner.cli.recording import done, inject_due, with_incident
from planner.cli.streams import say
from planner.errors import UsageError

if TYPE_CHECKING:
    from models.events import Event
    from models.plan import Plan
    from planner.exercise.injections import Drill
    from planner.tracking.domain.state import View
    from planner.tracking.persistence.store import Store


def drill_of(plan: Plan, scenario: str | None, impacted: list[str] | None = None) -> Drill:
    """What injections are checked against: ``plan`` and the services ``scenario`` impacts (or
    ``impacted``, a drill's tasks)."""
    from planner.engine.graph import RecoveryGraph
    from planner.engine.impact import compute_impact
    from planner.engine.scenario import select
    from planner.exercise.injections import Drill

    graph = RecoveryGraph.from_plan(plan)
    if impacted is not None:
        return Drill(plan, frozenset(impacted), graph)
    selection = select(plan, scenario=scenario)
    return Drill(plan, frozenset(compute_impact(graph, selection).impacted), graph, selection.failed)


@click.command()
@click.argument("plan", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--scenario", metavar="ID", required=True, help="the scenario to exercise")
@click.option("--inject", "inject_file", metavar="FILE", help="the injection timeline (YAML)")
@click.option("--title", help="what the drill is, in a line (default: the scenario's name)")
@STORE
@AS
@AT
def start(  # noqa: PLR0917 - click passes every option
    plan: str,
    scenario: str,
    inject_file: str | None,
    title: str | None,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Open a drill of SCENARIO on PLAN, with the injections of FILE on its timeline; prints its
    id last. Each injection is recorded in the journal when its time comes, by whichever client
    (`planner incident ...`, `planner track`) sees it first."""
    from models.events import ExercisePlanned
    from planner.exercise.injections import load_injections
    from planner.planfile.loader import load_plan
    from planner.tracking.persistence.clock import plain
    from planner.tracking.persistence.starting import open_incident

    loaded = load_plan(plan)
    valid = loaded.require_valid()
    injections = load_injections(inject_file, drill_of(valid, scenario)) if inject_file else []
    who, when = who_is(actor), when_of(at)
    with open_store(store_path, create=True) as store:
        snap = open_incident(
            store,
            valid,
            loaded.source.text,
            scenario=scenario,
            failed=None,
            title=title,
            exercise=True,
            actor=who,
            at=when,
        )
        row = snap.row
        if injections:
            timeline = ExercisePlanned(
                incident=row.id, at=row.started, actor=who, injections=injections, source=inject_file or ""
            )
            store.append(timeline)
        inject_due(store, row.id, plain(when))
    say(f"exercise '{row.title}': {len(snap.tasks)} services to restore; store {store.path}")
    for i in injections:
        say(f"  +{fmt_duration(i.after)} {i.id}: {_words(i)}")
    say(row.id)
    return 0


def _words(injection: Any) -> str:
    from planner.tracking.domain.words import injection_words

    what, asks = injection_words(injection)
    return f"{what} (asks: {asks})"


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option("--check", "edge", metavar="'A -> B'", help="the check between A and B fails")
@click.option("--no-answer", "person", metavar="PERSON", help="PERSON does not answer: escalate")
@click.option("--service", metavar="SERVICE", help="with --no-answer: the service to escalate")
@click.option("--fails", "service_fails", metavar="SERVICE", help="SERVICE fails again")
@click.option("--update", "audience", metavar="AUDIENCE", help="the update to AUDIENCE is due")
@click.option("--says", default="", help="what the facilitator tells the team")
@STORE
@AS
@AT
def inject(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    edge: str | None,
    person: str | None,
    service: str | None,
    service_fails: str | None,
    audience: str | None,
    says: str,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Inject a surprise into drill ID now (a facilitator, live): exactly one of --check,
    --no-answer, --fails, --update. It is recorded in the journal at once, and the team is asked
    to act on it (the score counts whether they did)."""
    given = {"check": edge, "no_answer": person, "fails": service_fails, "update": audience}
    item: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    item.update({"at": "0s", "says": says} | ({"service": service} if service else {}))
    who, when = who_is(actor), when_of(at)
    return done(with_incident(store_path, incident_id, lambda s: _inject(s, incident_id, item, who, when)))


def _inject(store: Store, incident: str, item: dict[str, Any], who: str, when: Any) -> list[Event]:
    from models.events import InjectionFired
    from planner.exercise.injections import one_injection
    from planner.exercise.timeline import fired
    from planner.planfile.loader import load_source
    from planner.planfile.source import Source
    from planner.tracking.domain.guards import require_open
    from planner.tracking.persistence.clock import plain, stamped

    row = store.require(incident)
    if not row.exercise:
        raise UsageError(f"{incident} is a real incident, not a drill: nothing is injected into it")
    text = store.plan_text(row.plan_hash)
    assert text is not None, "an incident keeps its plan"
    plan = load_source(Source(f"<plan of {incident}>", text, "yaml")).require_valid()
    state = store.snapshot(incident)
    assert state is not None
    inject_due(store, incident, plain(when))
    number = 1 + sum(1 for e in fired(store.events(incident)) if e.live)
    injection = one_injection(item, drill_of(plan, None, list(state.tasks)), f"L{number}")

    def decide(view: View) -> list[Event]:
        moment = stamped(store, incident, when)
        require_open(view, moment)
        after = max(0, int((moment - view.incident().started).total_seconds()))
        shot = injection.model_copy(update={"after": after})
        return [InjectionFired(incident=incident, at=moment, actor=who, injection=shot, live=True)]

    return store.act(incident, decide)
