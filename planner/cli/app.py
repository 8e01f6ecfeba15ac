"""The command group and its commands; each returns an exit code."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from planner.errors import PlanError, Problem
from planner.render_plan import Style, plain

if TYPE_CHECKING:
    from planner.planning import Planning


def debugging() -> bool:
    """True when the user asked for tracebacks with ``--debug``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and isinstance(ctx.obj, dict) and ctx.obj.get("debug"))


PLAN = click.argument("plan", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Add --debug to any command to see a traceback instead of a short error. "
    "Exit codes: 0 ok, 1 the answer is 'no' (findings, refused action), 2 bad input or usage.",
)
@click.version_option(package_name="recovery-planner", prog_name="planner")
def cli() -> None:
    """Dependency-graph recovery planner for IT incident response.

    Keep a plan (YAML or JSON, in git) of your services, their dependencies with verification
    checks, owner teams and RTOs; the planner says what a failure takes down, what to restore
    first, who owns each step and how to confirm it worked.

    \b
    Start with:
      planner validate examples/small.yaml
      planner schema > plan.schema.json
    """


@cli.command()
@PLAN
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines",
)
def validate(plan: str, fmt: str) -> int:
    """Check PLAN and list every problem, none hidden behind the first.

    Structural problems (syntax, types, unknown keys, bad durations, duplicate ids) and referential
    ones (ids that name nothing, self-dependencies, cycles of hard dependencies) are all reported,
    each as FILE:LINE:COL. Exit 0 when the plan is valid, 2 when it is not. PLAN may be '-' for
    standard input.
    """
    from planner.loader import load_plan

    try:
        loaded = load_plan(plan)
        loaded.require_valid()
    except PlanError as exc:
        if debugging():
            raise
        _report_problems(exc.problems, fmt)
        return 2
    p = loaded.plan
    deps = [d for s in p.services for d in s.depends_on]
    hard = sum(1 for d in deps if d.hard)
    if fmt == "json":
        summary = {
            "valid": True,
            "problems": [],
            "counts": {
                "services": len(p.services),
                "teams": len(p.teams),
                "people": len(p.people),
                "dependencies": len(deps),
                "hard": hard,
                "soft": len(deps) - hard,
                "scenarios": len(p.scenarios),
                "workarounds": len(p.workarounds),
            },
        }
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(
            f"{loaded.source.name}: valid plan '{p.name}': {len(p.services)} services, "
            f"{len(p.teams)} teams, {len(p.people)} people, {len(deps)} dependencies "
            f"({hard} hard, {len(deps) - hard} soft), {len(p.scenarios)} scenarios, "
            f"{len(p.workarounds)} workarounds"
        )
    return 0


def _report_problems(problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
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
        click.echo(json.dumps(out, indent=2))
    for problem in problems:
        click.echo(str(problem), err=True)
    count = len(problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''}; the plan is not usable until fixed.", err=True)


@cli.command()
def schema() -> int:
    """Print the JSON Schema of the plan file.

    Editors validate and complete plans with it: save it as plan.schema.json and put
    '# yaml-language-server: $schema=plan.schema.json' on the first line of the plan.
    """
    from planner.schema import plan_schema

    click.echo(json.dumps(plan_schema(), indent=2))
    return 0


# --- planning commands -------------------------------------------------------------------

SCENARIO = click.option(
    "--scenario", metavar="ID", help="a scenario of the plan (default: every service failed)"
)
FAILED = click.option(
    "--failed",
    metavar="A,B",
    multiple=True,
    help="failed service ids, comma-separated or repeated (instead of --scenario)",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines",
)


def styler() -> Style:
    """Colour for a terminal that has it; plain text when piped or with NO_COLOR set."""
    import os
    import sys

    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return plain
    colours = {"error": "red", "warning": "yellow", "success": "green"}

    def style(text: str, role: str) -> str:
        if role == "bold":
            return click.style(text, bold=True)
        if role == "dim":
            return click.style(text, dim=True)
        return click.style(text, fg=colours.get(role))

    return style


def _planning(plan: str, scenario: str | None, failed: tuple[str, ...]) -> Planning:
    from planner.loader import load_valid_plan
    from planner.planning import plan_recovery

    return plan_recovery(load_valid_plan(plan), scenario, list(failed) or None)


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2))


@cli.command()
@PLAN
@click.argument("services", nargs=-1, required=True)
@FORMAT
def impact(plan: str, services: tuple[str, ...], fmt: str) -> int:
    """What failing SERVICES takes down: impacted, degraded and critical services, and the chain
    of hard dependencies by which each is reached.

    \b
    Example:
      planner impact examples/enterprise.yaml storage-cluster
    """
    from planner.render_plan import impact_json, render_impact

    result = _planning(plan, None, services)
    if fmt == "json":
        _emit_json(impact_json(result))
    else:
        click.echo(render_impact(result, styler()))
    return 0


@cli.command()
@PLAN
@SCENARIO
@FAILED
@FORMAT
def order(plan: str, scenario: str | None, failed: tuple[str, ...], fmt: str) -> int:
    """Restore waves: what to restore first.

    Wave 1 has no down hard dependency; each later wave waits on the one before. Within a wave:
    most critical first, then tightest RTO, then id.
    """
    from planner.render_plan import order_json, render_order

    result = _planning(plan, scenario, failed)
    if fmt == "json":
        _emit_json(order_json(result))
    else:
        click.echo(render_order(result, styler()), nl=False)
    return 0


@cli.command(name="schedule")
@PLAN
@SCENARIO
@FAILED
@FORMAT
def schedule_cmd(plan: str, scenario: str | None, failed: tuple[str, ...], fmt: str) -> int:
    """Capacity-aware timeline: start and finish of every task, RTO met or missed, the critical
    path, and for each miss the cheapest lever (shorten a task, raise a team's capacity).

    Teams run as many tasks at once as their `capacity`; services without an owner share one
    slot. Times are from incident start. Exit 0 even when RTOs are missed (audit gates on that).
    """
    from planner.render_plan import render_schedule, schedule_json

    result = _planning(plan, scenario, failed)
    if fmt == "json":
        _emit_json(schedule_json(result))
    else:
        click.echo(render_schedule(result, styler()), nl=False)
    return 0
