"""``planner incident check/verify --run``: the planner runs the plan's command only when asked,
records what it showed, and runs nothing when the guard, the plan or the environment says no;
nothing runs at load, audit, export or import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main

PLAN = """\
version: 1
name: run drill
policy:
  run_checks: {policy}
teams:
  - id: ops
services:
  - id: db
    owner: ops
    rto: 30m
    verify: "{verify}"
  - id: app
    owner: ops
    rto: 1h
    verify: "touch app-verified"
    depends_on:
      - service: db
        check: "{check}"
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_STORE", str(tmp_path / "incidents.db"))
    monkeypatch.delenv("PLANNER_RUN_CHECKS", raising=False)
    return tmp_path


def start(
    capsys: pytest.CaptureFixture[str],
    here: Path,
    *,
    verify: str = "true",
    check: str = "touch check-ran",
    policy: str = "ask",
) -> str:
    plan = here / "plan.yaml"
    plan.write_text(PLAN.format(verify=verify, check=check, policy=policy))
    code, out, err = run(capsys, "incident", "start", str(plan))
    assert code == 0, err
    return out.split()[-1]


def journal(capsys: pytest.CaptureFixture[str], incident: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    assert code == 0
    entries: list[dict[str, object]] = json.loads(out)["journal"]
    return entries


def test_verify_run_records_the_evidence(capsys: pytest.CaptureFixture[str], here: Path) -> None:
    incident = start(capsys, here, verify="echo db answers")
    assert run(capsys, "incident", "begin", incident, "db")[0] == 0
    code, out, err = run(capsys, "incident", "verify", incident, "db", "--run")
    assert code == 0, err
    assert "runs without a shell, as 'echo' 'db' 'answers'" in err
    assert "in " + str(here) in err
    assert "confirmed db's own verify by `echo db answers`: exit 0 in" in out
    last = journal(capsys, incident)[-1]
    assert last["kind"] == "verified"
    evidence = last["run"]
    assert isinstance(evidence, dict)
    assert evidence["exit_status"] == 0
    assert evidence["head"] == "db answers"
    assert evidence["command"] == "echo db answers"


def test_a_failing_verify_is_recorded_as_failed_and_exits_1(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    incident = start(capsys, here, verify="sh -c 'echo connection refused; exit 3'")
    run(capsys, "incident", "begin", incident, "db")
    code, out, err = run(capsys, "incident", "verify", incident, "db", "--run")
    assert code == 1
    assert "verify FAILED by" in out
    assert "exit 3" in out
    assert "| connection refused" in err
    code, _, err = run(capsys, "incident", "restored", incident, "db")
    assert code == 1, "a failed verify confirms nothing"
    assert "verify" in err


def test_check_run_passes_or_fails_from_the_exit_status(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    incident = start(capsys, here, check="false")
    for step in (
        ["begin", incident, "db"],
        ["verify", incident, "db", "--run"],
        ["restored", incident, "db"],
    ):
        assert run(capsys, "incident", *step)[0] == 0
    code, out, _ = run(capsys, "incident", "check", incident, "app", "db", "--run")
    assert code == 1
    assert "check of db for app FAILED by `false`: exit 1" in out
    _, status, _ = run(capsys, "incident", "status", incident)
    assert "What the checks showed:" in status
    assert "app <- db failed: `false`: exit 1 in" in status
    code, report, _ = run(capsys, "report", incident)
    assert code == 0
    assert "exit 1" in report


def test_nothing_runs_when_the_guard_would_refuse_a_pass(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    incident = start(capsys, here)
    code, _, err = run(capsys, "incident", "check", incident, "app", "db", "--run")
    assert code == 1
    assert "db is down" in err
    assert "(nothing was run)" in err
    assert not (here / "check-ran").exists()
    code, _, err = run(capsys, "incident", "verify", incident, "app", "--run")
    assert code == 1
    assert "(nothing was run)" in err
    assert not (here / "app-verified").exists()


def test_the_plan_or_the_environment_can_forbid_running(
    capsys: pytest.CaptureFixture[str], here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = start(capsys, here, verify="touch db-verified", policy="never")
    run(capsys, "incident", "begin", incident, "db")
    code, _, err = run(capsys, "incident", "verify", incident, "db", "--run")
    assert code == 1
    assert "policy.run_checks: never" in err
    assert not (here / "db-verified").exists()
    other = start(capsys, here, verify="touch db-verified")
    run(capsys, "incident", "begin", other, "db")
    monkeypatch.setenv("PLANNER_RUN_CHECKS", "never")
    code, _, err = run(capsys, "incident", "verify", other, "db", "--run")
    assert code == 1
    assert "PLANNER_RUN_CHECKS=never" in err
    assert not (here / "db-verified").exists()


def test_run_does_not_go_with_pass_observed_or_at(capsys: pytest.CaptureFixture[str], here: Path) -> None:
    incident = start(capsys, here)
    for extra in (["--pass"], ["--observed", "x"], ["--at", "5m ago"]):
        code, _, err = run(capsys, "incident", "check", incident, "app", "db", "--run", *extra)
        assert code == 2, extra
        assert "--run" in err


def test_timeout_is_a_fail_with_the_group_killed(capsys: pytest.CaptureFixture[str], here: Path) -> None:
    incident = start(capsys, here, verify="sleep 60")
    run(capsys, "incident", "begin", incident, "db")
    code, out, _ = run(capsys, "incident", "verify", incident, "db", "--run", "--timeout", "1")
    assert code == 1
    assert "timed out after 1 s; its process group was killed" in out


def test_no_command_runs_at_load_audit_export_or_import(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    plan = here / "plan.yaml"
    plan.write_text(PLAN.format(verify="touch ran-at-load", check="touch ran-at-load", policy="ask"))
    compose = here / "compose.yaml"
    compose.write_text(
        "services:\n  db:\n    image: postgres\n    healthcheck:\n"
        "      test: [CMD-SHELL, touch ran-at-import]\n"
        "  app:\n    image: app\n    depends_on: [db]\n"
    )
    commands = [
        ["validate", str(plan)],
        ["order", str(plan)],
        ["schedule", str(plan)],
        ["audit", str(plan)],
        ["export", str(plan), "--format", "markdown"],
        ["export", str(plan), "--format", "mermaid"],
        ["export", str(plan), "--format", "dot"],
        ["import", "compose", str(compose), "-o", str(here / "imported.yaml")],
        ["validate", str(here / "imported.yaml")],
        ["audit", str(here / "imported.yaml")],
    ]
    for command in commands:
        code, _, err = run(capsys, *command)
        assert code in {0, 1}, (command, err)
    assert not list(here.glob("ran-at-*"))


def test_ctrl_c_kills_the_command_group_and_records_nothing(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    pidfile = here / "child.pid"
    incident = start(capsys, here, verify=f"sh -c 'echo $$ > {pidfile}; exec sleep 60'")
    run(capsys, "incident", "begin", incident, "db")
    planner = Path(sys.executable).parent / "planner"
    proc = subprocess.Popen(
        [str(planner), "incident", "verify", incident, "db", "--run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pidfile.exists(), "the command started"
    child = int(pidfile.read_text())
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2, err
    assert "interrupted" in err
    assert "nothing was recorded" in err
    deadline = time.monotonic() + 15  # generous: a loaded CI machine
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the command outlived Ctrl-C")
    kinds = [e["kind"] for e in journal(capsys, incident)]
    assert kinds[-1] == "task_begun", "nothing recorded"
