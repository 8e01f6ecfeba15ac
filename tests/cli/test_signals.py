"""No command leaves a process behind when it is ended by a signal: a plan command run with
``--run`` or ``--run-checks`` lives in a process group of its own (so that a timeout kills it
whole), which SIGTERM or SIGHUP to the planner used to leave running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

PLAN = """version: 1
name: slow checks
services:
  - id: base
    verify: "sleep 120"
"""


def _children(pid: int) -> set[int]:
    """The living processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(what: Any, seconds: float = 60) -> Any:
    """``what()`` once it is true (a liveness wait, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not (found := what()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
@pytest.mark.parametrize("how", ["audit --run-checks", "incident verify --run"])
def test_a_running_plan_command_ends_with_the_planner(how: str, sig: signal.Signals, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    planner = [sys.executable, "-m", "planner"]
    if how == "audit --run-checks":
        args = ["audit", str(plan), "--run-checks", "--timeout", "600"]
    else:
        store = str(tmp_path / "s.db")
        start = subprocess.run(
            [*planner, "incident", "start", str(plan), "--store", store],
            capture_output=True,
            text=True,
            check=True,
        )
        incident = start.stdout.split()[-1]
        subprocess.run([*planner, "incident", "begin", incident, "base", "--store", store], check=True)
        args = ["incident", "verify", incident, "base", "--run", "--timeout", "600", "--store", store]
    proc = subprocess.Popen([*planner, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command: set[int] = set()
    try:
        command = _wait_for(lambda: _children(proc.pid))
        assert command, "the plan's command never started"
        proc.send_signal(sig)
        proc.wait(timeout=60)
        assert _wait_for(lambda: not any(_alive(p) for p in command)), f"left running after SIG{sig.name}"
    finally:
        for pid in command:
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
        proc.kill()
        proc.wait()
