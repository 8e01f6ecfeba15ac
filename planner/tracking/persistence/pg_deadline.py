"""How long a PostgreSQL statement may go unanswered before the server counts as gone.

A server that is stopped (SIGSTOP, a hung host or VM) keeps its TCP connections up: the kernel
still acknowledges every packet and every keepalive probe, so neither TCP keepalives nor
``tcp_user_timeout`` ever notice, and a query waits for ever. :class:`Deadline` watches a
statement from another thread: once the server has sent nothing for :data:`SILENCE` seconds
while a statement waits, it shuts the connection's socket, the driver fails at once, and the
store says it is offline (nothing was recorded). A server still sending a large answer is not
silent (the time since its last byte is read from the socket where Linux tells it), so a big read
on a slow link is not cut.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from types import TracebackType
from typing import Any

SILENCE = 3.0
"""Seconds a statement may get nothing from the server before the server counts as hung (a
statement that waits for a lock is given the lock's wait on top)."""
_LAST_DATA_RECV = 52
"""Offset of ``tcpi_last_data_recv`` (milliseconds since data last came) in Linux's ``tcp_info``."""


def quiet_for(fd: int) -> float | None:
    """Seconds since the server last sent data on socket ``fd``; None where the system does not
    say (not Linux, not TCP)."""
    option = getattr(socket, "TCP_INFO", None)
    if option is None:
        return None
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return None
    try:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return None
        info = sock.getsockopt(socket.IPPROTO_TCP, option, 104)
    except OSError:
        return None
    finally:
        sock.close()
    if len(info) < _LAST_DATA_RECV + 4:
        return None
    (millis,) = struct.unpack_from("I", info, _LAST_DATA_RECV)
    return float(millis) / 1000


def cut(fd: int) -> None:
    """Shut socket ``fd`` both ways: whoever waits on it (the driver) fails at once."""
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(fd))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.close()


class Deadline:
    """``with Deadline(conn, seconds):`` around one statement on ``conn``: after ``seconds``
    of silence from the server the socket is cut (:attr:`fired` then says why the statement
    failed)."""

    def __init__(self, conn: Any, seconds: float = SILENCE) -> None:
        """Watch ``conn`` (a psycopg connection; a closed one is not watched: it fails by itself)."""
        try:
            self.fd = int(conn.fileno())
        except Exception:  # noqa: BLE001 - closed or broken: the statement fails at once anyway
            self.fd = -1
        self.seconds = seconds
        self.fired = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="planner-pg-deadline", daemon=True)

    def __enter__(self) -> Deadline:
        if self.fd >= 0:
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._done.set()

    def _watch(self) -> None:
        started = time.monotonic()
        wait = self.seconds
        while not self._done.wait(wait):
            quiet = quiet_for(self.fd)
            waited = time.monotonic() - started
            silent = waited if quiet is None else min(quiet, waited)
            if silent < self.seconds:  # the server is still sending: give it the time again
                wait = self.seconds - silent
                continue
            if self._done.is_set():
                return
            self.fired = True
            cut(self.fd)
            return
