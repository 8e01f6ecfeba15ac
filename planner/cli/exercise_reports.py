"""``planner exercise plan`` and ``score``: what to exercise next, and how a drill went against
the plan (docs/guide/exercises.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from planner.cli.incident_options import STORE, open_store
from planner.cli.options import FORMAT, PLAN
from planner.cli.streams import emit_json, say


@click.command("plan")
@PLAN
@click.option(
    "--as-of", "as_of", metavar="DAY", help="rank as of this day (default: today), e.g. the game day"
)
@FORMAT
@click.option("--store", "store_path", metavar="DB", help="count the drills in this store too")
def plan_exercise(plan: str, as_of: str | None, fmt: str, store_path: str | None) -> int:
    """What to exercise next: PLAN's scenarios ranked by time since each was exercised and by
    risk (the all-scenarios audit), who must take part, and the checks to dry-run first."""
    from planner.errors import UsageError
    from planner.exercise.choose import choose
    from planner.exercise.choose_text import choice_json, choice_text
    from planner.planfile.loader import load_plan

    try:
        today = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise UsageError(f"--as-of {as_of!r}: give a day as YYYY-MM-DD") from None
    loaded = load_plan(plan)
    drills: list[tuple[str, date]] = []
    if store_path:
        with open_store(store_path) as store:
            name = loaded.require_valid().name
            drills = [
                (r.scenario, r.started.date())
                for r in store.incident_rows()
                if r.exercise and r.plan_name == name
            ]
    choice = choose(loaded, today, drills)
    if fmt == "json":
        emit_json(choice_json(choice))
    else:
        say(choice_text(choice, plan), nl=False)
    return 0


@click.command()
@click.argument("incident_id", metavar="ID")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
@click.option(
    "--write", "write_plan", metavar="PLAN", help="record the exercise in PLAN (its date, scenario, score)"
)
@STORE
def score(incident_id: str, fmt: str, write_plan: str | None, store_path: str | None) -> int:
    """Score drill ID against its plan, out of 100: RTOs met, restore times against estimates,
    time lost between ready and begun, update cadence, escalations reached, injections acted on,
    checks confirmed by a run, bypasses; and the trend since the last drill of the scenario.

    With --write PLAN, the exercise is recorded under `exercises:` and the escalation paths paged
    in the drill are marked tested, comments and layout kept (the diff is printed on stderr)."""
    from planner.errors import UsageError
    from planner.exercise.history import with_trend
    from planner.exercise.score_text import score_json, score_markdown, score_text

    with open_store(store_path) as store:
        row = store.require(incident_id)
        if not row.exercise:
            raise UsageError(
                f"{incident_id} is a real incident, not a drill: `planner report {incident_id}` reviews it"
            )
        result = with_trend(store, incident_id)
        state = store.snapshot(incident_id)
    assert state is not None
    if fmt == "json":
        emit_json(score_json(result))
    elif fmt == "markdown":
        say(score_markdown(result), nl=False, fit=False)
    else:
        say(score_text(result), nl=False)
    if write_plan:
        teams = {state.tasks[svc].owner for svc, _ in result.escalations} - {None}
        _refuse_other_plan(Path(write_plan), row.plan_name, row.scenario, incident_id)
        _write(Path(write_plan), row.scenario, row.started.date(), result.total, {t for t in teams if t})
    return 0


def _refuse_other_plan(path: Path, plan_name: str, scenario: str, incident: str) -> None:
    """A drill is written back only into its own plan, and only a drill of one of its scenarios."""
    from planner.errors import UsageError
    from planner.planfile.loader import load_plan
    from planner.style import visible

    plan = load_plan(path).require_valid()
    if plan.name != plan_name:
        raise UsageError(
            f"{incident} is a drill of the plan {visible(plan_name)!r}, not of {visible(str(path))} "
            f"({visible(plan.name)!r}): nothing written"
        )
    if scenario not in {s.id for s in plan.scenarios}:
        raise UsageError(
            f"{incident} exercised {visible(scenario)}, not a scenario of {visible(str(path))}: only a "
            "drill of one of the plan's scenarios is recorded under `exercises:`; nothing written"
        )


def _write(path: Path, scenario: str, day: date, total: int, teams: set[str]) -> None:
    from planner.cli.outfiles import write_file
    from planner.exercise.record import recording
    from planner.planfile.writeback import edit_plan, unified_diff

    before, after = edit_plan(path, recording(scenario, day, total, teams))
    say(
        unified_diff(before, after, path.name) or f"{path}: already records this exercise", err=True, nl=False
    )
    if after != before:
        write_file(str(path), after.encode("utf-8"), force=True)
