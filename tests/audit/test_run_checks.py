"""``planner audit --run-checks``: every verify and check of the scenario's services runs, wave
after wave, and what fails now is a located ``check-fails`` finding; without the flag nothing
runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main

PLAN = """\
version: 1
name: dry run
teams:
  - id: ops
scenarios:
  - id: db-down
    failed: [db]
services:
  - id: db
    owner: ops
    verify: "sh -c 'echo db-verify >> {log}'"
  - id: app
    owner: ops
    verify: "sh -c 'echo app-verify >> {log}; echo connection refused; exit 7'"
    depends_on:
      - service: db
        check: "sh -c 'echo app-check-db >> {log}'"
  - id: web
    owner: ops
    verify: "sleep 30"
    depends_on:
      - service: app
        check: "true"
  - id: other
    owner: ops
    verify: "sh -c 'echo other-verify >> {log}'"
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLANNER_RUN_CHECKS", raising=False)
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.format(log=tmp_path / "ran.log"))
    return path


def test_failing_commands_are_findings_and_waves_run_in_order(
    capsys: pytest.CaptureFixture[str], plan: Path
) -> None:
    code, out, err = run(
        capsys,
        "audit",
        str(plan),
        "--scenario",
        "db-down",
        "--run-checks",
        "--timeout",
        "1",
        "--format",
        "json",
    )
    assert code == 1
    failed = [f for f in json.loads(out)["findings"] if f["rule"] == "check-fails"]
    assert {(f["service"], f.get("dependency")) for f in failed} == {("app", None), ("web", None)}
    app = next(f for f in failed if f["service"] == "app")
    assert "exit 7" in app["message"]
    assert "last output: connection refused" in app["message"]
    assert app["location"].endswith(":14:5")  # the verify of app
    web = next(f for f in failed if f["service"] == "web")
    assert "timed out after 1 s" in web["message"]
    ran = (plan.parent / "ran.log").read_text().split()
    assert ran.index("db-verify") < ran.index("app-check-db"), "a check runs after its dependency's wave"
    assert "other-verify" not in ran, "only the scenario's services"
    assert "[5/5]" in err


def test_sarif_describes_the_rule(capsys: pytest.CaptureFixture[str], plan: Path) -> None:
    code, out, _ = run(
        capsys,
        "audit",
        str(plan),
        "--scenario",
        "db-down",
        "--run-checks",
        "--timeout",
        "1",
        "--format",
        "sarif",
    )
    assert code == 1
    sarif = json.loads(out)["runs"][0]
    rules = [r["id"] for r in sarif["tool"]["driver"]["rules"]]
    assert "check-fails" in rules
    results = [r for r in sarif["results"] if r["ruleId"] == "check-fails"]
    assert results
    assert all(rules[r["ruleIndex"]] == "check-fails" for r in results)


def test_without_the_flag_nothing_runs(capsys: pytest.CaptureFixture[str], plan: Path) -> None:
    code, out, _ = run(capsys, "audit", str(plan), "--format", "json")
    assert not (plan.parent / "ran.log").exists()
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "check-fails"]
    assert code in {0, 1}


def test_the_plan_or_the_environment_can_forbid_it(
    capsys: pytest.CaptureFixture[str], plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_RUN_CHECKS", "never")
    code, _, err = run(capsys, "audit", str(plan), "--run-checks")
    assert code == 2
    assert "PLANNER_RUN_CHECKS=never" in err
    monkeypatch.delenv("PLANNER_RUN_CHECKS")
    plan.write_text(
        plan.read_text().replace("name: dry run\n", "name: dry run\npolicy:\n  run_checks: never\n")
    )
    code, _, err = run(capsys, "audit", str(plan), "--run-checks")
    assert code == 2
    assert "policy.run_checks: never" in err
    assert not (plan.parent / "ran.log").exists()


def test_its_severity_follows_policy_rules(capsys: pytest.CaptureFixture[str], plan: Path) -> None:
    plan.write_text(
        plan.read_text().replace(
            "name: dry run\n", "name: dry run\npolicy:\n  rules: {check-fails: warning}\n"
        )
    )
    _, out, _ = run(
        capsys,
        "audit",
        str(plan),
        "--scenario",
        "db-down",
        "--run-checks",
        "--timeout",
        "1",
        "--format",
        "json",
    )
    failed = [f for f in json.loads(out)["findings"] if f["rule"] == "check-fails"]
    assert failed
    assert {f["severity"] for f in failed} == {"warning"}
