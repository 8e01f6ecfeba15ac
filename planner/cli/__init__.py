"""The ``planner`` command line: parse, load, compute, render, return an exit code.

One error boundary: the project's own errors become a short message on stderr and exit 2 (or 1
for a refusal); running out of memory is said in one line and exits 2 too (the input is larger
than this process may hold: not a bug); any other exception is a bug and exits 70
(``EX_SOFTWARE``) with one line saying so, kept apart from 2 so that tests can tell a crash from
a refusal of bad input. With ``--debug`` (anywhere on the command line) all are re-raised with
their traceback.

This is also the one place that switches the cyclic garbage collector (see :func:`main`), and
that decides what SIGTERM, SIGHUP and SIGINT do: end the planner as they always did, but first
kill the child processes it is running (plan commands for ``--run`` and ``--run-checks``,
Graphviz's ``dot``), which live in process groups of their own (:mod:`planner.children`) and
would otherwise outlive it.

Imports inside functions, in this package only, are deliberate: a command module is imported
when one of its commands runs (see :mod:`planner.cli.commands`), and each command imports the
planner modules it needs inside its function, because nearly every one of them loads pydantic's
models and the engine (0.1-0.7 s; Textual alone 0.45 s), which the other commands of the same
module, ``--help`` and shell completion must not pay for.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence

import click

from planner.cli.commands import cli  # its commands are imported when used
from planner.cli.no_plugins import skip_pydantic_plugins
from planner.cli.streams import ReaderGoneError, say
from planner.errors import PlannerError
from planner.planfile.lifetime import keeping

EXIT_OK = 0
EXIT_NO = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70
"""A bug (``EX_SOFTWARE`` of sysexits.h): never bad input, always something to report."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    with _ending_signals_kill_running_commands():
        return _collected(args)


@contextlib.contextmanager
def _ending_signals_kill_running_commands() -> Iterator[None]:
    """While the CLI runs (in the main thread): SIGTERM, SIGHUP and SIGINT kill the child processes
    running, then end the process as they would unhandled (SIGINT: ``KeyboardInterrupt``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, _end_by) for sig in _ENDING_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


_ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def _end_by(signum: int, _frame: object) -> None:
    children = sys.modules.get("planner.children")  # loaded only once a child process started
    if children is not None and not children.ending(signum):
        return  # sent again as soon as the command being started can be killed
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _collected(args: list[str]) -> int:
    """:func:`_main` without the cyclic garbage collector (given back after)."""
    was_enabled = gc.isenabled()
    # A one-shot command lives seconds: the cyclic collector's rescans of a large plan's
    # millions of objects cost ~10% of `planner schedule` at 100,000 services; reference
    # counting still frees everything acyclic. The long-lived terminal UI turns it back on once
    # it has loaded (see collect_garbage_from_now_on).
    gc.disable()
    try:
        return _main(args)
    finally:
        # a command that kept its objects ends by os._exit (see run): turned back on, the
        # collector would first scan all of them once (0.5 s at 100,000 services)
        if was_enabled and not keeping():
            gc.enable()


_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EBADF})
"""Writing the output failed for a reason outside the planner (a full disk, /dev/full, a closed
stream): said in one line, not reported as a bug."""


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush of what could
    not be written does not fail a second time on the way out."""
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (captured output in tests)
        pass


def _symlink_loop(exc: Exception) -> OSError | None:
    """Python 3.11's ``Path.resolve`` reports a symbolic link loop as a RuntimeError ("Symlink
    loop from '/x'"), 3.13 as the OSError it is: the OSError, whichever it was."""
    prefix = "Symlink loop from "
    if type(exc) is not RuntimeError or not str(exc).startswith(prefix):
        return None
    name = str(exc).removeprefix(prefix).strip("'\"")
    return OSError(errno.ELOOP, os.strerror(errno.ELOOP), name)


