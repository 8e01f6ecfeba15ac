"""``audit --all-scenarios`` runs one schedule per scenario and single failure: bounded by a
budget of scheduled tasks (a chain of 10,000 services took 213 s), and saying what it left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.audit import scenarios
from planner.audit.scenarios import all_scenarios
from planner.planfile.loader import load_valid_plan
from tests.conftest import EXAMPLES

LENGTH = 60


def _chain(tmp_path: Path) -> Path:
    services = [{"id": "s00", "owner": "t", "restore_time": "10m", "rto": "1h"}]
    services += [
        {"id": f"s{i:02}", "owner": "t", "restart_time": "1m", "depends_on": [f"s{i - 1:02}"]}
        for i in range(1, LENGTH)
    ]
    plan = {"version": 1, "name": "chain", "teams": [{"id": "t"}], "services": services}
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_the_budget_stops_the_run_and_says_what_was_left_out(tmp_path: Path) -> None:
    plan = load_valid_plan(_chain(tmp_path))
    outcomes, covered = all_scenarios(plan, budget=200)
    # s00 impacts 60, s01 59, s02 58: a fourth (57) would pass 200
    assert sorted(o.id for o in outcomes) == ["fail:s00", "fail:s01", "fail:s02"]
    assert "only the first 3 were run: they scheduled 177 tasks, and the budget is 200" in covered


def test_within_the_budget_everything_runs(tmp_path: Path) -> None:
    outcomes, covered = all_scenarios(load_valid_plan(_chain(tmp_path)))
    assert len(outcomes) == LENGTH
    assert "only the first" not in covered
    enterprise = load_valid_plan(EXAMPLES / "enterprise.yaml")
    assert len(all_scenarios(enterprise)[0]) == len(enterprise.scenarios) + len(enterprise.services)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_cli_says_what_was_covered(run_cli, tmp_path: Path, monkeypatch, fmt: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(scenarios, "TASK_BUDGET", 200)
    result = run_cli("audit", _chain(tmp_path), "--all-scenarios", "--fail-on", "never", "--format", fmt)
    assert result.code == 0, result.err
    said = json.loads(result.out)["scenarios_covered"] if fmt == "json" else result.out
    assert "only the first 3 were run" in said
