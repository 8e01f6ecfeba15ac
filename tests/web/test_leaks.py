"""The public page never says what is internal: a plan whose every internal name is distinctive
(tests/web/data/leaky.yaml), an incident that records notes, observations, bypass reasons,
escalations and updates to every audience; none of it may appear in the public HTML, JSON or
event stream, while the internal page has it all. Hostile names come out as text."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATA
from tests.web.conftest import HERE, TOKEN, planner, serving, start_incident

LEAKY = HERE / "data" / "leaky.yaml"
NEEDLES = [
    "leak",  # every note, observation, reason, title, command and URL of the test says LEAK
    "zq7",  # service ids and names
    "ledger",
    "vault",
    "qx9",  # the team: id, name, channel
    "squad",
    "kw3",  # people: ids, names, contacts
    "pj8",
    "kowalczyk",
    "pereira",
    "555",
    "internal.example",
    "verifycmd",
]
HOSTILE_UPDATE = "Checkout is slow for some. <script>alert('x')</script> We are on it."


def _record_everything(store: Path) -> None:
    inc, at = "INC-1", ["--store", str(store), "--as", "kw3-person"]
    for action in [
        ["begin", inc, "zq7-ledger"],
        ["verify", inc, "zq7-ledger", "--observed", "OBSERVED-LEAK-63 disk at 97%"],
        ["note", inc, "NOTE-LEAK-51 kw3 unsealed the vault by hand"],
        ["restored", inc, "zq7-ledger"],
        ["begin", inc, "zq7-vault"],
        ["check", inc, "zq7-vault", "zq7-ledger", "--fail", "--observed", "CHECK-LEAK-77 refused"],
        ["bypass", inc, "zq7-vault", "zq7-ledger", "--reason", "REASON-LEAK-29 check hangs"],
        ["escalate", inc, "zq7-vault"],
        ["update", inc, "--audience", "technical", "--message", "TECH-LEAK-18 zq7-vault sealed"],
        ["update", inc, "--audience", "executive", "--message", "EXEC-LEAK-19 qx9 on it"],
        ["update", inc, "--audience", "executive"],  # the drafts name services and teams
        ["update", inc, "--audience", "technical"],
        ["update", inc, "--audience", "customer"],  # the draft for customers: public components only
        ["update", inc, "--audience", "customer", "--message", HOSTILE_UPDATE],
    ]:
        assert planner("incident", *action, *at) in {0, 1}, action


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [needle for needle in NEEDLES if needle in lowered]


def _first_event(web: httpx.Client, route: str, **kwargs: object) -> str:
    with web.stream("GET", route, **kwargs) as stream:  # type: ignore[arg-type]
        data = []
        for line in stream.iter_lines():
            if line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and data:
                return "\n".join(data)
    raise AssertionError("the stream ended")


@pytest.fixture
def leaky_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    store = tmp_path / "incidents.db"
    start_incident(LEAKY, store, "--title", "TITLE-LEAK-71 zq7-ledger down")
    _record_everything(store)
    capsys.readouterr()
    return store


def test_the_public_page_names_nothing_internal(leaky_store: Path) -> None:
    with (
        serving(leaky_store, token=TOKEN) as server,
        httpx.Client(base_url=server.public_url, timeout=20) as web,
    ):
        html = web.get("/").text
        served = {
            "/": html,
            "/status.json": web.get("/status.json").text,
            "/events": _first_event(web, "/events"),
        }
        internal = web.get("/internal/", headers={"Authorization": f"Bearer {TOKEN}"}).text
    for route, text in served.items():
        assert _leaks(text) == [], f"{route} says {_leaks(text)}"
    # the needles are real: the internal page has every one the incident recorded
    assert set(_leaks(internal)) >= {"leak", "zq7", "qx9", "squad", "kw3"}
    assert "Checkout" in html
    assert "Paying for an order" in html
    assert "Partial outage" in html  # the ledger is back, the vault is not


def test_hostile_text_on_the_public_page_stays_text(leaky_store: Path) -> None:
    with serving(leaky_store) as server, httpx.Client(base_url=server.public_url, timeout=20) as web:
        html = web.get("/").text
        stream = _first_event(web, "/events")
    for text in (html, stream):
        assert "<script>alert" not in text
        assert "<img" not in text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
        assert "Login &lt;img src=x onerror=alert(1)&gt; &amp; &#34;more&#34;" in text
    assert len(re.findall(r"<script\b", html)) == 1  # the page's own, by src


def test_hostile_names_on_the_internal_page_stay_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "incidents.db"
    start_incident(DATA / "hostile" / "markdown-injection.yaml", store)
    planner("incident", "note", "INC-1", "<b>bold</b> <script>evil()</script>", "--store", store, "--as", "x")
    capsys.readouterr()
    with serving(store, token=TOKEN) as server, httpx.Client(base_url=server.public_url, timeout=20) as web:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        html = web.get("/internal/", headers=auth).text
        stream = _first_event(web, "/internal/events", headers=auth)
    for text in (html, stream):
        assert "<script>evil" not in text
        assert "<img" not in text
        assert "<b>" not in text
        assert "&lt;script&gt;evil()&lt;/script&gt;" in text
        assert "Ops | pipe" in text  # a team name, as written
