"""A one-shot command that leaves its objects to the operating system ends without a pass of
the cyclic garbage collector over them (it took 0.5 s of a 100,000-service schedule)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# every collection from the command's start to the process's end is written to stderr
CHILD = """
import gc, sys
sys.argv = ["planner", *sys.argv[1:]]
from planner.cli import run
gc.collect()
gc.callbacks.append(lambda phase, info: phase == "start" and sys.stderr.write("collection\\n"))
run()
"""


def _collections(*args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.count("collection")


def test_a_quick_exit_command_is_not_collected_on_its_way_out() -> None:
    assert _collections("schedule", "examples/enterprise.yaml", "--format", "json") == 0
    assert _collections("validate", "examples/enterprise.yaml") == 0
