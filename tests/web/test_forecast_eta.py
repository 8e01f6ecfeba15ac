"""The status page's ETA carries the live forecast: when a component is back in nine of ten
sampled recoveries (#31), never before the schedule's own estimate of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from planner.tracking.persistence.db import as_location
from planner.web.pages import internal_page, public_page
from planner.web.reading import Reader
from tests.web.conftest import HERE, planner, start_incident


def _reading(store: Path, later: timedelta = timedelta(0)):  # type: ignore[no-untyped-def]
    return Reader(as_location(str(store)), None).read(datetime.now(UTC) + later)


def test_a_component_that_is_down_has_a_p90_no_earlier_than_its_eta(tmp_path: Path) -> None:
    store = tmp_path / "incidents.db"
    start_incident(HERE / "data" / "leaky.yaml", store)
    page = public_page(_reading(store))
    assert page["components"], "the leak plan publishes components"
    for component in page["components"]:
        assert component["status"] != "operational"
        assert component["eta_p90"] is not None, component["name"]
        assert datetime.fromisoformat(component["eta_p90"]) >= datetime.fromisoformat(component["eta"])
    internal = internal_page(_reading(store))
    assert all(c["eta_p90"] for c in internal["components"])


def test_no_p90_once_everything_is_back(tmp_path: Path) -> None:
    store = tmp_path / "incidents.db"
    start_incident(HERE / "data" / "leaky.yaml", store)
    steps = [
        ("begin", "zq7-ledger"),
        ("verify", "zq7-ledger", "--observed", "healthy"),
        ("restored", "zq7-ledger"),
        ("check", "zq7-vault", "zq7-ledger", "--pass"),
        ("begin", "zq7-vault"),
        ("verify", "zq7-vault", "--observed", "healthy"),
        ("restored", "zq7-vault"),
    ]
    for verb, *rest in steps:
        assert planner("incident", verb, "INC-1", *rest, "--store", store, "--as", "ic") == 0, verb
    page = public_page(_reading(store, timedelta(minutes=1)))
    assert [c["eta_p90"] for c in page["components"]] == [None, None]
