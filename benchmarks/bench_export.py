"""Export speed (issue: exports): DOT for generated plans against the engine's own time.

Prints, per size: graph + schedule time, the whole engine (plus waves and RTO analysis), DOT time
(view + render_dot), the audit used to outline services with errors, and Mermaid time.
Run: ``python -m benchmarks.bench_export [SIZES...]`` (best of 3 each).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from benchmarks.generate import layered_plan, write_plan
from models.plan import Plan
from planner.audit import as_of_moment, run_audit
from planner.engine.graph import RecoveryGraph
from planner.engine.impact import compute_impact
from planner.engine.planning import plan_recovery
from planner.engine.scenario import select
from planner.engine.schedule import Schedule, schedule
from planner.engine.workarounds import open_workarounds
from planner.export.dot import render_dot
from planner.export.mermaid import render_flowchart
from planner.export.view import build_view
from planner.planfile.loader import load_plan

OUT = Path(__file__).resolve().parent / "out"
T = TypeVar("T")


def best(fn: Callable[[], T], runs: int = 3) -> tuple[float, T]:
    """The fastest of ``runs`` calls, and the last result."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def _graph_and_schedule(plan: Plan) -> Schedule:
    """What the issue compares DOT against: building the graph and the schedule."""
    graph = RecoveryGraph.from_plan(plan)
    return schedule(graph, compute_impact(graph, select(plan)))


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    print(
        f"{'services':>9} {'graph+sched':>12} {'engine':>8} {'dot':>8} {'dot/(g+s)':>10} "
        f"{'audit':>8} {'mermaid':>8} {'MB':>5}"
    )
    for n in sizes:
        path = OUT / f"plan-{n}.yaml"
        if not path.exists():
            write_plan(layered_plan(n), path)
        loaded = load_plan(path)
        plan = loaded.require_valid()
        t_engine, planning = best(partial(plan_recovery, plan))
        t_gs, _ = best(partial(_graph_and_schedule, plan))
        t_audit, report = best(partial(run_audit, loaded, as_of_moment(None)), runs=1)
        errors = {f.service for f in report.findings if f.severity == "error" and f.service}
        view = partial(build_view, planning, open_workarounds(plan), errors, scenario=False)
        t_dot, dot = best(lambda view=view: render_dot(view()))
        t_mmd, _ = best(lambda view=view: render_flowchart(view()))
        print(
            f"{n:>9} {t_gs:>11.2f}s {t_engine:>7.2f}s {t_dot:>7.2f}s {t_dot / t_gs:>9.2f}x "
            f"{t_audit:>7.2f}s {t_mmd:>7.2f}s {len(dot) / 1e6:>5.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
