"""Forecast speed (issue: forecast): the two figures its acceptance names.

- 10,000 sampled schedules of ``examples/enterprise.yaml`` (the full outage: 32 tasks, team
  capacities that bind, so the list schedule runs per sample): under 2 s;
- 1,000 sampled schedules of a generated plan of 10,000 services (the full outage: 10,000 tasks,
  50 teams of 1-4 slots): under 60 s.

Each is timed in-process from the planning result (loading the plan is ``bench_load``'s) to the
finished summary, the best of ``--runs``; the command as a whole process is timed too.
Run: ``python -m benchmarks.bench_forecast [--runs 3]``.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.generate import layered_plan, write_plan
from planner.engine.planning import plan_recovery
from planner.forecast.scenario import run, setup_of
from planner.planfile.loader import load_valid_plan

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"
CASES = [
    ("enterprise example, full outage", ROOT / "examples" / "enterprise.yaml", 10_000, 2.0),
    ("generated 10,000 services, full outage", None, 1_000, 60.0),
]


def _plan(path: Path | None) -> Path:
    if path is not None:
        return path
    OUT.mkdir(exist_ok=True)
    target = OUT / "plan-10000.json"
    if not target.exists():
        write_plan(layered_plan(10_000), target)
    return target


def in_process(path: Path, samples: int, runs: int) -> tuple[float, int]:
    """Best seconds of ``runs`` forecasts of ``samples`` samples, and the task count."""
    plan = load_valid_plan(path)
    planning = plan_recovery(plan)
    setup = setup_of(planning, plan.policy.forecast_spread)
    best = float("inf")
    gc.disable()
    for _ in range(runs):
        start = time.perf_counter()
        run(setup, samples, seed=1)
        best = min(best, time.perf_counter() - start)
    gc.enable()
    return best, len(setup.problem.order)


def whole(path: Path, samples: int) -> float:
    """Seconds of ``planner forecast PATH --samples N --format json`` as a process."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "forecast",
            str(path),
            "--samples",
            str(samples),
            "--format",
            "json",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_forecast")
    parser.add_argument("--runs", type=int, default=3, help="in-process runs, best kept (default 3)")
    args = parser.parse_args(argv)
    print(f"{'case':<42} {'tasks':>6} {'samples':>8} {'forecast':>9} {'command':>8} {'limit':>6}")
    for name, given, samples, limit in CASES:
        path = _plan(given)
        seconds, tasks = in_process(path, samples, args.runs)
        process = whole(path, samples)
        verdict = "ok" if seconds < limit else "SLOW"
        print(
            f"{name:<42} {tasks:>6} {samples:>8} {seconds:>8.2f}s {process:>7.2f}s {limit:>5.0f}s {verdict}",
            flush=True,
        )


if __name__ == "__main__":
    main()
