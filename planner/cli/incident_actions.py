"""The ``planner incident`` actions: begin, check, verify, restored, bypass, fail, escalate, note,
role, update, remove-workaround, reviewed, resolve. Each builds a typed action, records it through
the store's guard (see :mod:`planner.cli.incident_options` for the shared options and
:mod:`planner.cli.recording` for how an action is recorded) and prints the journal lines it wrote.
Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import click

from models.events import Bypassed, Escalated, Event
from planner.cli.incident_options import AS, AT, STORE, open_store, parse_expiry, plain_word, when_of, who_is
from planner.cli.recording import act, done, with_incident
from planner.cli.streams import say, stdin_text
from planner.errors import UsageError
from planner.tracking.domain import actions, comms
from planner.tracking.domain.actions import Action
from planner.tracking.domain.state import View

if TYPE_CHECKING:
    from models.plan import Plan
    from planner.tracking.domain.outline import Outline
    from planner.tracking.persistence.store import Store


def _service_action(name: str, doc: str, make: Callable[[str], Action]) -> click.Command:
    """The command ``name`` that records ``make(SERVICE)``, with ``doc`` as its help."""

    @click.command(name, help=doc)
    @click.argument("incident_id", metavar="ID")
    @click.argument("service")
    @STORE
    @AS
    @AT
    def command(
        incident_id: str, service: str, store_path: str | None, actor: str | None, at: str | None
    ) -> int:
        who, when = who_is(actor), when_of(at)
        action = make(service)
        paged: list[str] = []

        def decide(view: View, when: datetime) -> list[Event]:
            events = action.decide(view, who, when)
            for event in events:  # say how to reach whoever is paged, from the incident's copy of the plan
                if isinstance(event, Escalated):
                    person = view.meta().person(event.person)
                    paged.append(f"page {person.name}: {person.contact or 'no contact in the plan'}")
            return events

        def record(store: Store) -> list[Event]:  # dated by the store's clock (persistence.clock)
            from planner.tracking.persistence.clock import stamped

            return store.act(incident_id, lambda view: decide(view, stamped(store, incident_id, when)))

        code = done(with_incident(store_path, incident_id, record))
        for line in paged:
            say(line)
        return code

    return command


begin = _service_action("begin", "Start restoring SERVICE.", actions.Begin)
restored = _service_action(
    "restored",
    "Declare SERVICE restored. Refused unless every impacted hard dependency is restored with its "
    "check passed (or bypassed) and the service's own verify is confirmed.",
    actions.Restore,
)
fail = _service_action(
    "fail",
    "SERVICE failed again: it goes back to down, and every restored service that depends on it is "
    "reopened with its checks pending.",
    actions.Fail,
)
escalate = _service_action(
    "escalate", "Page the next person on the escalation path of SERVICE's owner team.", actions.Escalate
)


@click.command()
@click.argument("incident_id", metavar="ID")
@click.argument("service")
@click.argument("dependency")
@click.option("--reason", required=True, metavar="TEXT", help="why the check is skipped (required)")
@click.option("--expires", metavar="DURATION", help="how long the workaround may stay (default 24h)")
@STORE
@AS
@AT
def bypass(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    service: str,
    dependency: str,
    reason: str,
    expires: str | None,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Skip the check of DEPENDENCY for SERVICE, with a reason.

    This creates a workaround record (who, why, when, expiry, owner team) that stays open until
    `planner incident remove-workaround` takes it out: every audit reports it (bypassed-check),
    the post-incident review lists it, and resolving the incident needs --accept-workarounds
    while it is open.
    """
    lasting = parse_expiry(expires)
    who, when = who_is(actor), when_of(at)
    events = act(
        store_path,
        incident_id,
        actions.Bypass(service, dependency, reason, lasting),
        who,
        when,
    )
    done(events)
    for event in events:
        if isinstance(event, Bypassed):
            say(
                f"workaround {event.workaround} is open until removed: "
                f"planner incident remove-workaround {event.workaround}",
                err=True,
            )
    return 0


@click.command()
@click.argument("incident_id", metavar="ID")
@click.argument("text")
@STORE
@AS
@AT
def note(incident_id: str, text: str, store_path: str | None, actor: str | None, at: str | None) -> int:
    """Add a note to the journal."""
    who, when = who_is(actor), when_of(at)
    return done(act(store_path, incident_id, comms.AddNote(text), who, when))


