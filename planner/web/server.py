"""Serving the pages: the addresses to listen on, and uvicorn running one application for all
of them (the internal page on an address of its own is told apart by the address a request
came in on).
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import LOGGING_CONFIG

from planner.errors import UsageError
from planner.web.app import Gate, internal_site, public_site
from planner.web.feed import Feed
from planner.web.reading import Reader
from planner.web.render import Kind

DEFAULT_BIND = "127.0.0.1:8080"
INTERNAL_TITLE = "Internal status"
GRACE_SECONDS = 2
"""How long stopping waits for responses still being sent."""
WILDCARDS = ("0.0.0.0", "::")
BACKLOG = 2048
"""Connections the system queues before the server accepts them (uvicorn's default)."""


@dataclass(frozen=True)
class Address:
    """Where to listen: a host (a name or an IP address) and a port (0: any free one)."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self}/"


def parse_bind(text: str, option: str = "--bind") -> Address:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6), or a port alone (on 127.0.0.1).

    Examples
    --------
    >>> parse_bind("0.0.0.0:80"), parse_bind("[::1]:8080"), parse_bind("9000")
    (Address(host='0.0.0.0', port=80), Address(host='::1', port=8080), Address(host='127.0.0.1', port=9000))
    """
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text.strip()
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"{option} {text!r}: give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080")
    return Address(host, int(port))


def listen(address: Address, option: str = "--bind") -> socket.socket:
    """A socket listening on ``address``; a clear error when it cannot be."""
    try:
        infos = socket.getaddrinfo(
            address.host, address.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
        family, kind, proto, _, where = infos[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise UsageError(f"{option} {address}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(where)
        sock.listen(BACKLOG)  # connections wait in the queue until the server starts to accept
    except OSError as exc:
        sock.close()
        raise UsageError(f"{option} {address}: cannot listen there: {exc.strerror or exc}") from None
    return sock


def bound(sock: socket.socket) -> Address:
    """The address a socket is bound to (with the port the system chose for port 0)."""
    host, port = sock.getsockname()[:2]
    return Address(str(host), int(port))


@dataclass(frozen=True)
class ByAddress:
    """ASGI: requests that came in on ``address`` go to ``there``, every other one to ``app``."""

    app: ASGIApp
    address: Address
    there: ASGIApp

    def _ours(self, scope: Scope) -> bool:
        server = scope.get("server") or ("", 0)
        host, port = str(server[0]), int(server[1] or 0)
        if port != self.address.port:
            return False
        if self.address.host in WILDCARDS:
            return True
        try:
            return ipaddress.ip_address(host) == ipaddress.ip_address(self.address.host)
        except ValueError:
            return host == self.address.host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.there if scope["type"] != "lifespan" and self._ours(scope) else self.app
        await app(scope, receive, send)


def _diagnostics_to_stderr() -> dict[str, Any]:
    """uvicorn's logging, with the access log on standard error too (it writes it to standard
    output): what a server says about itself is a diagnostic."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return config


class _Uvicorn(uvicorn.Server):
    """uvicorn, ending the event streams as soon as it starts to stop (instead of waiting for
    them until the grace period is over)."""

    def __init__(self, config: uvicorn.Config, stopping: Callable[[], None]) -> None:
        super().__init__(config)
        self.stopping = stopping

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.stopping()
        await super().shutdown(sockets)


@dataclass
class StatusServer:
    """The pages on their sockets; :meth:`run` blocks until :meth:`stop` (or Ctrl-C)."""

    feed: Feed
    app: ASGIApp
    sockets: list[socket.socket]
    public_url: str
    internal_url: str | None
    """Where the internal page is (None: off)."""
    access_log: bool = True
    started: threading.Event = field(default_factory=threading.Event)
    _server: _Uvicorn | None = None
    _stopping: bool = False

    def run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            access_log=self.access_log,
            server_header=False,
            timeout_graceful_shutdown=GRACE_SECONDS,
            log_level="info",
            log_config=_diagnostics_to_stderr(),
        )
        hub = self.feed.start(asyncio.get_running_loop())
        self._server = _Uvicorn(config, hub.close)
        watcher = asyncio.create_task(self._started())
        try:
            if not self._stopping:  # asked to stop before it could start: never starts
                await self._server.serve(sockets=self.sockets)
        finally:
            watcher.cancel()
            self.feed.stop()

    async def _started(self) -> None:
        while self._server is not None and not self._server.started:
            await asyncio.sleep(0.02)
        self.started.set()

    def stop(self) -> None:
        """Ask the server to stop (from any thread, or a signal handler), even before it started."""
        self._stopping = True
        if self._server is not None:
            self._server.should_exit = True


def status_server(
    reader: Reader,
    *,
    bind: Address,
    internal_bind: Address | None = None,
    token: str | None = None,
    title: str = "Service status",
    access_log: bool = True,
) -> StatusServer:
    """The server of ``reader``'s store, its sockets bound: the public page on ``bind``; the
    internal page on ``internal_bind`` (behind ``token`` when there is one), else under
    ``/internal/`` behind ``token``, else off."""
    if internal_bind is not None and internal_bind.port == bind.port and bind.port != 0:
        raise UsageError("--internal-bind must differ from --bind in its port")
    internal_on = internal_bind is not None or token is not None
    feed = Feed(reader, [Kind.PUBLIC, Kind.INTERNAL] if internal_on else [Kind.PUBLIC])
    public_sock = listen(bind)
    public_url = bound(public_sock).url
    if internal_bind is None:
        gate = Gate(token) if token is not None else None
        app = public_site(feed, title=title, internal=gate, internal_title=INTERNAL_TITLE)
        internal_url = f"{public_url}internal/" if gate is not None else None
        return StatusServer(feed, app, [public_sock], public_url, internal_url, access_log)
    try:
        private_sock = listen(internal_bind, "--internal-bind")
    except UsageError:
        public_sock.close()
        raise
    app = ByAddress(
        public_site(feed, title=title, internal=None, internal_title=INTERNAL_TITLE),
        bound(private_sock),
        internal_site(feed, title=INTERNAL_TITLE, gate=Gate(token)),
    )
    internal_url = bound(private_sock).url
    return StatusServer(feed, app, [public_sock, private_sock], public_url, internal_url, access_log)