def _tolerant_streams() -> None:
    """Text a stream's encoding cannot hold (a plan's 'é' or '—' under
    ``PYTHONIOENCODING=latin-1`` or an ASCII locale, a file name's undecodable byte) is written
    as a ``\\u2014`` escape instead of failing the command half-way through its output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _os_error(exc: OSError) -> int:
    """An OS error no command turned into its own message: one line naming the path (a name
    too long, a symbolic link loop, a full disk...), exit 2; the OS refused, the planner did
    not fail."""
    from planner.cli.outfiles import refuse_os_error

    if exc.filename is not None:
        say(f"error: {refuse_os_error(exc, os.fsdecode(exc.filename), 'use')}", err=True)
        return EXIT_BAD_INPUT
    if exc.errno in _OUTPUT_ERRORS:
        _silence_stdout()
        say(f"error: cannot write the output: {exc.strerror}", err=True)
        return EXIT_BAD_INPUT
    say(f"error: {exc.strerror or exc}", err=True)
    return EXIT_BAD_INPUT


def collect_garbage_from_now_on() -> None:
    """For the long-lived terminal UI, once the plan is loaded: what exists now is kept out of
    the collector's scans (``gc.freeze``, a plan's objects live as long as the process) and the
    collector runs from here on."""
    gc.freeze()
    gc.enable()


def _main(args: list[str]) -> int:
    if sys.stdout is None:  # started with standard output closed (`planner ... >&-`)
        say("error: standard output is closed: nothing to write the answer to", err=True)
        return EXIT_BAD_INPUT
    _tolerant_streams()
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        return _answered(args, debug)
    except MemoryError:
        if debug:
            raise
    # out of the handler: the exception, its traceback and the frames it held are let go
    try:
        say(out_of_memory(args), err=True)
    except MemoryError:  # not even the line: its words without the limits
        os.write(2, b"error: out of memory: this needs more memory than this process may use\n")
    return EXIT_BAD_INPUT


def out_of_memory(args: Sequence[str]) -> str:
    """The one line a command that ran out of memory ends with: which command, that the input
    needs more memory than this process may use, and the limit when one is set (``ulimit -v``:
    the address space, or ``ulimit -d``: the data segment), else that the machine's ran out.

    Examples
    --------
    >>> out_of_memory(["audit", "big.yaml"]).startswith("error: out of memory: planner audit needs")
    True
    """
    command = " ".join(["planner", *[a for a in args[:2] if not a.startswith("-")][:1]])
    limits = [
        f"its {what} is limited to {soft / 2**30:.1f} GB ({option})" for what, option, soft in memory_limits()
    ]
    why = (
        f"{' and '.join(limits)}: raise the limit, or give it a smaller input"
        if limits
        else "the machine's memory ran out: free some, or run it where there is more"
    )
    return f"error: out of memory: {command} needs more memory than this process may use; {why}"


def memory_limits() -> list[tuple[str, str, int]]:
    """The memory limits set on this process, under which an allocation can fail: (what is
    limited, the shell's option that sets it, the soft limit in bytes)."""
    import resource

    limits = []
    for what, option, which in (
        ("address space", "ulimit -v", resource.RLIMIT_AS),
        ("data segment", "ulimit -d", resource.RLIMIT_DATA),
    ):
        soft = resource.getrlimit(which)[0]
        if soft != resource.RLIM_INFINITY:
            limits.append((what, option, soft))
    return limits


def _answered(args: list[str], debug: bool) -> int:
    """Run the command; every error but running out of memory becomes its exit code here."""
    try:
        result = cli.main(args=args, prog_name="planner", standalone_mode=False, obj={"debug": debug})
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        say("Aborted.", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as exc:
        if debug:
            raise
        exc.show()
        return EXIT_BAD_INPUT
    except PlannerError as exc:
        if debug:
            raise
        say(f"{exc.label}: {exc}", err=True)
        return exc.exit_code
    except MemoryError:  # said by main, once the memory this frame holds is given back
        raise
    except (BrokenPipeError, ReaderGoneError):  # `planner ... | head`: the reader has what it wanted
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        if debug:
            raise
        return _os_error(exc)
    except Exception as exc:  # the last resort: a bug must not greet a responder with a traceback
        if debug:
            raise
        if (loop := _symlink_loop(exc)) is not None:
            return _os_error(loop)
        say(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in recovery-planner; run the same command with --debug for the "
            "traceback and report it.",
            err=True,
        )
        return EXIT_INTERNAL
    return int(result or 0)


_QUICK_EXIT = frozenset({"validate", "order", "impact", "schedule", "audit", "export"})
"""Commands that read a plan, answer and end: they leave freeing the plan to the operating system
(see :mod:`planner.planfile.lifetime`; at 100,000 services that saves a quarter of a parse). The
others may hold a store open, which is closed the ordinary way."""


def no_rust_backtraces_when_capped() -> None:
    """Under a memory limit (:func:`memory_limits`) an allocation can fail inside the Rust parts
    (``yaml_rs``, pydantic-core), where Python cannot catch it: Rust then panics, and with
    ``RUST_BACKTRACE`` set its backtrace code, allocating while it holds a lock, was seen to hang
    for ever (a 4,100,000-edge plan under 2 GB). Without the backtrace it ends at once. Nothing
    the planner says comes from a Rust backtrace; ``--debug`` keeps the setting as it was."""
    if "--debug" in sys.argv or not memory_limits():
        return
    os.environ["RUST_BACKTRACE"] = "0"


def _ends_quickly(args: list[str]) -> bool:
    """A command of :data:`_QUICK_EXIT` without a store, or ``incident status``, which closes its
    store before it answers (freeing a 10,000-task status's state and document took 18 ms)."""
    if args[0] in _QUICK_EXIT:
        return not any(a.startswith("--store") for a in args)
    return args[:2] == ["incident", "status"]


def run() -> None:
    """Console-script entry point."""
    skip_pydantic_plugins()  # before pydantic is imported: 0.02 s of every process
    no_rust_backtraces_when_capped()
    args = sys.argv[1:]
    if args and _ends_quickly(args):
        from planner.planfile.lifetime import keeping, start_keeping

        start_keeping()
        code = main()
        if keeping():
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except (OSError, ValueError):  # said the ordinary way, on the ordinary exit
                sys.exit(code)
            os._exit(code)
        sys.exit(code)
    sys.exit(main())
