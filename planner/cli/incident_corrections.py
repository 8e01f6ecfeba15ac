"""``planner incident amend`` and ``planner incident void``: corrections recorded as events (the
journal stays append-only; see :mod:`planner.tracking.domain.corrections`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import click

from models.events import Event
from planner.cli.incident_options import AS, AT, STORE, open_store, parse_expiry, when_of, who_is
from planner.cli.recording import act, done, with_incident
from planner.errors import UsageError
from planner.tracking.domain import corrections
from planner.tracking.domain.corrections import Amend, AmendWorkaround, Void

REASON = click.option("--reason", required=True, metavar="TEXT", help="why the record was wrong (required)")


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option("--detected", metavar="TIME", help="when the failure was really first detected")
@click.option("--title", metavar="TEXT", help="the incident's right title")
@REASON
@STORE
@AS
@AT
def amend(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    detected: str | None,
    title: str | None,
    reason: str,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Correct what the start recorded: the detection time (MTTD counts from it) or the title.

    The correction is a new journal event; the report, the KPIs and the screen use the corrected
    value from then on, and the journal keeps both.

      planner incident amend INC-3 --detected 2026-11-28T01:52Z --reason "typed the wrong day"
    """
    who, when = who_is(actor), when_of(at)
    seen = when_of(detected, "--detected") if detected else None
    return done(act(store_path, incident_id, Amend(reason, detected=seen, title=title), who, when))


@click.command("amend-workaround")
@click.argument("workaround")
@click.option("--expires", metavar="DURATION", help="the right expiry, counted from when it was applied")
@click.option("--bypass-reason", metavar="TEXT", help="the right reason for the bypass")
@REASON
@STORE
@AS
@AT
def amend_workaround(  # noqa: PLR0917 - click passes every option
    workaround: str,
    expires: str | None,
    bypass_reason: str | None,
    reason: str,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Correct a bypass recorded wrong: WORKAROUND's expiry or its reason.

    A bypass is never voided (it stays on the record until its workaround is removed); a wrong
    expiry (say the default 24h where 2h was meant) or reason is corrected by a new journal event.

      planner incident amend-workaround INC-3-WA1 --expires 2h --reason "meant two hours"
    """
    with open_store(store_path) as store:
        found = store.find_workaround(workaround)
    if found is None:
        raise UsageError(
            f"no workaround {workaround} in the store (a workaround of the plan is edited there)"
        )
    who, when = who_is(actor), when_of(at)
    action = AmendWorkaround(workaround, reason, parse_expiry(expires), bypass_reason)
    return done(act(store_path, found.incident, action, who, when))


@click.command()
@click.argument("incident_id", metavar="ID")
@click.argument("seq", metavar="EVENT", type=int)
@REASON
@STORE
@AS
@AT
def void(  # noqa: PLR0917 - click passes every option
    incident_id: str, seq: int, reason: str, store_path: str | None, actor: str | None, at: str | None
) -> int:
    """Declare journal event EVENT (its #number in status and the journal) a mistake.

    The incident is worked out again as if it had not been recorded: a task wrongly marked
    restored is back to what it was, and the report and KPIs leave it out. The journal keeps the
    event and the void. A bypass is never voided (remove its workaround), nor an incident's start.

      planner incident void INC-3 17 --reason "restored the wrong service"
    """
    return _correct(
        store_path,
        incident_id,
        actor,
        at,
        lambda journal, _who, _when: corrections.void(journal, seq, reason),
    )


@click.command("undo")
@click.argument("incident_id", metavar="ID")
@STORE
@AS
@AT
def undo_last(incident_id: str, store_path: str | None, actor: str | None, at: str | None) -> int:
    """Take back your own last action, if it is at most ten minutes old (a wrong begin or
    verify). Recorded as a void, not as a failure: it does not count as a reopen. A bypass is
    never undone (remove its workaround)."""
    return _correct(store_path, incident_id, actor, at, corrections.undo)


@click.command("reopen")
@click.argument("incident_id", metavar="ID")
@REASON
@STORE
@AS
@AT
def reopen_incident(
    incident_id: str, reason: str, store_path: str | None, actor: str | None, at: str | None
) -> int:
    """Reopen a wrongly resolved incident: its resolution is voided (the journal keeps both), and
    work goes on where it stopped."""
    return _correct(
        store_path, incident_id, actor, at, lambda journal, _who, _when: corrections.reopen(journal, reason)
    )


def _correct(
    store_path: str | None,
    incident_id: str,
    actor: str | None,
    at: str | None,
    correction: Callable[[Sequence[Event], str, datetime], Void],
) -> int:
    """Record the void that ``correction`` draws from the incident's whole journal, by whom and
    when the action is."""
    who, when = who_is(actor), when_of(at)
    action = with_incident(
        store_path, incident_id, lambda store: correction(store.events(incident_id), who, when)
    )
    return done(act(store_path, incident_id, action, who, when))
