"""``planner track``: the terminal UI over the tracking core.

Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from models.plan import Plan
    from planner.tracking.domain.state import MemoryView
    from planner.tracking.persistence.db import Location
    from planner.tui.projector import Projector

from planner.cli.delivery_commands import DELIVERY
from planner.cli.incident_options import STORE, who_is
from planner.cli.options import FAILED, PLAN, SCENARIO
from planner.errors import UsageError


@click.command()
@PLAN
@SCENARIO
@FAILED
@STORE
@click.option("--incident", "incident_id", metavar="ID", help="resume this incident instead of starting one")
@click.option("--as", "actor", metavar="NAME", help="who you are in the journal (default: your login name)")
@click.option("--exercise", is_flag=True, help="a drill: kept apart in KPIs, counts as an exercise")
@DELIVERY
def track(  # noqa: PLR0917 - click passes every option
    plan: str,
    scenario: str | None,
    failed: tuple[str, ...],
    store_path: str | None,
    incident_id: str | None,
    actor: str | None,
    exercise: bool,
    delivery_path: str | None,
) -> int:
    """The recovery screen: track the incident of PLAN live.

    Starts an incident for the scenario (default: every service failed), or resumes one with
    --incident ID; with an incident of this plan still open it offers to resume it. Every key
    goes through the same guards and journal as `planner incident`, so several terminals (and
    scripts) can work on one incident; each sees the others' actions within a second. With
    --store postgresql://... responders on different machines share it: the screen is told of
    new actions, shows OFFLINE (and refuses actions) while the server cannot be reached, and
    reconnects by itself. The update dialog (u) delivers to the destinations the delivery
    config names for the audience (--delivery; none: updates are only logged).

    \b
    Keys: b begin  c/C pass/fail a check  v verify  ! run a check or verify  r restored
          x bypass  f failed again  n note  u update  e escalate  z undo  R resolve  W workaround out
          / filter  1-4 all/ready/late/at risk  t team  H hide restored  s sort
          ] [ next/previous ready  } { next/previous late  d/l detail/journal full-screen
          Esc clear filters  g tree  ? help  Ctrl+P every action  q quit
    """
    _require_terminal()
    from planner.tui.projector import Projector

    projector = Projector()  # started before the screen's threads (see _track)
    try:
        options = (scenario, failed, store_path, incident_id, actor, exercise, delivery_path)
        return _track(projector, plan, *options)
    finally:
        projector.close()


def _track(  # noqa: PLR0917 - the options of track
    projector: Projector,
    plan: str,
    scenario: str | None,
    failed: tuple[str, ...],
    store_path: str | None,
    incident_id: str | None,
    actor: str | None,
    exercise: bool,
    delivery_path: str | None,
) -> int:
    from planner.planfile.loader import load_plan
    from planner.tracking.persistence.db import locate
    from planner.tracking.session import Session
    from planner.tui.projector import CHILD_FROM

    if delivery_path:  # the screen reads the delivery config where PLANNER_DELIVERY says
        os.environ["PLANNER_DELIVERY"] = delivery_path
    valid = (loaded := load_plan(plan)).require_valid()
    if len(valid.services) >= CHILD_FROM:  # in parallel with opening the incident
        projector.start()
    path = locate(store_path)
    who = who_is(actor)
    failed_ids = list(failed) or None  # scenario.select splits "a,b" and checks the ids

    session = Session(path, "", who)

    def start_new() -> str:
        session.opened = _start(
            path, valid, loaded.source.text, scenario=scenario, failed=failed_ids, exercise=exercise, who=who
        )
        return session.opened.row.id

    chosen, offer = _which_incident(path, incident_id, valid.name)
    session.incident = chosen or start_new()
    from planner.cli import collect_garbage_from_now_on
    from planner.tui.app import TrackApp

    app = TrackApp(
        session,
        resume_offer=offer or None,
        starter=start_new,
        plan_path=plan,
        projector=projector,
    )
    collect_garbage_from_now_on()
    app.run()
    return 0


def _start(
    path: Location,
    plan: Plan,
    text: str,
    *,
    scenario: str | None,
    failed: list[str] | None,
    exercise: bool,
    who: str,
) -> MemoryView:
    """Open a new incident of ``plan`` in the store; its rows, as written."""
    from planner.tracking.persistence.starting import open_incident
    from planner.tracking.persistence.store import Store

    with Store(path) as store:
        return open_incident(
            store,
            plan,
            text,
            scenario=scenario,
            failed=failed,
            title=None,
            exercise=exercise,
            actor=who,
            at=datetime.now(UTC),
        )


def _which_incident(
    path: Location, incident_id: str | None, plan_name: str
) -> tuple[str, list[tuple[str, str]]]:
    """The incident to show (``--incident``, else the newest open one of this plan, else none)
    and, without ``--incident``, the open ones to offer to resume."""
    from planner.tracking.persistence.store import Store

    with Store(path, create=incident_id is None) as store:  # resuming needs the store to exist
        if incident_id is not None:
            return store.require(incident_id).id, []
        open_ones = [r for r in store.incident_rows() if r.plan_name == plan_name and r.state == "open"]
    offer = [(r.id, f"Resume {r.id}: {r.title} (started {r.started:%Y-%m-%d %H:%M} UTC)") for r in open_ones]
    return (open_ones[-1].id if open_ones else ""), offer


def _require_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "planner track is the interactive recovery screen and needs a terminal; "
            "from scripts and pipes use `planner incident ...` (same guards, same journal)"
        )
