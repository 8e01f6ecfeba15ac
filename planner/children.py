"""The child processes the planner starts (a plan's ``check``/``verify`` commands, Graphviz's
``dot``) die with it, whatever ends it.

Each is started by :func:`start` in a process group of its own, which is killed whole on a
timeout (by its caller), by :func:`kill_running`, and by :func:`ending` when SIGTERM, SIGHUP or
SIGINT ends the planner (the CLI's handler calls it: see :mod:`planner.cli`). No handler sees
SIGKILL, so on Linux each child also asks the kernel (``PR_SET_PDEATHSIG``) to be SIGKILLed when
the planner dies; what a child started itself (a shell's commands) is then left to its process
group. Before, ``dot`` kept laying a large picture out for minutes after the planner was gone,
and a plan command outlived SIGTERM.

Python runs a signal's handler in the main thread only, but the kernel hands a signal sent to the
process to any thread that does not block it: a thread that forks or starts a thread takes the
signals pending then. Taken by a helper thread while the main thread waits on a lock (``audit
--run-checks`` waiting for its pool), the signal only set a flag that nothing looked at: the
planner ran on until the command ended (under load, about one SIGTERM in ten). So the threads
that start and watch children are started inside :func:`signals_to_main_thread`, and block the
ending signals, which then always reach the main thread; the children unblock them again.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

_RUNNING: set[int] = set()
"""The process groups (each its leader's pid) of the children running now, in any thread."""
_STARTING: list[int] = []
"""One entry per child being started: its process may exist before its group is known."""
_DEFERRED: list[int] = []
"""Signals that came while a child was being started, to be sent again once it is known."""


ENDING_SIGNALS = frozenset({signal.SIGTERM, signal.SIGHUP, signal.SIGINT})
"""The signals that end the planner, whose handler (in the main thread) kills the children."""
_MASKS = hasattr(signal, "pthread_sigmask")


@contextlib.contextmanager
def signals_to_main_thread() -> Iterator[None]:
    """Threads started inside (they inherit the caller's signal mask) block
    :data:`ENDING_SIGNALS`, so that the kernel delivers them to the main thread, the one whose
    wait they interrupt and that runs their handler. One arriving meanwhile waits until the
    caller unblocks them again on the way out."""
    if not _MASKS:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def kill_running() -> None:
    """SIGKILL every child running now, its whole process group."""
    for group in list(_RUNNING):
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)


def ending(signum: int) -> bool:
    """For the handler of a signal that ends the planner (it must leave nothing behind): kill
    every child running now and return True; or, while a child is being started, keep
    ``signum`` to be sent again the moment that child can be killed, and return False."""
    if _STARTING:
        _DEFERRED.append(signum)
        if _STARTING:  # still starting: start() sends it again
            return False
        with contextlib.suppress(ValueError):  # it finished starting meanwhile: act now
            _DEFERRED.remove(signum)
    kill_running()
    return True


def _send_deferred() -> None:
    """Send again the signals :func:`ending` kept, once no child is being started."""
    while not _STARTING and _DEFERRED:
        os.kill(os.getpid(), _DEFERRED.pop())


_PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when the thread that started it ends."""


@cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux (looked up once, in the planner, never in a child), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]  # type: ignore[attr-defined]
    prctl.restype = ctypes.c_int  # type: ignore[attr-defined]
    return prctl


def _dies_with_planner() -> Callable[[], None] | None:
    """For ``preexec_fn``: the child unblocks the signals the thread starting it blocks (see
    :func:`signals_to_main_thread`: a command must not ignore its SIGTERM), asks to be
    SIGKILLed when the planner dies (even of SIGKILL, which no handler sees), and ends at once
    if the planner died already."""
    prctl = _prctl()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, ()) & ENDING_SIGNALS if _MASKS else set()
    if prctl is None and not blocked:
        return None
    planner, kill = os.getpid(), int(signal.SIGKILL)

    def preexec() -> None:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, kill, 0, 0, 0)
            if os.getppid() != planner:  # it died before the request was made
                os._exit(1)

    return preexec


def start(argv: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Start a child process that cannot outlive the planner: in a process group of its own
    (killed whole by :func:`kill_running`, and so by a signal that ends the planner) and asking
    the kernel for SIGKILL if the planner dies of anything else. Give it back with
    :func:`finished` once it has been waited for.

    Raises
    ------
    OSError
        When it cannot be started (``FileNotFoundError``: no such program).
    """
    _STARTING.append(0)
    try:
        process: subprocess.Popen[bytes] = subprocess.Popen(
            argv,
            start_new_session=True,  # its own process group, killed whole
            preexec_fn=_dies_with_planner(),  # noqa: PLW1509 - only prctl and getppid run in it
            **options,
        )
        _RUNNING.add(process.pid)
    finally:
        _STARTING.pop()
        _send_deferred()
    return process


def finished(process: subprocess.Popen[bytes]) -> None:
    """``process`` (from :func:`start`) has ended and been waited for: no longer killed."""
    _RUNNING.discard(process.pid)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``process``'s whole process group at once (it was started by :func:`start`)."""
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)


__all__ = ["ENDING_SIGNALS", "ending", "finished", "kill", "kill_running", "signals_to_main_thread", "start"]
