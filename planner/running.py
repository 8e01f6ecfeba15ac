"""Running a plan's ``check`` and ``verify`` commands, only when a person asks for that one
command (``--run``, a confirmed dialog, ``audit --run-checks``), and keeping the evidence.

A command from a plan is untrusted text. It runs with the invoking user's rights in the working
directory they chose; as an argument vector (``shlex.split``) unless it needs a shell (pipes,
``&&``, redirections, variables, globs: :func:`plan_of` says which and why), with standard input
closed, in a process group of its own that is killed whole on a timeout or Ctrl-C. Its output is
read with a cap: the first and last lines are kept, the middle is counted and dropped.

The process group is started and registered by :mod:`planner.children`, like every child the
planner starts: a signal that ends the planner kills it too.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from models.events import RunEvidence
from planner.children import finished, signals_to_main_thread, start

DEFAULT_TIMEOUT = 30.0
"""Seconds a command may run before its process group is killed."""
KEEP_LINES = 10
"""Lines kept from each end of the output."""
KEEP_CHARS = 2000
"""Characters kept from each end of the output."""
LINE_BYTES = KEEP_CHARS * 2
"""Bytes of one line looked at; the rest of a longer line is counted and dropped as it comes."""
CHUNK = 2**16
"""Bytes read from the output at a time."""
GRACE = 1.0
"""Seconds between SIGTERM and SIGKILL to the process group."""
DISABLE_ENV = "PLANNER_RUN_CHECKS"
"""``never`` in the environment disables running commands, whatever the plan says."""


class RunRefusedError(Exception):
    """Running is disabled, or the command cannot be run as written."""


@dataclass(frozen=True)
class RunPlan:
    """How a command will run: the argument vector, or ``/bin/sh -c`` and why."""

    command: str
    argv: tuple[str, ...]
    shell_because: str | None
    """What needs a shell (``'|'``), None when the command runs without one."""
    cwd: Path
    timeout: float

    def describe(self) -> str:
        """One paragraph for a dialog or stderr: what runs, how, where, for how long."""
        how = (
            f"through /bin/sh -c (the command uses {self.shell_because})"
            if self.shell_because
            else "without a shell, as " + " ".join(repr(a) for a in self.argv)
        )
        user = _user()
        return f"{self.command}\n  runs {how}\n  as {user}, in {self.cwd}, for at most {self.timeout:g} s"


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())


def _needs_shell(command: str) -> str | None:
    """The first shell syntax outside quotes, or None."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|&;<>()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError as exc:
        raise RunRefusedError(f"cannot read the command {command!r}: {exc}") from None
    for token in tokens:
        if token and all(c in "|&;<>()" for c in token):
            return repr(token)
    for char in ("$", "`", "*", "?", "~", "{", "}", "[", "\n"):
        if _unquoted(command, char):
            return repr(char)
    if tokens and "=" in tokens[0] and not tokens[0].startswith("="):
        return "a variable assignment"
    return None


def _unquoted(command: str, char: str) -> bool:
    """True when ``char`` appears outside single quotes (inside double quotes ``$`` and `````
    still expand, so they count there too)."""
    quote = None
    for c in command:
        if quote == "'":
            if c == "'":
                quote = None
            continue
        if c == "'" and quote is None:
            quote = "'"
            continue
        if c == '"':
            quote = None if quote == '"' else '"'
            continue
        if c == char and (quote is None or char in "$`"):
            return True
    return False


def allowed(policy: str = "ask") -> None:
    """Refuse when the plan's ``policy.run_checks`` or :data:`DISABLE_ENV` says ``never``."""
    if os.environ.get(DISABLE_ENV, "").strip().lower() == "never":
        raise RunRefusedError(f"running checks is disabled here ({DISABLE_ENV}=never)")
    if policy == "never":
        raise RunRefusedError("the plan disables running its checks (policy.run_checks: never)")


def plan_of(command: str, *, cwd: Path | None = None, timeout: float = DEFAULT_TIMEOUT) -> RunPlan:
    """How ``command`` would run (nothing runs)."""
    if not command.strip():
        raise RunRefusedError("the command is empty")
    if "\x00" in command:
        raise RunRefusedError("the command holds a NUL character")
    if timeout <= 0:
        raise RunRefusedError(f"the timeout must be positive, not {timeout:g}")
    where = (cwd or Path.cwd()).resolve()
    if not where.is_dir():
        raise RunRefusedError(f"the working directory {where} does not exist")
    because = _needs_shell(command)
    argv = ("/bin/sh", "-c", command) if because else tuple(shlex.split(command))
    return RunPlan(command, argv, because, where, timeout)


