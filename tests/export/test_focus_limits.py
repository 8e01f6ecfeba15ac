"""A ``--focus`` picture draws at most :data:`FOCUS_LIMIT` services (a hub with 100,000
dependents kept Graphviz busy for over ten minutes), nearest and most critical first, and says
how many more there are; Graphviz's ``dot`` is stopped past its time with a clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from planner.engine.planning import plan_recovery
from planner.export.view import FOCUS_LIMIT, build_view
from planner.planfile.loader import load_valid_plan
from tests.conftest import ROOT

SPOKES = 500


def _hub(tmp_path: Path) -> Path:
    services = [{"id": "hub", "owner": "t"}]
    services += [
        {
            "id": f"s{i:03}",
            "owner": "t",
            "depends_on": ["hub"],
            "criticality": "critical" if i % 100 == 7 else "low",
        }
        for i in range(SPOKES)
    ]
    services += [{"id": "far", "depends_on": ["s000"]}]
    plan = {"version": 1, "name": "hub", "teams": [{"id": "t"}], "services": services}
    path = tmp_path / "hub.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_a_focus_keeps_the_nearest_and_most_critical(tmp_path: Path) -> None:
    planning = plan_recovery(load_valid_plan(_hub(tmp_path)))
    view = build_view(planning, [], set(), scenario=False, focus="hub", depth=2, limit=FOCUS_LIMIT)
    assert len(view.nodes) == FOCUS_LIMIT
    assert "far" not in view.nodes  # two hops away: the 500 one hop away come first
    assert {"s007", "s107", "s207", "s307", "s407"} <= set(view.nodes)  # critical first
    assert view.note.startswith(f"{SPOKES + 2:,} services are within 2 hops of hub: the {FOCUS_LIMIT}")
    whole = build_view(planning, [], set(), scenario=False, focus="hub", depth=2)
    assert len(whole.nodes) == SPOKES + 2
    assert whole.note == ""


def test_the_export_says_what_it_left_out(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", _hub(tmp_path), "--format", "dot", "--focus", "hub", "--depth", "1")
    assert result.code == 0, result.err
    assert result.out.count("fillcolor=") == FOCUS_LIMIT
    assert f"{SPOKES + 1:,} services are within 1 hop of hub" in result.err
    assert f"{SPOKES + 1:,} services are within 1 hop of hub" in result.out  # in the title
    detail = run_cli(
        "export", _hub(tmp_path), "--format", "dot", "--focus", "hub", "--depth", "1", "--detail"
    )
    assert detail.out.count("fillcolor=") == SPOKES + 1


def test_dot_is_stopped_past_its_time(tmp_path: Path) -> None:
    slow = tmp_path / "bin"
    slow.mkdir()
    (slow / "dot").write_text("#!/bin/sh\nexec sleep 600\n")
    (slow / "dot").chmod(0o755)
    plan = _hub(tmp_path)
    env = {
        **os.environ,
        "PATH": f"{slow}:{os.environ['PATH']}",
        "PLANNER_DOT_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "export",
            str(plan),
            "--format",
            "svg",
            "-o",
            str(tmp_path / "x.svg"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "dot was stopped after 1 s" in done.stderr
    assert not (tmp_path / "x.svg").exists()
