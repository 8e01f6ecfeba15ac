"""``python -m benchmarks``: CPU time counts the whole process tree, ``--only`` picks commands,
and two sizes give each command's paired growth (what is printed, never how fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import benchmarks.__main__ as table
from benchmarks.generate import layered_plan, write_plan

# the child waits for a grandchild that spends its time on the CPU, not asleep
GRANDCHILD = (
    "import subprocess, sys; subprocess.run([sys.executable, '-c', "
    "'import time\\nend = time.process_time() + 0.3\\nwhile time.process_time() < end: pass'], check=True)"
)


def test_cpu_time_counts_the_descendants() -> None:
    measured = table.run([sys.executable, "-c", GRANDCHILD])
    assert measured.cpu >= 0.3
    assert measured.peak > 0


def test_a_failed_command_stops_the_table() -> None:
    with pytest.raises(SystemExit, match="exited 3"):
        table.run([sys.executable, "-c", "raise SystemExit(3)"])


def test_only_the_chosen_command_and_its_growth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def plan_of(size: int) -> Path:
        path = tmp_path / f"plan-{size}.yaml"
        write_plan(layered_plan(size), path)
        return path

    monkeypatch.setattr(table, "plan_of", plan_of)
    table.commands([30, 60], [sys.executable], 1, ["validate"])
    out = capsys.readouterr().out
    rows = [line.split()[:2] for line in out.splitlines() if line[:9].strip().isdigit()]
    assert rows == [["30", "validate"], ["60", "validate"]]
    assert "schedule" not in out
    assert "audit" not in out
    assert "60 against 30 services, paired" in out
    growth = next(line for line in out.splitlines() if line.strip().startswith("validate "))
    assert all(word in growth for word in ("wall ", "CPU ", "bare parse"))


def test_only_is_checked() -> None:
    with pytest.raises(SystemExit):
        table.main(["--only", "export"])
