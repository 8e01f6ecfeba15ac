"""``planner incident`` run in-process on the enterprise example, as a scribe runs it: shared by
the tests of ``tests/tracking``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main

ENTERPRISE = Path(__file__).parents[2] / "examples" / "enterprise.yaml"
T0 = "2026-11-28T02:10:00Z"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``planner ARGS...`` in-process: its exit code, stdout and stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def start(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """The enterprise storage outage started at ``T0`` (with ``extra`` options); its id."""
    code, out, err = run(
        capsys, "incident", "start", str(ENTERPRISE), "--scenario", "storage-outage", "--at", T0, *extra
    )
    assert code == 0, err
    return out.split()[-1]


def at(minutes: int) -> str:
    """The time ``minutes`` after ``T0``, as ``--at`` takes it."""
    hours, mins = divmod(10 + minutes, 60)
    return f"2026-11-28T{2 + hours:02d}:{mins:02d}:00Z"


def restore(capsys: pytest.CaptureFixture[str], incident: str, service: str, minute: int) -> None:
    """begin, pass every check, verify, restored: what a responder does for one service."""
    code, out, _ = run(capsys, "incident", "status", incident, "--format", "json")
    entry = next(s for s in json.loads(out)["services"] if s["service"] == service)
    steps = [["begin", incident, service]] if entry["state"] == "down" else []
    steps += [["check", incident, service, dep, "--pass", "--observed", "ok"] for dep in entry["checks"]]
    steps += [["verify", incident, service, "--observed", "ok"], ["restored", incident, service]]
    for step in steps:
        code, _, err = run(capsys, "incident", *step, "--at", at(minute), "--as", "alice")
        assert code == 0, (step, err)
