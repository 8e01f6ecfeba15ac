"""The console script ends a plan command without freeing the plan (``os._exit``): its whole
answer must still be out, with the same exit code, as when the interpreter ends the ordinary way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

_SCRIPT = "import sys; from planner.cli import run; sys.argv[0] = 'planner'; run()"
_ORDINARY = "import sys; from planner.cli import main; sys.exit(main())"


def _run(script: str, argv: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=False, env=env
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "enterprise.yaml"),
        ("schedule", "enterprise.yaml", "--format", "json"),
        ("audit", "enterprise.yaml", "--as-of", "2026-11-28", "--format", "json"),
        ("audit", "enterprise.yaml", "--as-of", "2026-11-28"),
        ("order", "enterprise.yaml"),
    ],
)
def test_the_quick_exit_flushes_the_whole_answer(args: tuple[str, ...]) -> None:
    argv = [str(EXAMPLES / a) if a.endswith(".yaml") else a for a in args]
    assert _run(_SCRIPT, argv) == _run(_ORDINARY, argv)


def test_a_full_output_device_is_still_an_error() -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, "schedule", str(EXAMPLES / "enterprise.yaml")],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert "cannot write the output" in done.stderr


@pytest.mark.parametrize("fmt", ["json", "text"])  # Markdown ends as text does
def test_incident_status_ends_quickly_with_its_whole_answer(tmp_path: Path, fmt: str) -> None:
    """``incident status`` closes its store before it answers: the console script ends it
    without freeing its state and document (no collection on the way out), answer unchanged."""
    env = {**os.environ, "PLANNER_STORE": str(tmp_path / "s.db")}
    # a plan without components: nothing else on the way is kept until the exit
    start = [str(EXAMPLES / "small.yaml"), "--failed", "storage-cluster", "--at", "2026-11-28T02:10:00Z"]
    subprocess.run([sys.executable, "-m", "planner", "incident", "start", *start], env=env, check=True)
    argv = ["incident", "status", "INC-1", "--format", fmt, "--at", "2026-11-28T03:00:00Z"]
    watched = (
        "import gc, sys; from planner.cli import main, run; gc.collect(); sys.argv[0] = 'planner'; "
        "gc.callbacks.append(lambda phase, _: phase == 'start' and sys.stderr.write('collected'))"
    )
    quick, ordinary = (
        subprocess.run(
            [sys.executable, "-c", f"{watched}; {end}", *argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        for end in ("run()", "sys.exit(main())")
    )
    assert (quick.returncode, quick.stdout) == (ordinary.returncode, ordinary.stdout)
    assert quick.returncode == 0
    assert "INC-1" in quick.stdout
    assert "collected" not in quick.stderr
    assert "collected" in ordinary.stderr
