"""The live forecast of an incident's remaining work, and ``schedule --forecast``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from planner.forecast.live import left_over
from planner.forecast.model import belief
from tests.conftest import Result

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "forecast.yaml"
Cli = Callable[..., Result]


def test_work_under_way_takes_what_is_left_of_a_longer_draw() -> None:
    rng = np.random.default_rng(5)
    assert left_over(belief(1200, 0.0), 300, 4, rng).tolist() == [900] * 4
    assert left_over(belief(1200, 0.0), 1500, 2, rng).tolist() == [0, 0]  # overrun, no spread: now
    overrun = left_over(belief(1200, 0.5), 3600, 2000, rng)
    assert (overrun >= 0).all()
    assert np.median(overrun) > 0  # past its median, a task still has work left


def _status(run: Cli, store: Path, incident: str, at: str) -> dict:  # type: ignore[type-arg]
    out = run("incident", "status", incident, "--store", store, "--at", at, "--format", "json")
    assert out.code == 0, out.err
    return json.loads(out.out)  # type: ignore[no-any-return]


def test_incident_status_forecasts_the_remaining_work(tmp_path: Path, run_cli: Cli) -> None:
    store = tmp_path / "s.db"
    started = run_cli(
        "incident",
        "start",
        EXAMPLE,
        "--scenario",
        "storage-outage",
        "--store",
        store,
        "--at",
        "2026-12-01T02:00Z",
    )
    incident = started.out.strip().splitlines()[-1]
    assert (
        run_cli(
            "incident",
            "begin",
            incident,
            "storage",
            "--store",
            store,
            "--as",
            "a",
            "--at",
            "2026-12-01T02:05Z",
        ).code
        == 0
    )
    early = _status(run_cli, store, incident, "2026-12-01T02:10Z")["forecast"]
    late = _status(run_cli, store, incident, "2026-12-01T02:40Z")["forecast"]
    assert 0 < late["all_critical_rtos_met"] < early["all_critical_rtos_met"] <= 1
    assert late["services"]["storage"]["p50"] > "2026-12-01T02:40"  # overrun: still work left
    assert set(early["services"]) == {"storage", "db", "api", "web"}
    lost = _status(run_cli, store, incident, "2026-12-01T02:50Z")["forecast"]  # storage's 45m RTO passed
    assert lost["all_critical_rtos_met"] == 0
    text = run_cli("incident", "status", incident, "--store", store, "--at", "2026-12-01T02:10Z").out
    assert f"forecast: all critical RTOs: {round(early['all_critical_rtos_met'] * 100)}%" in text
    again = _status(run_cli, store, incident, "2026-12-01T02:10Z")["forecast"]
    assert again == early  # the same state and minute: the same answer


def test_schedule_forecast_adds_a_column_and_a_key(run_cli: Cli) -> None:
    plain = run_cli("schedule", EXAMPLE, "--scenario", "storage-outage")
    odds = run_cli("schedule", EXAMPLE, "--scenario", "storage-outage", "--forecast")
    assert "P(RTO)" not in plain.out
    assert "P(RTO)" in odds.out
    doc = json.loads(
        run_cli("schedule", EXAMPLE, "--scenario", "storage-outage", "--forecast", "--format", "json").out
    )
    assert all(0 <= t["p_meet_rto"] <= 1 for t in doc["tasks"])
    assert "p_meet_rto" not in json.loads(run_cli("schedule", EXAMPLE, "--format", "json").out)["tasks"][0]
