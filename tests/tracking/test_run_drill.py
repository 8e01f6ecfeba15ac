"""examples/run-checks-drill.sh end to end: a real file server started by the script is verified
with ``--run``, then stopped, and the failure is recorded with what the command printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_run_checks_drill(tmp_path: Path) -> None:
    planner = Path(sys.executable).parent / "planner"
    env = {**os.environ, "PLANNER": str(planner)}
    env.pop("PLANNER_RUN_CHECKS", None)
    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "run-checks-drill.sh"), str(tmp_path / "incidents.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "confirmed files' own verify by `python3 -c" in out
    assert "check of files for shop passed by" in out
    assert "shop's own verify FAILED by" in out
    assert "Connection refused" in out
    assert "What the checks showed:" in out
    journal = subprocess.run(
        [
            str(planner),
            "incident",
            "status",
            "DRILL-1",
            "--store",
            str(tmp_path / "incidents.db"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    kinds = [
        (e["kind"], e.get("run", {}) and e["run"]["exit_status"])
        for e in json.loads(journal.stdout)["journal"]
    ]
    assert ("verified", 0) in kinds
    assert ("check_passed", 0) in kinds
    assert ("verify_failed", 1) in kinds
