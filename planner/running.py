"""Running a plan's ``check`` and ``verify`` commands, only when a person asks for that one
command (``--run``, a confirmed dialog, ``audit --run-checks``), and keeping the evidence.

A command from a plan is untrusted text. It runs with the invoking user's rights in the working
directory they chose; as an argument vector (``shlex.split``) unless it needs a shell (pipes,
``&&``, redirections, variables, globs: :func:`plan_of` says which and why), with standard input
closed, in a process group of its own that is killed whole on a timeout or Ctrl-C. Its output is
read with a cap: the first and last lines are kept, the middle is counted and dropped.
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

DEFAULT_TIMEOUT = 30.0
"""Seconds a command may run before its process group is killed."""
KEEP_LINES = 10
"""Lines kept from each end of the output."""
KEEP_CHARS = 2000
"""Characters kept from each end of the output."""
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
    """Reads a pipe to its end, keeping the first and last lines (each capped)."""

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.head: list[str] = []
        self.head_chars = 0
        self.tail: deque[str] = deque(maxlen=KEEP_LINES)
        self.lines = 0
        self.bytes = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for raw in iter(self.stream.readline, b""):  # type: ignore[attr-defined]
            self.bytes += len(raw)
            self.lines += 1
            line = raw[: KEEP_CHARS * 2].decode("utf-8", "replace").rstrip("\r\n")
            if len(self.head) < KEEP_LINES and self.head_chars < KEEP_CHARS:
                kept = line[: KEEP_CHARS - self.head_chars]
                self.head.append(kept)
                self.head_chars += len(kept)
            else:
                self.tail.append(line[-KEEP_CHARS // KEEP_LINES * 2 :])

    def text(self) -> tuple[str, str]:
        """The first lines, and the last ones (empty when the head holds everything)."""
        tail = list(self.tail)
        dropped = self.lines - len(self.head) - len(tail)
        if dropped > 0:
            tail.insert(0, f"[... {dropped} lines, {self.bytes:,} bytes in all ...]")
        return "\n".join(self.head), "\n".join(tail)[-KEEP_CHARS:]


_RUNNING: set[int] = set()
"""The process groups (each its leader's pid) of the commands running now, in any thread."""
_STARTING: list[int] = []
"""One entry per command being started: its process may exist before its group is known."""
_DEFERRED: list[int] = []
"""Signals that came while a command was being started, to be sent again once it is known."""


def kill_running() -> None:
    """SIGKILL every command running now, its whole process group."""
    for group in list(_RUNNING):
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)


def ending(signum: int) -> bool:
    """For the handler of a signal that ends the planner (it must leave nothing behind): kill
    every command running now and return True; or, while a command is being started, keep
    ``signum`` to be sent again the moment that command can be killed, and return False."""
    if _STARTING:
        _DEFERRED.append(signum)
        if _STARTING:  # still starting: run() sends it again
            return False
        with contextlib.suppress(ValueError):  # it finished starting meanwhile: act now
            _DEFERRED.remove(signum)
    kill_running()
    return True


def _send_deferred() -> None:
    """Send again the signals :func:`ending` kept, once no command is being started."""
    while not _STARTING and _DEFERRED:
        os.kill(os.getpid(), _DEFERRED.pop())


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
    _STARTING.append(0)
    try:
        process = subprocess.Popen(
            list(plan.argv),
            cwd=plan.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed whole
        )
        _RUNNING.add(process.pid)
    except OSError as exc:
        return _evidence(
            plan, None, time.monotonic() - began, "", "", error=f"could not start: {exc.strerror}"
        )
    finally:
        _STARTING.pop()
        _send_deferred()
    try:
        return _watch(plan, process, began)
    finally:
        _RUNNING.discard(process.pid)


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
    status = None if timed_out else process.returncode
    error = f"timed out after {plan.timeout:g} s; its process group was killed" if timed_out else None
    return _evidence(plan, status, time.monotonic() - began, head, tail, error=error)


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
    "ending",
    "kill_running",
    "plan_of",
    "run",
]
