"""``planner validate``, ``schema``, ``impact``, ``order`` and ``schedule``.

Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

import click

from planner.cli.options import FAILED, FORMAT, PLAN, SCENARIO, OutputFormat, debugging
from planner.cli.streams import emit_json, say, styler
from planner.errors import PlanError, Problem
from planner.style import plural

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from models.plan import Component
    from planner.engine.planning import Ordering, Planning


def _planning(plan: str, scenario: str | None, failed: tuple[str, ...]) -> Planning:
    from planner.engine.planning import plan_recovery
    from planner.planfile.loader import load_valid_plan

    return plan_recovery(load_valid_plan(plan), scenario, list(failed) or None)


def _ordering(plan: str, scenario: str | None, failed: tuple[str, ...]) -> Ordering:
    from planner.engine.planning import plan_order
    from planner.planfile.loader import load_valid_plan

    return plan_order(load_valid_plan(plan), scenario, list(failed) or None)


@click.command()
@PLAN
@FORMAT
def validate(plan: str, fmt: str) -> int:
    """Check PLAN and list every problem, none hidden behind the first.

    Structural problems (syntax, types, unknown keys, bad durations, duplicate ids) and referential
    ones (ids that name nothing, self-dependencies, cycles of hard dependencies) are all reported,
    each as FILE:LINE:COL. Exit 0 when the plan is valid, 2 when it is not. PLAN may be '-' for
    standard input.
    """
    from planner.planfile.loader import load_plan

    try:
        loaded = load_plan(plan)
        loaded.require_valid()
    except PlanError as exc:
        if debugging():
            raise
        _report_problems(exc.problems, fmt)
        return 2
    p = loaded.plan
    # counted without a list of every dependency or a property call per one (0.1 s at 100,000)
    kinds = Counter(d.kind for s in p.services for d in s.depends_on)
    hard, edges = kinds["hard"], kinds.total()
    if fmt == "json":
        summary = {
            "valid": True,
            "problems": [],
            "counts": {
                "services": len(p.services),
                "teams": len(p.teams),
                "people": len(p.people),
                "dependencies": edges,
                "hard": hard,
                "soft": edges - hard,
                "scenarios": len(p.scenarios),
                "workarounds": len(p.workarounds),
                "components": len(p.components),
            },
        }
        emit_json(summary)
    else:
        say(
            f"{loaded.source.name}: valid plan '{p.name}': {plural(len(p.services), 'service')}, "
            f"{plural(len(p.teams), 'team')}, {plural(len(p.people), 'person', 'people')}, "
            f"{plural(edges, 'dependency', 'dependencies')} ({hard} hard, {edges - hard} soft), "
            f"{plural(len(p.scenarios), 'scenario')}, {plural(len(p.workarounds), 'workaround')}"
            + _components_count(p.components)
        )
    return 0


def _components_count(components: Sequence[Component]) -> str:
    """``, 10 components (5 public)``; nothing for a plan without components."""
    if not components:
        return ""
    public = sum(1 for c in components if c.audience == "public")
    return f", {plural(len(components), 'component')} ({public} public)"


def _report_problems(problems: list[Problem], fmt: str) -> None:
    """Every problem, as JSON on stdout or as lines on stderr; then how many there are."""
    if fmt == OutputFormat.JSON:
        out = {
            "valid": False,
            "problems": [
                {
                    "kind": p.kind,
                    "rule": p.rule,
                    "message": p.message,
                    "path": list(p.path),
                    "location": p.location,
                    "file": p.file,
                    "line": p.line,
                    "column": p.column,
                    **p.data,
                }
                for p in problems
            ],
        }
        emit_json(out)  # every problem is in it: stderr only counts them
    else:
        for problem in problems:
            say(str(problem), err=True)
    count = len(problems)
    say(f"{count} problem{'s' if count != 1 else ''}; the plan is not usable until fixed.", err=True)


@click.command()
def schema() -> int:
    """Print the JSON Schema of the plan file.

    Editors validate and complete plans with it: save it as plan.schema.json and put
    '# yaml-language-server: $schema=plan.schema.json' on the first line of the plan.
    """
    from planner.planfile.schema import plan_schema

    say(json.dumps(plan_schema(), indent=2), fit=False)
    return 0


@click.command()
@PLAN
@click.argument("services", nargs=-1)
@SCENARIO
@FORMAT
def impact(plan: str, services: tuple[str, ...], scenario: str | None, fmt: str) -> int:
    """What failing SERVICES (or a --scenario's) takes down: impacted, degraded and critical
    services, and the chain of hard dependencies by which each is reached.

    \b
    Examples:
      planner impact examples/enterprise.yaml storage-cluster
      planner impact examples/enterprise.yaml --scenario storage-outage
    """
    from planner.cli.plan_output import impact_json, render_impact
    from planner.errors import UsageError

    if bool(services) == bool(scenario):
        raise UsageError("name the failed SERVICES or a --scenario (one of them)")
    result = _ordering(plan, scenario, services)
    if fmt == "json":
        emit_json(impact_json(result))
    else:
        say(render_impact(result, styler()))
    return 0


@click.command()
@PLAN
@SCENARIO
@FAILED
@FORMAT
def order(plan: str, scenario: str | None, failed: tuple[str, ...], fmt: str) -> int:
    """Restore waves: what to restore first.

    Wave 1 has no down hard dependency; each later wave waits on the one before. Within a wave:
    most critical first, then tightest RTO, then id.
    """
    from planner.cli.plan_output import order_json, render_order

    result = _ordering(plan, scenario, failed)
    if fmt == "json":
        emit_json(order_json(result))
    else:
        say(render_order(result, styler()), nl=False)
    return 0


@click.command(name="schedule")
@PLAN
@SCENARIO
@FAILED
@FORMAT
@click.option(
    "--forecast",
    is_flag=True,
    help="add each task's chance of meeting its RTO (2,000 sampled schedules: see `planner forecast`)",
)
def schedule_cmd(plan: str, scenario: str | None, failed: tuple[str, ...], fmt: str, forecast: bool) -> int:
    """Capacity-aware timeline: start and finish of every task, RTO met or missed, the critical
    path, and for each miss the cheapest lever (shorten a task, raise a team's capacity).

    Teams run as many tasks at once as their `capacity`; services without an owner share one
    slot. Times are from incident start. Exit 0 even when RTOs are missed (audit gates on that).
    """
    from planner.cli.plan_output import render_schedule, schedule_json, schedule_json_bytes
    from planner.engine.planning import plan_recovery
    from planner.planfile.loader import load_valid_plan

    valid = load_valid_plan(plan)
    result = plan_recovery(valid, scenario, list(failed) or None)
    chances = _chances(result, valid.policy.forecast_spread) if forecast else None
    if fmt == "json":
        if chances is None:
            _emit_parts(schedule_json_bytes(result))
        else:
            out = schedule_json(result)
            for task in out["tasks"]:
                task["p_meet_rto"] = chances[task["service"]]
            emit_json(out)
    else:
        import sys

        from planner.cli.forecast_output import percent
        from planner.style import output_width

        shown = None if chances is None else {s: percent(p) for s, p in chances.items()}
        say(render_schedule(result, styler(), output_width(sys.stdout.isatty()), shown), nl=False)
    return 0


def _emit_parts(parts: Iterator[bytes]) -> None:
    """A JSON document on stdout as it is made (see ``emit_json``)."""
    import sys

    from planner.cli.streams import write_all

    sys.stdout.flush()  # anything already written as text goes first
    for part in parts:
        write_all(sys.stdout.buffer, part)
    sys.stdout.buffer.flush()


def _chances(result: Planning, spread: float) -> dict[str, float | None]:
    """Each task's chance of meeting its RTO, from the plan's estimates (no history)."""
    from planner.forecast.scenario import run, setup_of

    forecast = run(setup_of(result, spread))
    return {f.service: f.p_meet for f in forecast.services}
