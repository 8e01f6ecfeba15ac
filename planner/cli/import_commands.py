"""``planner import compose`` and ``planner import backstage``.

Commands import their own modules inside the function (see :mod:`planner.cli`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.cli.options import FORCE
from planner.cli.streams import say, write_output
from planner.style import plural

if TYPE_CHECKING:
    pass


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
    help="plan file to write (default, or -: standard output)",
)
IMPORT_NAME = click.option("--name", help="the plan's name (default: the first file's directory)")
IMPORT_MERGE = click.option(
    "--merge", "merge", type=click.Path(dir_okay=False, path_type=Path), help=MERGE_HELP
)


@click.group(name="import")
def import_group() -> None:
    """Start a plan from what you already have: Docker Compose files or a Backstage catalog.

    The plan written validates; owners, RTOs and restore times are left for a person (as
    `# TODO` comments), and `planner audit` on the result lists what is still missing.
    """


@import_group.command(name="compose")
@IMPORT_FILES
@IMPORT_OUTPUT
@FORCE
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
    "-p",
    "--project-name",
    metavar="NAME",
    help="the Compose project name, which names the plan (default: as docker compose picks it)",
)
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
    force: bool,
    name: str | None,
    env_file: Path | None,
    profiles: tuple[str, ...],
    all_profiles: bool,
    project_name: str | None,
    owner_label: str,
    keep_going: bool,
    merge: Path | None,
) -> int:
    """Docker Compose FILES (merged in order, like `docker compose -f a -f b`) to a plan.

    Each service becomes a plan service and its healthcheck its `verify`; `depends_on` becomes
    dependencies: `service_healthy` gates get the target's healthcheck as their `check`,
    `service_completed_successfully` a completion check, `service_started` and the list form stay
    unchecked (with a note where the target has a healthcheck to use), `required: false` is soft.
    `network_mode: service:X`, `links` and `volumes_from` are dependencies too, as Compose starts
    X first. Owners come from the --owner-label label. Variables are substituted from the
    environment and .env (in verify and check commands they stay `${NAME}`: a value may be a
    secret); `include` files are read; services behind profiles not active
    (--profile, else COMPOSE_PROFILES from the environment or .env) are left out. The plan is
    named after the project (-p, else the files' `name:`, else COMPOSE_PROJECT_NAME, else the
    first file's directory).

    \b
    Example:
      planner import compose compose.yaml compose.override.yaml -o plan.yaml
    """
    from planner.importers.compose import to_plan_yaml
    from planner.importers.compose_project import load_project

    project = load_project(
        list(files),
        env_file=env_file,
        profiles=profiles,
        all_profiles=all_profiles,
        project_name=project_name,
    )
    plan_name = name or project.name
    text, warnings = to_plan_yaml(project, plan_name, owner_label=owner_label, keep_going=keep_going)
    for warning in project.warnings + warnings:
        say(f"warning: {warning}", err=True)
    if project.skipped_by_profile:
        skipped = ", ".join(project.skipped_by_profile)
        active = f"active: {', '.join(project.profiles)}" if project.profiles else "none active"
        say(
            f"left out behind inactive profiles ({active}): {skipped} "
            "(--profile, COMPOSE_PROFILES or --all-profiles)",
            err=True,
        )
    _finish_import(text, output, merge, force, files)
    say(f"{plural(len(project.services), 'service')} imported; next: planner audit on the plan", err=True)
    return 0


def _finish_import(
    text: str, output: Path | None, merge: Path | None, force: bool, inputs: tuple[Path, ...]
) -> None:
    from planner.importers.merge import merge_into_file
    from planner.planfile.loader import load_plan, load_source
    from planner.planfile.source import Source

    load_source(Source(str(output or "<import>"), text, "yaml")).require_valid()  # never write a broken plan
    if merge is None:
        out = _in_format_of(output, text)
        write_output(str(output) if output else None, out, None, force=force, inputs=inputs)
        return
    load_plan(merge)  # a file with problems is not merged into (fix it first): its problems are listed
    merged, report = merge_into_file(merge, text)
    target = output or merge
    load_source(Source(str(target), merged, "yaml")).require_valid()
    for line in report.lines():
        say(line, err=True)
    # the merge target is replaced on purpose (that is --merge); another -o follows the rules
    merged = _in_format_of(target, merged)
    write_output(str(target), merged, None, force=force or target == merge, inputs=inputs)


def _in_format_of(target: Path | None, text: str) -> str:
    """The plan as JSON when it goes to a ``.json`` file (the import writes YAML; writing that
    into ``plan.json`` made a file no JSON reader accepts), else as it is."""
    if target is None or target.suffix.lower() != ".json":
        return text
    import orjson

    from planner.planfile.source import Source, parse

    data = parse(Source(str(target), text, "yaml"))
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")


@import_group.command(name="backstage")
@IMPORT_FILES
@IMPORT_OUTPUT
@FORCE
@IMPORT_NAME
@IMPORT_MERGE
def import_backstage(
    files: tuple[Path, ...], output: Path | None, force: bool, name: str | None, merge: Path | None
) -> int:
    """Backstage catalog FILES (multi-document YAML; Location targets are followed) to a plan.

    Component, Resource, System and API entities become services (tags keep kind, type,
    lifecycle and system), Groups teams and Users people. spec.owner gives the owner team;
    spec.dependsOn hard dependencies; consumesApis a dependency on each API's providers.
    Owners that resolve to no Group are reported, and the service is kept without an owner.
    Each System with parts is also proposed as a component (audience internal) to review.

    \b
    Example:
      planner import backstage catalog-info.yaml -o plan.yaml
    """
    from planner.importers.backstage import read_catalog, to_plan_yaml
    from planner.importers.backstage_systems import REVIEW

    catalog = read_catalog(list(files))
    plan_name = name or (files[0].resolve().parent.name or "imported")
    text, warnings = to_plan_yaml(catalog, plan_name)
    for warning in warnings:
        say(f"warning: {warning}", err=True)
    _finish_import(text, output, merge, force, files)
    count = sum(1 for e in catalog.entities.values() if e.kind in ("component", "resource", "system", "api"))
    proposed = text.count(f"# {REVIEW[0]}")
    review = f", {plural(proposed, 'component')} proposed (review them)" if proposed else ""
    if proposed and merge is not None:
        review = f"; {plural(proposed, 'component')} not merged (--merge adds services and teams only)"
    say(f"{plural(count, 'service')} imported{review}; next: planner audit on the plan", err=True)
    return 0
