"""The live part: one read of the store per change, pushed to every event stream; the JSON
follows the journal too; a void makes the page read the whole journal again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from planner.web.reading import Reader
from planner.web.render import sse
from tests.proxy import Relay
from tests.web.conftest import HERE, TOKEN, customer_update, planner, serving, start_incident


def _events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    """(event, data) of each Server-Sent Event."""
    kind, data = "", list[str]()
    for line in lines:
        if line == "":
            if data:
                yield kind, "\n".join(data)
            kind, data = "", list[str]()
        elif line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])


def test_an_action_reaches_every_stream(small_store: Path) -> None:
    with (
        serving(small_store, token=TOKEN) as server,
        httpx.Client(base_url=server.public_url, timeout=20) as web,
    ):
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with (
            web.stream("GET", "/events") as public,
            web.stream("GET", "/internal/events", headers=auth) as inside,
        ):
            seen_public, seen_inside = _events(public.iter_lines()), _events(inside.iter_lines())
            assert next(seen_public)[0] == "update"  # what the page shows now, at once
            assert "network-core" in next(seen_inside)[1]
            planner(
                "incident", "update", "INC-1", "--store", small_store, "--audience", "customer", "--as", "cl"
            )
            planner("incident", "begin", "INC-1", "network-core", "--store", small_store, "--as", "ops")
            kind, data = next(seen_public)
            assert kind == "update"
            assert "Our engineers are restoring service" in data
            while "began restoring network-core" not in (data := next(seen_inside)[1]):
                pass
            assert "restoring" in data
        status = json.loads(web.get("/status.json").text)
        assert len(status["updates"]) == 1
        inside_status = json.loads(web.get("/internal/status.json", headers=auth).text)
        assert inside_status["waves"][0]["tasks"][0]["state"] == "restoring"


def test_a_stream_takes_up_where_it_left_off(small_store: Path) -> None:
    with serving(small_store) as server, httpx.Client(base_url=server.public_url, timeout=20) as web:
        with web.stream("GET", "/events") as stream:
            text = ""
            for line in stream.iter_lines():
                if line.startswith("id: "):
                    text = line[4:]
                    break
        # a browser that reconnects says what it has: it gets nothing again but a keep-alive
        with web.stream("GET", "/events", headers={"Last-Event-ID": text}) as again:
            lines = again.iter_lines()
            assert next(lines) == "retry: 1000"
            planner(
                "incident", "update", "INC-1", "--store", small_store, "--audience", "customer", "--as", "cl"
            )
            kind, data = next(_events(lines))
            assert kind == "update"
            assert "Our engineers are restoring service" in data  # not the page it already had


def test_a_browser_from_before_a_restart_gets_the_page_at_once(small_store: Path) -> None:
    with serving(small_store) as server, httpx.Client(base_url=server.public_url, timeout=20) as web:
        for stale in ["00000000.999", "999", "x.y", ""]:
            with web.stream("GET", "/events", headers={"Last-Event-ID": stale}) as stream:
                kind, data = next(_events(stream.iter_lines()))
                assert kind == "update"
                assert "Components" in data


def test_the_page_catches_up_after_losing_its_server(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A PostgreSQL store that goes away: what was recorded meanwhile reaches the page once the
    server is back (the watch reconnects and reads the journal)."""
    start_incident(HERE.parent.parent / "examples" / "small.yaml", pg_url)
    parts = urlsplit(pg_url)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    through = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}"))
    try:
        # within 20 s: sooner than the feed's own reading every 30 s could make up for it
        with (
            serving(through) as server,
            httpx.Client(base_url=server.public_url, timeout=20) as web,
            web.stream("GET", "/events") as stream,
        ):
            seen = _events(stream.iter_lines())
            assert "No update yet" in next(seen)[1]
            relay.cut()
            customer_update(pg_url)  # on the server itself: the page cannot hear of it
            relay.mend()
            assert "Our engineers are restoring service" in next(seen)[1]
    finally:
        relay.cut()
    capsys.readouterr()


def test_a_void_reads_the_journal_again(small_store: Path) -> None:
    reader = Reader(small_store)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    customer_update(small_store)
    assert len(reader.read(now).updates) == 1
    planner(
        "incident",
        "void",
        "INC-1",
        "2",
        "--reason",
        "sent to the wrong list",
        "--store",
        small_store,
        "--as",
        "cl",
    )
    reading = reader.read(now)
    assert reading.updates == []
    assert "voided" in reading.journal[-1].kind


def test_a_page_without_incident_follows_the_newest_open_one(small_store: Path) -> None:
    reader = Reader(small_store)
    from datetime import UTC, datetime

    assert reader.read(datetime.now(UTC)).row.id == "INC-1"  # type: ignore[union-attr]
    plan = Path(__file__).resolve().parents[2] / "examples" / "small.yaml"
    planner("incident", "start", plan, "--store", small_store, "--failed", "web", "--as", "ic")
    assert reader.read(datetime.now(UTC)).row.id == "INC-2"  # type: ignore[union-attr]
    fixed = Reader(small_store, "INC-1")
    assert fixed.read(datetime.now(UTC)).row.id == "INC-1"  # type: ignore[union-attr]
    planner("incident", "start", plan, "--store", small_store, "--exercise", "--as", "ic")
    assert reader.read(datetime.now(UTC)).row.id == "INC-2"  # type: ignore[union-attr]  # not the drill


def test_an_event_of_many_lines_stays_one_event() -> None:
    said = sse("update", "a\nb\r\ndata: forged\rc\x0cd", "7").decode()
    assert said == "event: update\nid: 7\ndata: a\ndata: b\ndata: data: forged\ndata: c\x0cd\n\n"


def test_the_load_test_reads_the_stream_the_server_writes() -> None:
    from benchmarks.bench_serve import version_of

    lines = sse("update", "<p>x</p>", "5f3a9c01.42").splitlines(keepends=True)
    assert [version_of(line) for line in lines] == [None, 42, None, None]