@click.command()
@click.argument("incident_id", metavar="ID")
@click.argument("role")
@click.argument("person")
@click.option(
    "--outside-plan", is_flag=True, help="PERSON is not one of the plan's people (a vendor, a guest)"
)
@STORE
@AS
@AT
def role(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    role: str,
    person: str,
    outside_plan: bool,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Assign ROLE (incident_commander, communications_lead, scribe, ...) to PERSON, one of the
    plan's people (or anyone, with --outside-plan)."""
    who, when = who_is(actor), when_of(at)
    assignment = comms.AssignRole(
        plain_word(role, "ROLE"), plain_word(person, "PERSON"), outside_plan=outside_plan
    )
    return done(act(store_path, incident_id, assignment, who, when))


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option(
    "--audience",
    type=click.Choice([a.value for a in comms.Audience]),
    default="technical",
    show_default=True,
)
@click.option("--message", metavar="TEXT", help="send this text instead of the draft ('-' reads stdin)")
@click.option("--draft", is_flag=True, help="print the draft only; log nothing")
@STORE
@AS
@AT
def update(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    audience: str,
    message: str | None,
    draft: bool,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Draft a stakeholder update from the state and log it as sent.

    The draft says what is down and the customer impact by criticality, what is being restored
    and by whom, what is blocked and on whom, what is restored, and the ETA from the schedule
    re-run on the current state. Review it with --draft, send your own text with --message.
    """

    from planner.tracking.domain.components import component_views
    from planner.tracking.reports.drafting import draft_update
    from planner.tracking.reports.progress import project

    who, when = who_is(actor), when_of(at)
    if message == "-":
        message = stdin_text("--message -")
    if message is None:
        outline, plan = with_incident(
            store_path, incident_id, lambda store: _outline_and_plan(store, incident_id)
        )
        projection = project(outline, when)
        views = [] if plan is None else component_views(plan, outline, projection, when)
        message = draft_update(outline, projection, when, audience, components=views)
    if draft:
        say(message, nl=False)
        return 0
    events = act(
        store_path,
        incident_id,
        comms.SendUpdate(comms.as_audience(audience), message or ""),
        who,
        when,
    )
    say(message, nl=False)
    say("---", err=True)
    done(events)
    return 0


def _outline_and_plan(store: Store, incident_id: str) -> tuple[Outline, Plan | None]:
    """An incident's outline, and its plan when that declares components."""
    from planner.tracking.persistence.stored_plan import plan_with_components

    outline = store.outline(incident_id)
    assert outline is not None, "required by with_incident"
    return outline, plan_with_components(store, outline.row)


@click.command("remove-workaround")
@click.argument("workaround")
@STORE
@AS
@AT
def remove_workaround(workaround: str, store_path: str | None, actor: str | None, at: str | None) -> int:
    """Record that WORKAROUND (an id like INC-3-WA1) was taken out."""
    with open_store(store_path) as store:
        found = store.find_workaround(workaround)
    if found is None:
        raise UsageError(
            f"no workaround {workaround} in the store; a workaround in the plan file is removed by "
            "setting its `removed:` date there"
        )
    who, when = who_is(actor), when_of(at)
    return done(act(store_path, found.incident, actions.RemoveWorkaround(workaround), who, when))


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option("--summary", metavar="TEXT", help="where the review lives, or its conclusion")
@STORE
@AS
@AT
def reviewed(
    incident_id: str, summary: str | None, store_path: str | None, actor: str | None, at: str | None
) -> int:
    """Record that the post-incident review of ID was held (audits count resolved incidents
    without one)."""
    who, when = who_is(actor), when_of(at)
    return done(act(store_path, incident_id, comms.HoldReview(summary), who, when))


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option(
    "--accept-workarounds",
    is_flag=True,
    help="resolve although workarounds are open; each becomes an action item in the report",
)
@click.option("--accept-down", is_flag=True, help="resolve although services are not restored")
@STORE
@AS
@AT
def resolve(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    accept_workarounds: bool,
    accept_down: bool,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Resolve incident ID. Refused while workarounds are open, unless --accept-workarounds, and
    while services are not restored, unless --accept-down."""
    who, when = who_is(actor), when_of(at)
    events = act(store_path, incident_id, actions.Resolve(accept_workarounds, accept_down), who, when)
    done(events)
    say(f"review it: planner report {incident_id}", err=True)
    return 0
