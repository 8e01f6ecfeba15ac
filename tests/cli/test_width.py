"""Text output fits the terminal (``COLUMNS``, else the real width; a pipe gets whole lines):
tables wrap their last column under itself or are cut with an ellipsis, prose wraps under its
indent, and no word is lost in the wrapping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from planner.style import fit_lines

EXAMPLES = Path(__file__).parents[2] / "examples"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = [
    ["validate", "enterprise.yaml"],
    ["impact", "enterprise.yaml", "storage-cluster"],
    ["order", "enterprise.yaml", "--scenario", "storage-outage"],
    ["schedule", "enterprise.yaml", "--scenario", "storage-outage"],
    ["audit", "enterprise.yaml"],
    ["audit", "enterprise.yaml", "--all-scenarios"],
    ["audit", "small.yaml"],
]


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_line_fits_columns(
    command: list[str], width: int, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [str(EXAMPLES / a) if a.endswith(".yaml") else a for a in command]
    whole = run_cli(*args).out
    monkeypatch.setenv("COLUMNS", str(width))
    fitted = run_cli(*args).out
    assert max(len(ANSI.sub("", line)) for line in fitted.splitlines()) <= width
    cut = [line for line in fitted.splitlines() if line.endswith("…")]
    if not cut:  # nothing cut: every word is still there, in order (the schedule's bars scale)

        def words(text: str) -> list[str]:
            return [w for w in text.split() if w.strip("█▏")]

        assert words(fitted) == words(whole)


def test_incident_status_fits(run_cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANNER_STORE", str(tmp_path / "s.db"))
    started = run_cli("incident", "start", str(EXAMPLES / "enterprise.yaml"), "--scenario", "storage-outage")
    incident = started.out.split()[-1]
    monkeypatch.setenv("COLUMNS", "80")
    out = run_cli("incident", "status", incident).out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "3  sso-idp" in out


def test_a_pipe_gets_whole_lines(run_cli: Any) -> None:
    out = run_cli("audit", str(EXAMPLES / "enterprise.yaml")).out
    assert max(len(line) for line in out.splitlines()) > 100


def test_fit_lines_keeps_a_line_colour_and_cuts_a_wide_table() -> None:
    red = "\x1b[31m" + "an error message " * 8 + "\x1b[0m"
    lines = fit_lines(red, 40).split("\n")
    assert len(lines) > 1
    assert all(line.startswith("\x1b[31m") and line.endswith("\x1b[0m") for line in lines)
    table = "  a" + " " * 60 + "b  c  " + "d" * 30
    assert fit_lines(table, 50) == table[:49] + "…"
