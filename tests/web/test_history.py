"""The components' history as the public page tells it: replayed from the journal, each change
once, with what it was before; a void takes a change back (the journal is read again)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from planner.tracking.reports.status_text import rto_status
from planner.web.pages import internal_page, public_page
from planner.web.reading import Reader
from tests.web.conftest import HERE, planner, start_incident

SHOP = HERE / "data" / "shop.yaml"


def _history(reader: Reader) -> list[tuple[str, str, str]]:
    page = public_page(reader.read(datetime.now(UTC)))
    return [(h["name"], h["before"], h["after"]) for h in reversed(page["history"])]


def test_each_change_once_and_a_void_takes_it_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "incidents.db"
    start_incident(SHOP, store)
    reader = Reader(store)
    assert _history(reader) == [("Checkout", "Operational", "Major outage")]  # Reports is internal
    at = ["--store", str(store), "--as", "sre"]
    for action in [["begin", "INC-1", "db"], ["verify", "INC-1", "db"], ["restored", "INC-1", "db"]]:
        assert planner("incident", *action, *at) == 0
    assert _history(reader)[-1] == ("Checkout", "Major outage", "Partial outage")
    assert planner("incident", "void", "INC-1", "4", "--reason", "not restored after all", *at) == 0
    assert _history(reader) == [("Checkout", "Operational", "Major outage")]
    page = internal_page(reader.read(datetime.now(UTC)))
    assert [c["status"] for c in page["components"]] == ["major_outage", "major_outage"]


def test_a_store_without_incidents_serves_an_empty_page(tmp_path: Path) -> None:
    store = tmp_path / "incidents.db"
    assert planner("store", "migrate", "--store", store) == 0
    reader = Reader(store)
    reading = reader.read(datetime.now(UTC))
    assert public_page(reading)["status"] == "operational"
    assert public_page(reading)["incident"] is None
    assert internal_page(reading)["incident"] is None
    start_incident(SHOP, store)
    assert public_page(reader.read(datetime.now(UTC)))["status"] == "major_outage"


def test_a_large_incident_lists_what_is_not_restored_first(
    small_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planner.web.pages.ROWS_SHOWN", 3)
    at = ["--store", str(small_store), "--as", "sre"]
    for action in [["begin", "INC-1", "network-core"], ["verify", "INC-1", "network-core"]]:
        assert planner("incident", *action, *at) == 0
    assert planner("incident", "restored", "INC-1", "network-core", *at) == 0
    page = internal_page(Reader(small_store).read(datetime.now(UTC)))
    listed = [t["service"] for w in page["waves"] for t in w["tasks"]]
    assert listed == ["dns", "cache", "storage-cluster"]  # wave order, the restored one left out
    assert page["not_shown"] == 4


def test_without_public_components_an_open_incident_claims_nothing(small_store: Path) -> None:
    page = public_page(Reader(small_store).read(datetime.now(UTC)))
    assert page["components"] == []
    assert page["status"] == "unknown"
    assert page["headline"] == "An incident is in progress"


class _Counted(list[str]):
    """A projection's list that counts how often it is read."""

    reads = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        _Counted.reads += 1
        return super().__iter__()

    def __contains__(self, item: object) -> bool:
        _Counted.reads += 1
        return super().__contains__(item)


@pytest.mark.parametrize(
    ("hours", "words"), [(0, {"on track"}), (1, {"on track", "at risk", "late"}), (48, {"late"})]
)
def test_the_rto_words_read_the_projections_lists_once(
    small_store: Path, hours: int, words: set[str]
) -> None:
    """Each row's RTO word is :func:`rto_status`'s, from the projection's three lists read once
    for the page (they were searched for every row: 300 rows of a 10,000-task incident)."""
    reading = Reader(small_store).read(datetime.now(UTC) + timedelta(hours=hours))
    assert reading.projection is not None
    assert reading.state is not None
    p = reading.projection
    counted = replace(p, late=_Counted(p.late), missed=_Counted(p.missed), at_risk=_Counted(p.at_risk))
    _Counted.reads = 0
    page = internal_page(replace(reading, projection=counted))
    rows = {t["service"]: t["rto"] for w in page["waves"] for t in w["tasks"]}
    assert _Counted.reads == 3
    assert len(rows) == len(reading.state.tasks) > 3
    expected = {s: rto_status(reading.state, t, p, reading.now) for s, t in reading.state.tasks.items()}
    assert rows == expected
    assert set(rows.values()) == words