class _Capture:
    """Reads a pipe to its end in chunks, keeping the first and last lines, each capped: what it
    holds is bounded by bytes, however the output comes (one endless line once was held whole:
    1 GB of output took 2 GB). A failure to read is kept in ``failure``, never raised in the
    thread."""

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.head: list[str] = []
        self.head_chars = 0
        self.tail: deque[str] = deque(maxlen=KEEP_LINES)
        self.lines = 0
        self.bytes = 0
        self.line = bytearray()
        """The current line, up to :data:`LINE_BYTES` (the rest is counted, not kept)."""
        self.cut = False
        """True once a line was longer than :data:`LINE_BYTES` (its line break aside)."""
        self.failure: str | None = None
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        with signals_to_main_thread():
            self.thread.start()

    def _read(self) -> None:
        try:
            read = self.stream.read1  # type: ignore[attr-defined]
            while chunk := read(CHUNK):
                self._feed(chunk)
            if self.line:
                self._end_line()
        except Exception as exc:  # noqa: BLE001 - MemoryError under a limit, a closed pipe: said by run
            self.failure = f"its output could not be read to the end ({type(exc).__name__})"

    def _head_open(self) -> bool:
        return len(self.head) < KEEP_LINES and self.head_chars < KEEP_CHARS

    def _feed(self, chunk: bytes) -> None:
        """Take one chunk: the lines it ends, of which only those the head or the tail can keep
        are looked at (the others are counted)."""
        self.bytes += len(chunk)
        first, last = chunk.find(b"\n"), chunk.rfind(b"\n")
        if first < 0:
            self._extend(chunk, 0, len(chunk))
            return
        start = 0
        while start <= last and (start == 0 or self._head_open()):
            end = chunk.find(b"\n", start) + 1
            self._extend(chunk, start, end)
            self._end_line()
            start = end
        skipped = chunk.count(b"\n", start, last + 1) - KEEP_LINES
        if skipped > 0:  # they would only pass through the tail
            cut = last
            for _ in range(KEEP_LINES):
                cut = chunk.rfind(b"\n", start, cut)
            self.lines += skipped
            start = cut + 1
        while start <= last:
            end = chunk.find(b"\n", start) + 1
            self._extend(chunk, start, end)
            self._end_line()
            start = end
        self._extend(chunk, last + 1, len(chunk))

    def _extend(self, chunk: bytes, start: int, stop: int) -> None:
        room = max(LINE_BYTES - len(self.line), 0)
        if stop - start > room and not self.cut:
            self.cut = bool(chunk[start + room : stop].strip(b"\r\n"))  # more than its line break
        if room and stop > start:
            self.line += chunk[start : min(stop, start + room)]

    def _end_line(self) -> None:
        line = self.line.decode("utf-8", "replace").rstrip("\r\n")
        self.line.clear()
        with self.lock:
            self.lines += 1
            if self._head_open():
                kept = line[: KEEP_CHARS - self.head_chars]
                self.head.append(kept)
                self.head_chars += len(kept)
            else:
                self.tail.append(line[-KEEP_CHARS // KEEP_LINES * 2 :])

    def text(self) -> tuple[str, str]:
        """The first lines, and the last ones (empty when the head holds everything)."""
        with self.lock:
            head, tail = list(self.head), list(self.tail)
            dropped = self.lines - len(head) - len(tail)
        if dropped > 0:
            tail.insert(0, f"[... {dropped} lines, {self.bytes:,} bytes in all ...]")
        elif self.cut:
            tail.insert(0, f"[... lines cut at {LINE_BYTES:,} bytes, {self.bytes:,} bytes in all ...]")
        return "\n".join(head), "\n".join(tail)[-KEEP_CHARS:]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the command's process group, SIGKILL after :data:`GRACE` to what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        if sig == signal.SIGTERM:
            # the leader may be gone while children that ignore SIGTERM are not: SIGKILL anyway
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(GRACE)


def run(plan: RunPlan) -> RunEvidence:
    """Run ``plan`` and say what happened (never raises for the command's own failure)."""
    began = time.monotonic()
    try:
        process = start(
            list(plan.argv),
            cwd=plan.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as exc:
        return _evidence(
            plan, None, time.monotonic() - began, "", "", error=f"could not start: {exc.strerror}"
        )
    try:
        return _watch(plan, process, began)
    finally:
        finished(process)


def _watch(plan: RunPlan, process: subprocess.Popen[bytes], began: float) -> RunEvidence:
    """Wait for the command (killing its group on a timeout or an exception), read what it
    wrote, and say what happened."""
    timed_out = False
    try:
        capture = _Capture(process.stdout)
        try:
            process.wait(plan.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
    except BaseException:  # Ctrl-C (or anything else) while it runs: the whole group goes with it
        _kill_group(process)
        raise
    if timed_out:
        _kill_group(process)
    capture.thread.join(GRACE)
    if capture.thread.is_alive():  # a child still holds the output open: it goes with the group
        _kill_group(process)
        capture.thread.join(GRACE)
    process.wait()
    head, tail = capture.text()
    status, error = _outcome(plan, process.returncode, timed_out, capture)
    return _evidence(plan, status, time.monotonic() - began, head, tail, error=error)


def _outcome(
    plan: RunPlan, returncode: int, timed_out: bool, capture: _Capture
) -> tuple[int | None, str | None]:
    """The exit status to record, or None and why: a run that did not finish cleanly (its time
    ran out, its output could not be read to the end) is never a pass, whatever it exited with."""
    if timed_out:
        return None, f"timed out after {plan.timeout:g} s; its process group was killed"
    if capture.failure is not None:
        return None, f"{capture.failure}; exit {returncode} not counted"
    if capture.thread.is_alive():
        return (
            None,
            f"its output was still open after its process group was killed; exit {returncode} not counted",
        )
    return returncode, None


def _evidence(
    plan: RunPlan, status: int | None, seconds: float, head: str, tail: str, *, error: str | None
) -> RunEvidence:
    return RunEvidence(
        command=plan.command,
        shell=plan.shell_because is not None,
        cwd=str(plan.cwd),
        exit_status=status,
        seconds=round(seconds, 3),
        head=head,
        tail=tail,
        error=error,
    )


__all__ = [
    "DEFAULT_TIMEOUT",
    "RunPlan",
    "RunRefusedError",
    "allowed",
    "plan_of",
    "run",
]
