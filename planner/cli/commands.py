"""Every command of ``planner``, in two lists a reader can see: :data:`COMMANDS` and, for
``planner incident ...``, :data:`INCIDENT_COMMANDS`.

Each entry names where a command lives (``module:attribute``); the module is imported only when
its command runs, so that each command pays only for its own modules (``planner incident note``
loads neither the engine nor Graphviz nor Textual). Listing the commands (``--help``) imports
them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from planner.cli.streams import ReaderGoneError

COMMANDS: Mapping[str, str] = {
    "validate": "planner.cli.plan_commands:validate",
    "schema": "planner.cli.plan_commands:schema",
    "impact": "planner.cli.plan_commands:impact",
    "order": "planner.cli.plan_commands:order",
    "schedule": "planner.cli.plan_commands:schedule_cmd",
    "audit": "planner.cli.audit_command:audit",
    "export": "planner.cli.export_command:export",
    "import": "planner.cli.import_commands:import_group",
    "incident": "planner.cli.commands:incident",
    "report": "planner.cli.incident_commands:report",
    "kpi": "planner.cli.incident_commands:kpi",
    "track": "planner.cli.track_command:track",
    "store": "planner.cli.store_commands:store_group",
    "serve": "planner.cli.serve_command:serve",
    "exercise": "planner.cli.commands:exercise",
    "forecast": "planner.cli.forecast_commands:forecast",
    "tune": "planner.cli.forecast_commands:tune",
}
"""Every command of ``planner``: its name and where it lives."""

INCIDENT_COMMANDS: Mapping[str, str] = {
    "start": "planner.cli.incident_commands:start",
    "list": "planner.cli.incident_commands:list_incidents",
    "status": "planner.cli.incident_commands:status",
    "begin": "planner.cli.incident_actions:begin",
    "restored": "planner.cli.incident_actions:restored",
    "fail": "planner.cli.incident_actions:fail",
    "escalate": "planner.cli.incident_actions:escalate",
    "bypass": "planner.cli.incident_actions:bypass",
    "note": "planner.cli.incident_actions:note",
    "role": "planner.cli.incident_actions:role",
    "update": "planner.cli.incident_actions:update",
    "remove-workaround": "planner.cli.incident_actions:remove_workaround",
    "reviewed": "planner.cli.incident_actions:reviewed",
    "resolve": "planner.cli.incident_actions:resolve",
    "verify": "planner.cli.incident_checks:verify",
    "check": "planner.cli.incident_checks:check",
    "amend": "planner.cli.incident_corrections:amend",
    "amend-workaround": "planner.cli.incident_corrections:amend_workaround",
    "void": "planner.cli.incident_corrections:void",
    "undo": "planner.cli.incident_corrections:undo_last",
    "reopen": "planner.cli.incident_corrections:reopen_incident",
    "deliver": "planner.cli.delivery_commands:deliver",
}
"""Every subcommand of ``planner incident``: its name and where it lives."""

EXERCISE_COMMANDS: Mapping[str, str] = {
    "plan": "planner.cli.exercise_reports:plan_exercise",
    "start": "planner.cli.exercise_commands:start",
    "inject": "planner.cli.exercise_commands:inject",
    "score": "planner.cli.exercise_reports:score",
}
"""Every subcommand of ``planner exercise``: its name and where it lives."""


def load_command(where: str) -> click.Command:
    """The command at ``where`` (``module:attribute``), importing its module."""
    module, _, attribute = where.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command), where
    return command


class LazyGroup(click.Group):
    """A command group whose commands (``lazy``: name -> ``module:attribute``) are imported when
    they are used."""

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = self.lazy.get(cmd_name)
        return load_command(where) if where is not None else super().get_command(ctx, cmd_name)


class PlannerGroup(LazyGroup):
    """The ``planner`` group: a reader that goes away before taking all of standard output
    (``planner export --format png | head -c 10``) reaches :func:`planner.cli.main` as
    :class:`ReaderGoneError`, which ends the command quietly, instead of click's bare exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise ReaderGoneError from exc


@click.group(
    cls=PlannerGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Add --debug to any command to see a traceback instead of a short error. "
    "Exit codes: 0 ok, 1 the answer is 'no' (findings, refused action), 2 bad input or usage, "
    "70 an internal error (a bug: please report it).",
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
      planner track examples/enterprise.yaml --scenario storage-outage --exercise
      planner incident --help
    """


@click.group(cls=LazyGroup, lazy=INCIDENT_COMMANDS)
def incident() -> None:
    """Track an incident from the shell: the same actions as `planner track`, scriptable.

    Every action is written to the journal (crash-safe: an SQLite file, or a PostgreSQL server
    shared by responders on many machines) before it is shown; guards refuse what would skip a
    dependency check (exit 1, naming what blocks). All actions take --store DB (a file or
    postgresql://USER@HOST/DB), --as NAME and --at TIME (for a scribe logging after the fact).

    \b
    A recovery from the shell:
      id=$(planner incident start examples/enterprise.yaml --scenario storage-outage | tail -1)
      planner incident begin $id storage-cluster
      planner incident verify $id storage-cluster
      planner incident restored $id storage-cluster
      planner incident check $id db-primary storage-cluster --pass
      planner incident status $id
      planner incident update $id --audience executive
      planner incident resolve $id
    """


@click.group(cls=LazyGroup, lazy=EXERCISE_COMMANDS)
def exercise() -> None:
    """Game days: choose what to exercise, inject surprises, score the team against the plan.

    \b
      planner exercise plan examples/enterprise.yaml
      id=$(planner exercise start examples/enterprise.yaml --scenario storage-outage \\
             --inject examples/storage-drill.yaml | tail -1)
      planner incident status $id        # injections arrive on the drill's clock
      planner exercise inject $id --fails app-api
      planner exercise score $id --write examples/enterprise.yaml
    """
