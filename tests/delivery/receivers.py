"""Real receivers on loopback for the delivery tests: an HTTP server (the standard library's, in a
thread) that answers each POST from a script of status codes, and an SMTP server (aiosmtpd) that
answers each message from a script of reply codes; both keep what they were sent."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


@dataclass
class Request:
    """One POST the receiver got, and the status it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """Answers the first POSTs with ``script`` (status codes), then 200; ``hold`` makes each
    POST wait until it is set (a receiver that hangs); ``echo`` answers a failure with the
    request's path in the body (a receiver that quotes its URL back)."""

    script: list[int] = field(default_factory=list)
    echo: bool = False
    hold: threading.Event | None = None
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    @property
    def accepted(self) -> list[Request]:
        """The POSTs answered 2xx: the copies the receiver took."""
        return [r for r in self.requests if 200 <= r.status < 300]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        if self.hold is not None:
            self.hold.wait(30)
        status = self.script.pop(0) if self.script else 200
        self.requests.append(Request(handler.path, dict(handler.headers), body, status))
        said = handler.path.encode() if self.echo and status >= 300 else b"ok" if status < 300 else b"no"
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(said)))
        handler.end_headers()
        handler.wfile.write(said)


@contextlib.contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    """``receiver`` listening on a free port of 127.0.0.1 while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.answer(self)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """An SMTP handler: the first messages get ``script``'s reply codes, then 250."""

    script: list[int] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    tries: int = 0
    logins: list[tuple[str, bytes]] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.tries += 1
        code = self.script.pop(0) if self.script else 250
        if code != 250:
            return f"{code} try again later" if code < 500 else f"{code} no such mailbox"
        self.messages.append(envelope.content)
        return "250 OK"

    def authenticate(
        self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
    ) -> AuthResult:
        self.logins.append((data.login.decode(), data.password))
        return AuthResult(success=True)


@contextlib.contextmanager
def smtp_server(mailbox: Mailbox) -> Iterator[int]:
    """An SMTP server for ``mailbox`` on a free port of 127.0.0.1 (plain, AUTH allowed without
    TLS); its port."""
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=mailbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
