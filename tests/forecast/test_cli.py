"""``planner forecast``, ``planner tune`` and the audit's ``rto-unlikely``, end to end."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "forecast.yaml"
Cli = Callable[..., Result]


def _outage(run: Cli, plan: Path, store: Path, day: str, minutes: dict[str, int]) -> None:
    """One storage outage, each task taking ``minutes[service]``, logged with --at."""
    clock = [0]

    def at() -> str:
        return f"{day}T{2 + clock[0] // 60:02d}:{clock[0] % 60:02d}:00Z"

    started = run("incident", "start", plan, "--scenario", "storage-outage", "--store", store, "--at", at())
    incident = started.out.strip().splitlines()[-1]
    previous = None
    for service in ("storage", "db", "api", "web"):
        common = ("--store", store, "--as", "alice")
        if previous:
            assert (
                run("incident", "check", incident, service, previous, "--pass", *common, "--at", at()).code
                == 0
            )
        assert run("incident", "begin", incident, service, *common, "--at", at()).code == 0
        clock[0] += minutes[service]
        assert run("incident", "verify", incident, service, *common, "--at", at()).code == 0
        assert run("incident", "restored", incident, service, *common, "--at", at()).code == 0
        previous = service


@pytest.fixture
def history(tmp_path: Path, run_cli: Cli) -> tuple[Path, Path]:
    plan = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLE, plan)
    store = tmp_path / "incidents.db"
    for day, storage in (("2026-09-03", 32), ("2026-10-11", 38), ("2026-11-19", 35)):
        _outage(run_cli, plan, store, day, {"storage": storage, "db": 15, "api": 5, "web": 6})
    return plan, store


def test_forecast_json_learns_from_the_store(history: tuple[Path, Path], run_cli: Cli) -> None:
    plan, store = history
    args = ("forecast", plan, "--scenario", "storage-outage", "--samples", "400", "--format", "json")
    before = json.loads(run_cli(*args).out)
    after = json.loads(run_cli(*args, "--store", store).out)
    assert before["history"]["measurements"] == 0
    assert after["history"] == {"measurements": 12, "incidents": 3, "exercises": 0}
    storage = [{s["service"]: s for s in doc["services"]}["storage"] for doc in (before, after)]
    assert storage[1]["p50"] > storage[0]["p50"]  # measured 35m against an estimate of 20m
    assert storage[1]["p_meet_rto"] < storage[0]["p_meet_rto"]
    assert after["all_critical_rtos_met"] <= min(s["p_meet_rto"] for s in after["services"] if s["critical"])
    assert run_cli(*args, "--store", store).out == run_cli(*args, "--store", store).out


def test_tune_write_changes_only_well_measured_estimates_and_keeps_comments(
    history: tuple[Path, Path], run_cli: Cli
) -> None:
    plan, store = history
    shown = run_cli("tune", plan, "--store", store)
    assert shown.code == 0
    assert "storage" in shown.out
    assert plan.read_text() == EXAMPLE.read_text()
    written = run_cli("tune", plan, "--store", store, "--write")
    assert written.code == 0, written.err
    text = plan.read_text()
    assert "restore_time: 35m           # the storage vendor's figure" in text
    assert "restart_time: 15m  # tuned: median of 3 incidents (was 5m)" in text
    assert "# one restore at a time" in text
    assert "# yaml-language-server" in text
    assert "-    restore_time: 20m" in written.out
    assert "+    restore_time: 35m" in written.out
    assert run_cli("validate", plan).code == 0
    again = run_cli("tune", plan, "--store", store, "--write")
    assert again.code == 0
    assert plan.read_text() == text
    assert "nothing to write" in again.err


def test_tune_refuses_a_missing_store_and_standard_input(tmp_path: Path, run_cli: Cli) -> None:
    missing = run_cli("tune", EXAMPLE, "--store", tmp_path / "nope.db")
    assert missing.code == 2
    assert "nope.db" in missing.err
    assert run_cli("tune", "-", "--store", tmp_path / "x.db", "--write").code == 2


def test_the_audit_flags_an_unlikely_rto_with_its_lever_only_for_a_scenario(
    tmp_path: Path, run_cli: Cli
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXAMPLE.read_text().replace("restore_time: 20m ", "restore_time: 35m "))
    found = json.loads(run_cli("audit", plan, "--scenario", "storage-outage", "--format", "json").out)
    unlikely = [f for f in found["findings"] if f["rule"] == "rto-unlikely"]
    assert [f["service"] for f in unlikely] == ["storage"]
    assert "what moves it most: halving storage's restore" in unlikely[0]["message"]
    assert unlikely[0]["location"].endswith(":29:5")
    whole = json.loads(run_cli("audit", plan, "--format", "json").out)
    assert not [f for f in whole["findings"] if f["rule"] == "rto-unlikely"]
