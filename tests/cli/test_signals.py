"""No command leaves a process behind when it is ended by a signal: a plan command run with
``--run`` or ``--run-checks``, and Graphviz's ``dot`` for ``export --format svg|png|pdf``, live in
process groups of their own (so that a timeout kills them whole), which SIGTERM or SIGHUP to the
planner used to leave running; SIGKILL too, before the children asked for a parent-death signal."""

from __future__ import annotations

import contextlib
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
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
@pytest.mark.parametrize("how", ["audit --run-checks", "incident verify --run"])
def test_a_running_plan_command_ends_with_the_planner(how: str, sig: signal.Signals, tmp_path: Path) -> None:
    """SIGKILL too, on Linux: the command (here run without a shell) asked the kernel for a
    parent-death signal."""
    if sig == signal.SIGKILL and not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
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


FAKE_DOT = (
    "#!/bin/sh\n# reads the DOT text, then lays it out for a long time\ncat > /dev/null\nexec sleep 120\n"
)


def _descendants(pid: int) -> set[int]:
    """The living processes started by ``pid``, their children, and theirs."""
    found, todo = set(), [pid]
    while todo:
        kids = _children(todo.pop()) - found
        found |= kids
        todo += kids
    return found


def _laying_out(pid: int) -> set[int]:
    """``pid``'s descendants once the fake ``dot`` has read its input and sleeps."""
    found = _descendants(pid)
    for child in found:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{child}/cmdline").read_bytes().startswith(b"sleep\x00"):
                return found
    return set()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_graphviz_dot_ends_with_the_planner(sig: signal.Signals, tmp_path: Path) -> None:
    """``export --format svg`` ran ``dot`` in the planner's process group: a signal to the planner
    left it laying out a large picture for minutes, reparented to init. SIGKILL, which no handler
    sees, too (Linux: the kernel's parent-death signal)."""
    if sig == signal.SIGKILL and not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux's")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dot").write_text(FAKE_DOT, encoding="utf-8")
    (bin_dir / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    plan = Path(__file__).resolve().parents[2] / "examples" / "small.yaml"
    args = ["export", str(plan), "--format", "svg", "-o", str(tmp_path / "out.svg")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    started: set[int] = set()
    try:
        started = _wait_for(lambda: _laying_out(proc.pid))
        assert started, "dot never started"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        if sig == signal.SIGINT:  # as for every command: Ctrl-C is "Aborted.", exit 2
            assert proc.returncode == 2, err
        else:  # ended by the signal, as it would be unhandled (128+signal in a shell)
            assert proc.returncode == -sig, err
        assert _wait_for(lambda: not any(_alive(p) for p in started)), f"dot left running after SIG{sig.name}"
        assert not (tmp_path / "out.svg").exists()
    finally:
        for pid in started:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait()


WHO_TAKES_SIGNALS = """import os, signal, sys
from pathlib import Path

def blocked(status):
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigBlk:")), 16)

ending = sum(1 << (s - 1) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT))
wrong = []
if blocked(Path("/proc/self/status").read_text()) & ending:
    wrong.append("the command blocks an ending signal")
planner = os.getppid()
for task in Path(f"/proc/{planner}/task").iterdir():
    if int(task.name) != planner and ~blocked((task / "status").read_text()) & ending:
        wrong.append(f"the planner's thread {task.name} takes an ending signal")
print("; ".join(wrong) or "only the main thread takes them")
if not wrong:
    Path("ran").touch()
sys.exit(1 if wrong else 0)
"""


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="reads /proc")
def test_only_the_main_thread_of_audit_run_checks_takes_an_ending_signal(tmp_path: Path) -> None:
    """The kernel gives a signal sent to the planner to any of its threads that does not block
    it (one that forks or starts a thread takes it then); Python runs the handler in the main
    thread only, and a helper thread that took it did not wake the main thread waiting for the
    pool: under load about one SIGTERM in ten left ``audit --run-checks`` running until its
    command ended. Which thread the kernel picks cannot be forced, so the command checks what
    makes the pick certain: every thread of the planner but the main one blocks SIGTERM, SIGHUP
    and SIGINT, and the command itself (started by such a thread) does not."""
    script = tmp_path / "who.py"
    script.write_text(WHO_TAKES_SIGNALS, encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f"version: 1\nname: signals\nservices:\n  - id: base\n    verify: '{sys.executable} {script}'\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "planner", "audit", str(plan), "--run-checks", "--timeout", "60"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert "check-fails" not in done.stdout, done.stdout
    assert (tmp_path / "ran").exists(), done.stdout + done.stderr
