"""The command group and its commands; each returns an exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner.errors import PlanError, Problem
from planner.render_plan import Style, plain

if TYPE_CHECKING:
    from planner.loader import LoadedPlan
    from planner.planning import Ordering, Planning


def debugging() -> bool:
    """True when the user asked for tracebacks with ``--debug``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and isinstance(ctx.obj, dict) and ctx.obj.get("debug"))


PLAN = click.argument("plan", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines",
)


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
      planner validate examples/enterprise.yaml
      planner schedule examples/enterprise.yaml --scenario storage-outage
      planner audit examples/enterprise.yaml
      planner export examples/enterprise.yaml --format markdown -o runbook.md
      planner import compose docker-compose.yml -o plan.yaml
    """


@cli.command()
@PLAN
@FORMAT
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


def _ordering(plan: str, scenario: str | None, failed: tuple[str, ...]) -> Ordering:
    from planner.loader import load_valid_plan
    from planner.planning import plan_order

    return plan_order(load_valid_plan(plan), scenario, list(failed) or None)


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

    result = _ordering(plan, None, services)
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

    result = _ordering(plan, scenario, failed)
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


# --- audit -------------------------------------------------------------------------------

_FAIL_RANK = {"error": 0, "warning": 1, "info": 2}


@cli.command()
@PLAN
@click.option("--scenario", metavar="ID", help="restrict findings to the services this scenario impacts")
@click.option(
    "--all-scenarios",
    is_flag=True,
    help="also run every scenario and every single-service failure and list the worst",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="audit as of this date (default: now), e.g. the day of the next exercise",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, sarif for code-scanning UIs",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="exit 1 when a finding is at or above this severity",
)
def audit(  # noqa: PLR0917 - click passes every option positionally by name
    plan: str, scenario: str | None, all_scenarios: bool, as_of: object, fmt: str, fail_on: str
) -> int:
    """Audit PLAN before an exercise: every rule, the readiness checklist and coverage.

    Finds missing owners, unchecked dependencies, RTOs that cannot be met, stale runbooks,
    untested escalation paths, unassigned incident roles and workarounds that bypass dependency
    checks. Rule severities can be changed per plan under `policy.rules`. Exit 1 when a finding
    is at or above --fail-on (default: error), 0 otherwise, 2 for a plan that cannot be read.

    \b
    Examples:
      planner audit examples/enterprise.yaml
      planner audit plan.yaml --as-of 2027-01-15 --fail-on warning
      planner audit plan.yaml --format sarif > audit.sarif
    """
    from datetime import datetime

    from planner.audit import as_of_moment, run_audit
    from planner.audit.render import audit_json, audit_sarif, render_audit
    from planner.loader import load_plan

    loaded = load_plan(plan)
    day = as_of.date() if isinstance(as_of, datetime) else None
    report = run_audit(loaded, as_of_moment(day), scenario)
    if fmt == "json":
        data = audit_json(report)
        if all_scenarios:
            data["scenarios"] = _scenario_table(loaded, json_out=True)
        _emit_json(data)
    elif fmt == "sarif":
        _emit_json(audit_sarif(report))
    else:
        click.echo(render_audit(report, styler()), nl=False)
        if all_scenarios:
            click.echo(_scenario_table(loaded, json_out=False))
    if fail_on == "never":
        return 0
    threshold = _FAIL_RANK[fail_on]
    return 1 if any(_FAIL_RANK[f.severity] <= threshold for f in report.findings) else 0


def _scenario_table(loaded: LoadedPlan, json_out: bool) -> Any:
    from planner.audit.scenarios import all_scenarios
    from planner.render_plan import fmt_duration

    if loaded.problems:
        if json_out:
            return []
        return "\nScenarios: not run, the dependency graph has errors."
    outcomes, covered = all_scenarios(loaded.plan)
    if json_out:
        return [
            {
                "id": o.id,
                "name": o.name,
                "impacted": o.impacted,
                "rto_misses": o.rto_misses,
                "unachievable": o.unachievable,
                "unowned": o.unowned,
                "makespan": o.makespan / 60,
            }
            for o in outcomes
        ]
    lines = [f"\nWorst scenarios ({covered}; top 10 by RTO misses, then unowned tasks):"]
    lines.append(
        f"  {'scenario':<32} {'impacted':>8} {'misses':>7} {'unachievable':>13} {'unowned':>8} "
        f"{'back after':>11}"
    )
    for o in outcomes[:10]:
        lines.append(
            f"  {o.id[:32]:<32} {o.impacted:>8} {o.rto_misses:>7} {o.unachievable:>13} {o.unowned:>8} "
            f"{fmt_duration(o.makespan):>11}"
        )
    return "\n".join(lines)


# --- export ------------------------------------------------------------------------------

EXPORT_FORMATS = ["dot", "svg", "png", "pdf", "mermaid", "gantt", "markdown"]


@cli.command()
@PLAN
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="dot/svg/png/pdf: Graphviz diagram; mermaid: flowchart; gantt: Mermaid schedule; "
    "markdown: the recovery runbook",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="file to write (default: stdout)"
)
@SCENARIO
@FAILED
@click.option(
    "--cluster",
    type=click.Choice(["team", "wave", "none"]),
    default="team",
    show_default=True,
    help="group diagram nodes by owner team, by restore wave, or not at all",
)
@click.option("--focus", metavar="SERVICE", help="draw only the neighbourhood of SERVICE (large plans)")
@click.option("--depth", type=click.IntRange(1, 20), default=2, show_default=True, help="hops around --focus")
@click.option(
    "--gantt-by",
    type=click.Choice(["team", "wave"]),
    default="team",
    show_default=True,
    help="Gantt sections per team or per wave",
)
def export(  # noqa: PLR0917 - click passes every option by name
    plan: str,
    fmt: str,
    output: str | None,
    scenario: str | None,
    failed: tuple[str, ...],
    cluster: str,
    focus: str | None,
    depth: int,
    gantt_by: str,
) -> int:
    """Diagrams and the recovery runbook for documentation.

    Edges point the way restoration flows (dependency -> dependent): solid hard, dotted soft,
    dashed hard without a check, red a check bypassed by an open workaround. Services with audit
    errors are outlined. With --scenario, failed / impacted / degraded services are coloured and
    the rest faded. svg, png and pdf need Graphviz's `dot`; dot, mermaid, gantt and markdown do not.

    \b
    Examples:
      planner export examples/enterprise.yaml --format png -o plan.png
      planner export examples/enterprise.yaml --format markdown --scenario storage-outage -o runbook.md
      planner export big.yaml --format svg --focus db-primary --depth 2 -o db.svg
    """
    from datetime import UTC, datetime

    from planner.audit import as_of_moment, run_audit
    from planner.errors import UsageError
    from planner.export.dot import render_binary, render_dot
    from planner.export.markdown import render_runbook
    from planner.export.mermaid import render_flowchart, render_gantt
    from planner.export.view import build_view
    from planner.loader import load_plan
    from planner.messages import did_you_mean
    from planner.planning import plan_recovery
    from planner.workarounds import open_workarounds

    loaded = load_plan(plan)
    valid = loaded.require_valid()
    if focus is not None and focus not in {s.id for s in valid.services}:
        known = {s.id for s in valid.services}
        raise UsageError(f"unknown service '{focus}' for --focus{did_you_mean(focus, known)}")
    planning = plan_recovery(valid, scenario, list(failed) or None)
    narrowed = bool(scenario or failed)
    workarounds = open_workarounds(valid)
    report = run_audit(loaded, as_of_moment(None), scenario) if fmt != "gantt" else None
    errors = {f.service for f in report.findings if f.severity == "error" and f.service} if report else set()
    view = build_view(planning, workarounds, errors, scenario=narrowed, focus=focus, depth=depth)
    text: str | None = None
    data: bytes | None = None
    if fmt == "dot":
        text = render_dot(view, cluster)  # type: ignore[arg-type]
    elif fmt in ("svg", "png", "pdf"):
        data = render_binary(render_dot(view, cluster), fmt)  # type: ignore[arg-type]
    elif fmt == "mermaid":
        text = render_flowchart(view)
    elif fmt == "gantt":
        text = render_gantt(planning, gantt_by)
    else:
        assert report is not None
        text = render_runbook(planning, view, report, workarounds, datetime.now(UTC).date())
    if data is not None and output is None and sys.stdout.isatty():
        raise UsageError(f"--format {fmt} is binary: give -o FILE or redirect standard output")
    _write(output, text, data)
    return 0


def _write(output: str | None, text: str | None, data: bytes | None) -> None:
    from pathlib import Path

    if output is None:
        if data is not None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            click.echo(text, nl=False)
        return
    target = Path(output)
    try:
        if data is not None:
            target.write_bytes(data)
        else:
            target.write_text(text or "", encoding="utf-8")
    except OSError as exc:
        from planner.errors import UsageError

        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {output}", err=True)


# --- import ------------------------------------------------------------------------------


MERGE_HELP = (
    "update this existing plan in place instead: keeps owners, RTOs, checks and comments, adds new "
    "services, brings dependencies in line, marks services the source no longer has"
)


IMPORT_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)
IMPORT_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="plan file to write (default: stdout)",
)
IMPORT_NAME = click.option("--name", help="the plan's name (default: the first file's directory)")
IMPORT_MERGE = click.option(
    "--merge", "merge", type=click.Path(dir_okay=False, path_type=Path), help=MERGE_HELP
)


@cli.group(name="import")
def import_group() -> None:
    """Start a plan from what you already have: Docker Compose files or a Backstage catalog.

    The plan written validates; owners, RTOs and restore times are left for a person (as
    `# TODO` comments), and `planner audit` on the result lists what is still missing.
    """


@import_group.command(name="compose")
@IMPORT_FILES
@IMPORT_OUTPUT
@IMPORT_NAME
@click.option(
    "--env-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="variables (default: .env beside the first file)",
)
@click.option(
    "--profile", "profiles", multiple=True, metavar="NAME", help="activate a Compose profile (repeatable)"
)
@click.option("--all-profiles", is_flag=True, help="include services behind every profile")
@click.option(
    "--owner-label",
    default="com.recovery-planner.owner",
    show_default=True,
    help="label naming the owner team",
)
@click.option(
    "--keep-going", is_flag=True, help="drop depends_on entries that name no service, with a warning"
)
@IMPORT_MERGE
def import_compose(  # noqa: PLR0917 - click passes every option by name
    files: tuple[Path, ...],
    output: Path | None,
    name: str | None,
    env_file: Path | None,
    profiles: tuple[str, ...],
    all_profiles: bool,
    owner_label: str,
    keep_going: bool,
    merge: Path | None,
) -> int:
    """Docker Compose FILES (merged in order, like `docker compose -f a -f b`) to a plan.

    Each service becomes a plan service and its healthcheck its `verify`; `depends_on` becomes
    dependencies: `service_healthy` gates get the target's healthcheck as their `check`,
    `service_completed_successfully` a completion check, `service_started` and the list form stay
    unchecked (with a note where the target has a healthcheck to use), `required: false` is soft.
    Owners come from the --owner-label label. Variables are substituted from the environment and
    .env; services behind inactive profiles are left out.

    \b
    Example:
      planner import compose compose.yaml compose.override.yaml -o plan.yaml
    """
    from planner.importers.compose import load_project, to_plan_yaml

    project = load_project(list(files), env_file=env_file, profiles=profiles, all_profiles=all_profiles)
    plan_name = name or (files[0].resolve().parent.name or "imported")
    text, warnings = to_plan_yaml(project, plan_name, owner_label=owner_label, keep_going=keep_going)
    for warning in project.warnings + warnings:
        click.echo(f"warning: {warning}", err=True)
    if project.skipped_by_profile:
        skipped = ", ".join(project.skipped_by_profile)
        click.echo(f"left out behind inactive profiles: {skipped} (--profile/--all-profiles)", err=True)
    _finish_import(text, output, merge)
    click.echo(f"{len(project.services)} services imported; next: planner audit on the plan", err=True)
    return 0


def _finish_import(text: str, output: Path | None, merge: Path | None) -> None:
    from planner.importers.merge import merge_into_file
    from planner.loader import load_source
    from planner.source import Source

    load_source(Source(str(output or "<import>"), text, "yaml")).require_valid()  # never write a broken plan
    if merge is None:
        _write(str(output) if output else None, text, None)
        return
    merged, report = merge_into_file(merge, text)
    target = output or merge
    load_source(Source(str(target), merged, "yaml")).require_valid()
    for line in report.lines():
        click.echo(line, err=True)
    _write(str(target), merged, None)


@import_group.command(name="backstage")
@IMPORT_FILES
@IMPORT_OUTPUT
@IMPORT_NAME
@IMPORT_MERGE
def import_backstage(
    files: tuple[Path, ...], output: Path | None, name: str | None, merge: Path | None
) -> int:
    """Backstage catalog FILES (multi-document YAML; Location targets are followed) to a plan.

    Component, Resource, System and API entities become services (tags keep kind, type,
    lifecycle and system), Groups teams and Users people. spec.owner gives the owner team;
    spec.dependsOn hard dependencies; consumesApis a dependency on each API's providers.
    Owners that resolve to no Group are reported, and the service is kept without an owner.

    \b
    Example:
      planner import backstage catalog-info.yaml -o plan.yaml
    """
    from planner.importers.backstage import read_catalog, to_plan_yaml

    catalog = read_catalog(list(files))
    plan_name = name or (files[0].resolve().parent.name or "imported")
    text, warnings = to_plan_yaml(catalog, plan_name)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    _finish_import(text, output, merge)
    count = sum(1 for e in catalog.entities.values() if e.kind in ("component", "resource", "system", "api"))
    click.echo(f"{count} services imported; next: planner audit on the plan", err=True)
    return 0
