"""The options and arguments several commands share, and what ``--debug`` asked for."""

from __future__ import annotations

from enum import StrEnum

import click


class OutputFormat(StrEnum):
    """``--format`` of the planning commands (``validate``, ``impact``, ``order``, ``schedule``)."""

    TEXT = "text"
    JSON = "json"


def debugging() -> bool:
    """True when the user asked for tracebacks with ``--debug``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and isinstance(ctx.obj, dict) and ctx.obj.get("debug"))


PLAN = click.argument("plan", metavar="PLAN", type=click.Path(dir_okay=False, allow_dash=True))
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    default=OutputFormat.TEXT.value,
    show_default=True,
    help="text for people, json for machines",
)
SCENARIO = click.option(
    "--scenario", metavar="ID", help="a scenario of the plan (default: every service failed)"
)
FAILED = click.option(
    "--failed",
    metavar="A,B",
    multiple=True,
    help="failed service ids, comma-separated or repeated (instead of --scenario)",
)
FORCE = click.option("--force", is_flag=True, help="replace the -o file if it exists")
