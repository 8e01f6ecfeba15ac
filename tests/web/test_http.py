"""What every response of ``planner serve`` carries, and what it refuses: only GET and HEAD, the
security headers on every route (errors included), the internal page only with its token or on
its own address."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import httpx

from planner.web.app import SECURITY_HEADERS
from tests.web.conftest import TOKEN, serving

PUBLIC_ROUTES = ["/", "/status.json", "/static/page.js", "/static/page.css", "/nowhere", "/static/x.js"]
INTERNAL_ROUTES = ["/internal/", "/internal/status.json", "/internal/static/page.js"]


def _secured(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.decode()] == value.decode(), (response.url, name)


def test_every_route_carries_the_security_headers(small_store: Path) -> None:
    with serving(small_store, token=TOKEN) as server, httpx.Client(base_url=server.public_url) as web:
        for route in PUBLIC_ROUTES + INTERNAL_ROUTES:
            _secured(web.get(route))
            _secured(web.get(route, headers={"Authorization": f"Bearer {TOKEN}"}))
            _secured(web.head(route))
        csp = web.get("/").headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "default-src 'none'" in csp
        with web.stream("GET", "/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            _secured(stream)


def test_nothing_but_get_and_head_is_answered(small_store: Path) -> None:
    with serving(small_store, token=TOKEN) as server, httpx.Client(base_url=server.public_url) as web:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for method in ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]:
            for route in ["/", "/events", "/status.json", "/internal/", "/internal/events", "/nowhere"]:
                response = web.request(method, route, headers=auth, content=b"state=restored")
                assert response.status_code == 405, (method, route)
                assert response.headers["allow"] == "GET, HEAD"
                _secured(response)


def test_the_page_runs_no_inline_script_and_works_without_javascript(small_store: Path) -> None:
    with serving(small_store) as server, httpx.Client(base_url=server.public_url) as web:
        html = web.get("/").text
    assert '<script src="static/page.js" defer></script>' in html
    assert html.count("<script") == 1
    assert re.search(r"<[^>]*\son[a-z]+\s*=", html, re.IGNORECASE) is None  # no inline handler
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in html
    assert '<meta name="viewport" content="width=device-width">' in html


def test_the_internal_page_needs_its_token(small_store: Path) -> None:
    with serving(small_store, token=TOKEN) as server, httpx.Client(base_url=server.public_url) as web:
        for route in [*INTERNAL_ROUTES[:2], "/internal/events"]:
            refused = web.get(route)
            assert refused.status_code == 401, route
            assert refused.headers["www-authenticate"].startswith("Basic realm=")
            assert TOKEN not in refused.text
            wrong = web.get(route, headers={"Authorization": f"Bearer {TOKEN[:-1]}x"})
            assert wrong.status_code == 401
        page = web.get("/internal/", headers={"Authorization": f"Bearer {TOKEN}"})
        assert page.status_code == 200
        assert "network-core" in page.text  # a service id: internal only
        basic = base64.b64encode(f"anyone:{TOKEN}".encode()).decode()
        assert (
            web.get("/internal/status.json", headers={"Authorization": f"Basic {basic}"}).status_code == 200
        )
        assert web.get("/internal/", headers={"Authorization": "Basic !!"}).status_code == 401


def test_without_a_token_the_internal_page_is_off(small_store: Path) -> None:
    with serving(small_store) as server, httpx.Client(base_url=server.public_url) as web:
        assert server.internal_url is None
        assert web.get("/internal/", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_the_internal_page_on_an_address_of_its_own(small_store: Path) -> None:
    with serving(small_store, internal_bind=True) as server:
        assert server.internal_url is not None
        assert server.internal_url != server.public_url
        internal = httpx.get(server.internal_url)
        assert internal.status_code == 200
        assert "network-core" in internal.text
        _secured(internal)
        public = httpx.get(server.public_url)
        assert "network-core" not in public.text
        assert httpx.get(server.public_url + "internal/").status_code == 404
        assert httpx.post(server.internal_url).status_code == 405


def test_the_internal_address_asks_for_the_token_when_there_is_one(small_store: Path) -> None:
    with serving(small_store, internal_bind=True, token=TOKEN) as server:
        assert server.internal_url is not None
        assert httpx.get(server.internal_url).status_code == 401
        ok = httpx.get(server.internal_url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200
