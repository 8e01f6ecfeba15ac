"""What the commands write and read: lines for people (made safe for a terminal, fitted to its
width), JSON for machines, files for ``-o``, text from standard input."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from planner.errors import UsageError
from planner.style import fit_lines, output_width, plain, terminal_safe

if TYPE_CHECKING:
    from planner.style import Style


class ReaderGoneError(Exception):
    """Standard output's reader went away before taking everything (``planner ... | head``)."""


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
    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    try:  # keys all strings: a sixth faster than when orjson must look at each key's type
        out = orjson.dumps(data, option=options)
    except orjson.JSONEncodeError:  # a key that is not a string (a number, an enum): written as one
        out = orjson.dumps(data, option=options | orjson.OPT_NON_STR_KEYS)
    write_all(sys.stdout.buffer, out)
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


def write_output(
    output: str | None,
    text: str | Iterable[str] | None,
    data: bytes | None,
    *,
    force: bool = False,
    inputs: tuple[str | Path, ...] = (),
) -> None:
    """Write to ``output`` (stdout when None or ``-``). An existing file is replaced only with
    ``force``, and never when it is one of the ``inputs`` the command read; see
    :mod:`planner.cli.outfiles` for the rest of the rules. ``text`` may come in parts (whole
    lines each), written as they are made: a long document is never held whole."""
    from planner.cli.outfiles import STDOUT, write_file, wrote

    if output is None or output == STDOUT:
        if data is not None:
            write_all(sys.stdout.buffer, data)
            sys.stdout.buffer.flush()
        elif text is None or isinstance(text, str):
            say(text or "", nl=False)
        else:
            for part in text:
                say(part, nl=False)
        return
    if data is not None:
        write_file(output, data, force=force, inputs=inputs)
    elif text is None or isinstance(text, str):
        write_file(output, (text or "").encode("utf-8"), force=force, inputs=inputs)
    else:
        write_file(output, (part.encode("utf-8") for part in text), force=force, inputs=inputs)
    say(wrote(output), err=True)
