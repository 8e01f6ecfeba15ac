"""The web application (Starlette): the public page, the internal page behind its gate, their
JSON and their Server-Sent Events. Nothing here writes: only GET and HEAD are answered (any
other method gets 405), and every response carries the same security headers.
"""

from __future__ import annotations

import hmac
from base64 import b64decode
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from planner.web.feed import Feed
from planner.web.render import Kind, shell, sse, static

HEARTBEAT_SECONDS = 15.0
"""A quiet event stream sends a comment this often (proxies close idle connections)."""
RETRY_MILLISECONDS = 1000
"""How soon a browser reconnects a lost event stream."""
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
READ_ONLY = ("GET", "HEAD")
STATIC = {
    "page.js": "text/javascript; charset=utf-8",
    "page.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
REALM = 'Basic realm="planner internal status", charset="UTF-8"'


class Guarded:
    """ASGI middleware: refuse every method but GET and HEAD (405), and add the security headers
    to every response, errors included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if scope["method"] not in READ_ONLY:
            refusal = PlainTextResponse(
                "this server is read-only: GET and HEAD only\n", 405, headers={"Allow": ", ".join(READ_ONLY)}
            )
            await refusal(scope, receive, secured)
            return
        await self.app(scope, receive, secured)


@dataclass(frozen=True)
class Gate:
    """The internal page's token (None: open, as on an address of its own with no token)."""

    token: str | None

    def admits(self, request: Request) -> bool:
        """True for a request carrying the token (``Authorization: Bearer TOKEN``, or Basic
        authentication with the token as the password), compared in constant time."""
        if self.token is None:
            return True
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                given = b64decode(given.strip(), validate=True).decode("utf-8").partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                return False
        elif scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8"))


def _refused() -> Response:
    return PlainTextResponse(
        "the internal status page needs its token (HTTP Basic password, or Authorization: Bearer)\n",
        401,
        headers={"WWW-Authenticate": REALM, "Cache-Control": "no-store"},
    )


@dataclass(frozen=True)
class Page:
    """One page's routes: the page, its JSON, its event stream and its static files."""

    feed: Feed
    kind: Kind
    title: str
    gate: Gate | None = None

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/", self.page, methods=READ_ONLY),
            Route("/status.json", self.data, methods=READ_ONLY),
            Route("/events", self.events, methods=READ_ONLY),
            Route("/static/{name}", self.static, methods=READ_ONLY),
        ]

    @property
    def caching(self) -> str:
        return "no-cache" if self.kind == Kind.PUBLIC else "no-store, private"

    def _shut(self, request: Request) -> Response | None:
        if self.gate is not None and not self.gate.admits(request):
            return _refused()
        if self.feed.hub is None or self.feed.hub.frame is None:
            return PlainTextResponse("starting\n", 503, headers={"Retry-After": "1"})
        return None

    async def page(self, request: Request) -> Response:
        if shut := self._shut(request):
            return shut
        assert self.feed.hub is not None
        assert self.feed.hub.frame is not None
        frame = self.feed.hub.frame
        version = f"{self.feed.boot}.{frame.versions[self.kind]}"
        html = shell(self.kind, frame.pages[self.kind].live, version, title=self.title)
        return HTMLResponse(html, headers={"Cache-Control": self.caching})

    async def data(self, request: Request) -> Response:
        if shut := self._shut(request):
            return shut
        assert self.feed.hub is not None
        assert self.feed.hub.frame is not None
        body = self.feed.hub.frame.pages[self.kind].json
        return Response(body, media_type="application/json", headers={"Cache-Control": self.caching})

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found\n", 404)
        return Response(static(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    async def events(self, request: Request) -> Response:
        if shut := self._shut(request):
            return shut
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        if request.method == "HEAD":
            return Response(b"", media_type="text/event-stream", headers=headers)
        seen = self._seen(request.headers.get("last-event-id", ""))
        return StreamingResponse(self._stream(seen), media_type="text/event-stream", headers=headers)

    def _seen(self, last: str) -> int:
        """The version a reconnecting browser has (``BOOT.VERSION``, its last event's id): 0
        unless it came from this server's run (versions start again at each start)."""
        boot, _, version = last.partition(".")
        if boot != self.feed.boot or not version.isdigit() or len(version) > 12:
            return 0
        return int(version)

    async def _stream(self, seen: int) -> AsyncIterator[bytes]:
        hub = self.feed.hub
        assert hub is not None
        yield f"retry: {RETRY_MILLISECONDS}\n\n".encode()
        while not hub.closed:
            frame = await hub.after(self.kind, seen, HEARTBEAT_SECONDS)
            if frame is None:
                if not hub.closed:
                    yield b": still here\n\n"
                continue
            seen = frame.versions[self.kind]
            yield sse("update", frame.pages[self.kind].live, f"{self.feed.boot}.{seen}")


def _site(routes: list[BaseRoute]) -> ASGIApp:
    return Guarded(Starlette(routes=routes))


def public_site(feed: Feed, *, title: str, internal: Gate | None, internal_title: str) -> ASGIApp:
    """The public page at ``/``; the internal one under ``/internal/`` when ``internal`` (its gate)."""
    routes = Page(feed, Kind.PUBLIC, title).routes()
    if internal is not None:
        routes.append(Mount("/internal", routes=Page(feed, Kind.INTERNAL, internal_title, internal).routes()))
    return _site(routes)


def internal_site(feed: Feed, *, title: str, gate: Gate) -> ASGIApp:
    """The internal page alone at ``/`` (for an address of its own)."""
    return _site(Page(feed, Kind.INTERNAL, title, gate).routes())
