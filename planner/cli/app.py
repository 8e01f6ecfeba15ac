"""The command group and its commands; each returns an exit code."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from planner.errors import UsageError
from planner.style import fit_lines, output_width, plain, terminal_safe

if TYPE_CHECKING:
    from planner.style import Style


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


class LazyGroup(click.Group):
    """A command group whose commands are imported when they are used, so that each command
    pays only for its own modules (``planner incident note`` loads neither the engine nor
    Graphviz nor Textual). ``lazy`` maps a command name to a function that imports and returns
    it; listing the commands (``--help``) imports them all."""

    def __init__(self, *args: Any, lazy: dict[str, Callable[[], click.Command]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = self.lazy.get(cmd_name)
        return load() if load is not None else super().get_command(ctx, cmd_name)


# Each loader imports its command's module when the command runs (that is the point).
def _plan_command(name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        from planner.cli import plan_commands

        return plan_commands.COMMANDS[name]

    return load


def _audit() -> click.Command:
    from planner.cli.audit_command import audit

    return audit


def _export() -> click.Command:
    from planner.cli.export_command import export

    return export


def _import() -> click.Command:
    from planner.cli.import_commands import import_group

    return import_group


def _incident() -> click.Command:
    from planner.cli import incident_actions, incident_checks, incident_corrections  # noqa: F401 - add commands
    from planner.cli.incident_commands import incident

    return incident


def _report() -> click.Command:
    from planner.cli.incident_commands import report

    return report


def _kpi() -> click.Command:
    from planner.cli.incident_commands import kpi

    return kpi


def _store() -> click.Command:
    from planner.cli.store_commands import store_group

    return store_group


def _track() -> click.Command:
    from planner.cli.track_command import track

    return track


COMMANDS: dict[str, Callable[[], click.Command]] = {
    **{name: _plan_command(name) for name in ("validate", "schema", "impact", "order", "schedule")},
    "audit": _audit,
    "export": _export,
    "import": _import,
    "incident": _incident,
    "report": _report,
    "kpi": _kpi,
    "track": _track,
    "store": _store,
}
"""Every command of ``planner``, by name."""


@click.group(
    cls=LazyGroup,
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


SCENARIO = click.option(
    "--scenario", metavar="ID", help="a scenario of the plan (default: every service failed)"
)
FAILED = click.option(
    "--failed",
    metavar="A,B",
    multiple=True,
    help="failed service ids, comma-separated or repeated (instead of --scenario)",
)


def _coloured() -> bool:
    """Standard output is a terminal and NO_COLOR is not set."""
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def say(message: str = "", *, err: bool = False, nl: bool = True, fit: bool = True) -> None:
    """Write a line for people (``click.echo``). Plans, imports and the journal are untrusted
    text: every control character in it is written out (``\\x1b``), so nothing a plan says can
    drive the terminal; the planner's own colours are the only escape sequences let through.
    On a terminal (or with ``COLUMNS`` set) standard output fits its width (``fit=False`` for
    documents: Markdown, JSON); error messages stay one line each, for editors to jump to."""
    text = terminal_safe(message, styled=not err and _coloured())
    if fit and not err and (width := output_width(sys.stdout.isatty())):
        text = fit_lines(text, width)
    click.echo(text, err=err, nl=nl)


def styler() -> Style:
    """Colour for a terminal that has it; plain text when piped or with NO_COLOR set."""

    if not _coloured():
        return plain
    colours = {"error": "red", "warning": "yellow", "success": "green"}

    def style(text: str, role: str) -> str:
        if role == "bold":
            return click.style(text, bold=True)
        if role == "dim":
            return click.style(text, dim=True)
        return click.style(text, fg=colours.get(role))

    return style


def emit_json(data: object) -> None:
    """JSON on stdout, indented by two spaces. orjson writes what ``json.dumps(indent=2)`` does
    (with non-ASCII text as UTF-8 instead of escapes) but in C: a 100,000-service audit's
    335,000 findings take 0.3 s instead of 4.8 s."""
    import orjson

    sys.stdout.flush()  # anything already written as text goes first
    # bytes straight out: decoding and re-encoding 127 MB (that audit as JSON) cost 0.3 s
    options = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
    write_all(sys.stdout.buffer, orjson.dumps(data, option=options))
    sys.stdout.buffer.flush()


WRITE_CHUNK = 1 << 26
"""64 MB: well under the 2 GiB the kernel writes at most in one call."""


def write_all(stream: BinaryIO, data: bytes) -> None:
    """Every byte of ``data`` to ``stream``. A write may take fewer bytes than it is given (the
    kernel stops at 2 GiB, a pipe may take less) without any error, so ``data`` goes in chunks,
    each until it is all taken.

    Raises
    ------
    OSError
        When the stream takes nothing (closed or non-blocking and full).
    """
    view = memoryview(data)
    while view:
        taken = stream.write(view[:WRITE_CHUNK])
        if not taken:
            raise OSError(errno.EIO, "the output stopped taking data")
        view = view[taken:]


def stdin_text(what: str) -> str:
    """Standard input as UTF-8 text, read as plans are (up to ``PLANNER_MAX_INPUT_MB``).

    Raises
    ------
    PlanError
        When it is larger than the read limit.
    UsageError
        Naming ``what`` and the first byte that is not UTF-8.
    """
    from planner.planfile.source import read_bounded  # here: it loads the YAML parser

    data = read_bounded("-", what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{what} from standard input is not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); convert it, e.g. with iconv -t utf-8"
        ) from None


FORCE = click.option("--force", is_flag=True, help="replace the -o file if it exists")


def write_output(
    output: str | None,
    text: str | None,
    data: bytes | None,
    *,
    force: bool = False,
    inputs: tuple[str | Path, ...] = (),
) -> None:
    """Write to ``output`` (stdout when None or ``-``). An existing file is replaced only with
    ``force``, and never when it is one of the ``inputs`` the command read; see
    :mod:`planner.cli.outfiles` for the rest of the rules."""
    from planner.cli.outfiles import STDOUT, write_file, wrote

    if output is None or output == STDOUT:
        if data is not None:
            write_all(sys.stdout.buffer, data)
            sys.stdout.buffer.flush()
        else:
            say(text or "", nl=False)
        return
    write_file(output, data if data is not None else (text or "").encode("utf-8"), force=force, inputs=inputs)
    say(wrote(output), err=True)
