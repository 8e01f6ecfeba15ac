"""Planning engine speed (issue: planning engine).

Generates layered plans of 1,000, 10,000 and 100,000 services (1-6 dependencies each; the same
generator as bench_load), times each stage in-process (load, graph, impact, waves, schedule,
RTO analysis), then each command as a whole process against a bare ``yaml_rs`` parse.
Run: ``python -m benchmarks.bench_engine [SIZES...]``.
"""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
import time
from pathlib import Path

import yaml_rs

from benchmarks.generate import layered_plan, write_plan
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import compute_impact
from planner.engine.rto import analyse
from planner.engine.scenario import select
from planner.engine.schedule import build_problem, schedule
from planner.engine.waves import restore_waves
from planner.planfile.loader import load_valid_plan

OUT = Path(__file__).resolve().parent / "out"


def stages(path: Path) -> dict[str, float]:
    """Seconds per engine stage, in-process, for the full outage (the cyclic garbage collector
    off, as the CLI runs a one-shot command)."""
    gc.disable()
    times: dict[str, float] = {}
    start = time.perf_counter()
    plan = load_valid_plan(path)
    times["load"] = time.perf_counter() - start
    t = time.perf_counter()
    graph = RecoveryGraph.from_plan(plan)
    times["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    impact = compute_impact(graph, select(plan))
    times["impact"] = time.perf_counter() - t
    t = time.perf_counter()
    waves = restore_waves(graph, impact.impacted)
    times["waves"] = time.perf_counter() - t
    t = time.perf_counter()
    timeline = schedule(graph, impact, build_problem(graph, impact, waves))
    times["schedule"] = time.perf_counter() - t
    t = time.perf_counter()
    analyse(graph, impact, timeline)
    times["rto"] = time.perf_counter() - t
    times["engine"] = sum(v for k, v in times.items() if k != "load")
    return times


def whole(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    print("in-process stages, full outage (seconds, best of 3 runs by engine total):")
    header = ("services", "load", "graph", "impact", "waves", "schedule", "rto", "engine")
    print("  " + "".join(f"{h:>10}" for h in header))
    paths = {}
    for n in sizes:
        path = OUT / f"plan-{n}.yaml"
        if not path.exists():
            write_plan(layered_plan(n), path)
        paths[n] = path
        # a fresh process per size, so one plan's frozen objects do not slow the next
        code = (
            f"from benchmarks.bench_engine import stages; print(stages(__import__('pathlib').Path('{path}')))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        t = ast.literal_eval(out)
        print(f"  {n:>10}" + "".join(f"{t[k]:>10.2f}" for k in header[1:]), flush=True)
    print("\nwhole process (seconds), stdout discarded; ratio against a bare yaml_rs parse:")
    print(
        f"  {'services':>10}{'yaml_rs':>10}{'validate':>10}{'order':>10}{'schedule':>10}"
        f"{'x':>6}{'impact':>10}"
    )
    planner = [sys.executable, "-m", "planner"]
    for n, path in paths.items():
        start = time.perf_counter()
        yaml_rs.loads(path.read_text(encoding="utf-8"))
        bare = time.perf_counter() - start
        v = whole([*planner, "validate", str(path)])
        o = whole([*planner, "order", str(path), "--format", "json"])
        s = whole([*planner, "schedule", str(path)])
        i = whole([*planner, "impact", str(path), "svc-000000"])
        print(f"  {n:>10}{bare:>10.2f}{v:>10.2f}{o:>10.2f}{s:>10.2f}{s / bare:>5.1f}x{i:>10.2f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
