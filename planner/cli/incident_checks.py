"""``planner incident check`` and ``verify``: recorded as a person says (``--pass``, ``--fail``,
``--observed``), or with ``--run``, by running the plan's command now and keeping what it showed
as evidence in the journal (see :mod:`planner.running` for how a command from a plan is run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from planner.cli.incident_options import AS, AT, STORE, when_of, who_is
from planner.cli.params import Seconds
from planner.cli.recording import act, done, with_incident
from planner.cli.streams import say
from planner.errors import UsageError
from planner.tracking.domain import actions

if TYPE_CHECKING:
    from planner.running import RunPlan
    from planner.tracking.domain.check_runs import Target
    from planner.tracking.persistence.store import Store


RUN = click.option(
    "--run",
    "run_it",
    is_flag=True,
    help="run the plan's command now and record what it showed (exit 0 passes; anything else fails)",
)
TIMEOUT = click.option(
    "--timeout",
    type=Seconds(min=0.1, max=3600),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="with --run: kill the command's process group after this long (a fail)",
)
CWD = click.option(
    "--cwd",
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="with --run: the working directory to run it in (default: here)",
)


@click.command()
@click.argument("incident_id", metavar="ID")
@click.argument("service")
@click.option("--observed", metavar="TEXT", help="what you looked at (needed when the plan has no verify)")
@RUN
@TIMEOUT
@CWD
@STORE
@AS
@AT
def verify(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    service: str,
    observed: str | None,
    run_it: bool,
    timeout: float,
    cwd: str | None,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Confirm SERVICE's own verify command succeeded.

    With --run the planner runs the plan's verify command itself (with your rights, without a
    shell unless the command needs one, stdin closed, its process group killed after --timeout)
    and records the exit status, duration and the first and last lines of output with the event;
    a failure is recorded as a failed verify (exit 1). Nothing from a plan runs without --run;
    `policy.run_checks: never` in the plan, or PLANNER_RUN_CHECKS=never, forbids it.
    """
    from planner.tracking.domain.check_runs import Target

    if run_it:
        _no_observation_with_run(observed, at)
        return _run_and_record(store_path, incident_id, Target(service), actor, cwd, timeout)
    who, when = who_is(actor), when_of(at)
    return done(act(store_path, incident_id, actions.Verify(service, observed), who, when))


@click.command()
@click.argument("incident_id", metavar="ID")
@click.argument("service")
@click.argument("dependency")
@click.option("--pass", "passed", flag_value=True, default=None, help="the check succeeded")
@click.option("--fail", "passed", flag_value=False, help="the check failed")
@click.option(
    "--observed", metavar="TEXT", help="what you saw (needed to pass a check the plan has no command for)"
)
@RUN
@TIMEOUT
@CWD
@STORE
@AS
@AT
def check(  # noqa: PLR0917 - click passes every option
    incident_id: str,
    service: str,
    dependency: str,
    passed: bool | None,
    observed: str | None,
    run_it: bool,
    timeout: float,
    cwd: str | None,
    store_path: str | None,
    actor: str | None,
    at: str | None,
) -> int:
    """Record the check of DEPENDENCY for SERVICE: --pass, --fail, or --run.

    A check passes only once DEPENDENCY is restored. The command is the dependency's `check:`
    in the plan (`planner incident status ID` shows it). With --run the planner runs it (see
    `verify --help`) and records pass or fail from its exit status, with the evidence (a failed
    check exits 1).
    """
    from planner.tracking.domain.check_runs import Target

    if run_it:
        if passed is not None:
            raise UsageError("--run decides pass or fail from the command's exit status: drop --pass/--fail")
        _no_observation_with_run(observed, at)
        return _run_and_record(store_path, incident_id, Target(service, dependency), actor, cwd, timeout)
    if passed is None:
        raise UsageError("say --pass, --fail or --run")
    who, when = who_is(actor), when_of(at)
    return done(
        act(
            store_path,
            incident_id,
            actions.Check(service, dependency, passed, observed),
            who,
            when,
        )
    )


def _no_observation_with_run(observed: str | None, at: str | None) -> None:
    if observed is not None:
        raise UsageError("--run records what the command showed: --observed does not go with it")
    if at is not None:
        raise UsageError("--run records a run made now: --at does not go with it")


def _run_and_record(  # noqa: PLR0917 - the options of check and verify --run
    store_path: str | None,
    incident_id: str,
    target: Target,
    actor: str | None,
    cwd: str | None,
    timeout: float,
) -> int:
    """Check that a pass would be taken, run the command, record what it showed."""
    from datetime import UTC, datetime
    from pathlib import Path

    from models.events import RunNotApplied
    from planner.running import run
    from planner.style import visible
    from planner.tracking.domain.check_runs import prepare

    who = who_is(actor)

    def planned(store: Store) -> RunPlan:
        view = store.snapshot(incident_id)
        assert view is not None, "required by with_incident"
        where = Path(cwd) if cwd else None
        return prepare(view, target, who, datetime.now(UTC), cwd=where, timeout=timeout)

    plan = with_incident(store_path, incident_id, planned)
    for line in f"running {target}: {plan.describe()}".splitlines():
        say(visible(line), err=True)
    try:
        evidence = run(plan)
    except KeyboardInterrupt:
        raise UsageError(
            "interrupted: the command's process group was killed; nothing was recorded"
        ) from None
    from planner.tracking.persistence.clock import now as clock_now

    recorded = act(store_path, incident_id, target.record(evidence), who, clock_now())  # the store's clock
    done(recorded)
    if isinstance(recorded[0], RunNotApplied):  # the state moved on while it ran: evidence only
        say(f"refused: {recorded[0].refused}; the run is kept in the journal (#{recorded[0].seq})", err=True)
        return 1
    if not evidence.passed:
        for line in "\n".join(p for p in (evidence.head, evidence.tail) if p).splitlines():
            say(visible(f"  | {line}"), err=True)
    return 0 if evidence.passed else 1
