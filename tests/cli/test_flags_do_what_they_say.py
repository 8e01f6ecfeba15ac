"""Each option does what it says and what its help says: ``--focus`` narrows a Gantt chart too,
``--format json`` keeps the problem list out of stderr, a reader that stops early ends a binary
export quietly, and ``export --help`` says what is outlined and what ``--scenario`` changes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES

ENTERPRISE = EXAMPLES / "enterprise.yaml"


def _gantt_services(text: str) -> set[str]:
    return set(re.findall(r"^  ([\w-]+) :", text, flags=re.M))


def test_a_gantt_chart_keeps_to_its_focus(run_cli: Any) -> None:
    whole = run_cli("export", ENTERPRISE, "--format", "gantt")
    focused = run_cli("export", ENTERPRISE, "--format", "gantt", "--focus", "db-primary", "--depth", "1")
    dot = run_cli("export", ENTERPRISE, "--format", "dot", "--focus", "db-primary", "--depth", "1")
    assert whole.code == focused.code == dot.code == 0
    shown = _gantt_services(focused.out)
    assert "db-primary" in shown
    assert shown < _gantt_services(whole.out)
    assert shown == {s for s in _gantt_services(whole.out) if f'"{s}"' in dot.out}
    # each task keeps its time in the whole schedule
    line = next(x for x in focused.out.splitlines() if x.startswith("  db-primary :"))
    assert line in whole.out.splitlines()


def test_validate_as_json_keeps_the_problem_list_out_of_stderr(run_cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\nname: x\nservices:\n  - id: a\n    owner: nobody\n", encoding="utf-8")
    as_json = run_cli("validate", path, "--format", "json")
    assert as_json.code == 2
    assert len(json.loads(as_json.out)["problems"]) == 1
    assert "nobody" not in as_json.err
    assert as_json.err == "1 problem; the plan is not usable until fixed.\n"
    as_text = run_cli("validate", path)
    assert "nobody" in as_text.err


@pytest.mark.parametrize(
    "args",
    [
        ["export", str(ENTERPRISE), "--format", "png"],
        ["order", str(ENTERPRISE), "--format", "json"],
        ["export", str(ENTERPRISE), "--format", "dot"],
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(args: list[str]) -> None:
    """``planner export --format png | head -c 10``: the reader had what it wanted (exit 0, no
    word on stderr), as ``head`` after any text command; it was exit 1 with no message."""
    planner = subprocess.Popen(
        [sys.executable, "-m", "planner", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert planner.stdout is not None
    assert planner.stderr is not None
    first = planner.stdout.read(10)
    planner.stdout.close()  # `head -c 10` has what it wants
    err = planner.stderr.read()
    assert planner.wait(timeout=120) == 0, err
    assert len(first) == 10
    assert err == b""


def test_export_help_says_which_errors_are_outlined_and_what_scenario_changes(run_cli: Any) -> None:
    text = " ".join(run_cli("export", "--help").out.split())
    assert "Services with audit errors are outlined" not in text
    assert "The worst audit errors are outlined" in text
    assert "a critical service without an owner" in text
    scenario = text[text.index("--scenario ID") :]
    assert "default: every service failed)" not in scenario.split("--failed")[0].split("markdown")[0]
    assert "(default: coloured by criticality)" in scenario


def test_the_plan_generator_has_help() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--help"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "N" in done.stdout
    assert "OUT" in done.stdout
    assert "Traceback" not in done.stderr
