"""Terminal UI speed (issue: the recovery terminal UI): ``planner track`` as a whole process, run
headless with Textual's pilot.

- first screen: from launching the process (which loads and validates the plan, opens the
  incident and paints) to the first frame with the task table filled;
- key to updated screen: a key press until its effect is on screen (for an action, until the
  store's transaction is done and the fold is painted), median, 95th percentile and worst of
  several presses, two ways: as the pilot waits for it (its own overhead included: it polls for
  an idle process in 20 ms sleeps, at least three of them a key), and to the last frame the key
  caused (the frame turned into terminal output, as a terminal would be sent it);
- the CPU each key cost the screen's process (all its threads, to the end of the pilot's wait:
  under load a key waits for the CPU, so this is what the machine cannot hide), and the CPU of
  the projection's child process (planner.tui.projector) per action.

``--python PY`` (repeatable) measures other builds' interpreters too (each run from its own
tree), interleaved run by run, and ends with a summary of every build's runs (ranges).

    python -m benchmarks.bench_tui [SERVICES...] [--runs N] [--python OTHER/.venv/bin/python]
                                   [--no-example]   (default: the enterprise example, then 10,000)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import measured_env
from benchmarks.generate import layered_plan, write_plan

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time, json, os
from planner.tui.app import TrackApp
from planner.tui.recovery import RecoveryScreen
from planner.tui.table import TaskTable

original = TrackApp.run
timings = {}
frames = {}
display = TrackApp._display

def painted(self, screen, renderable):  # headless: turn the frame into what a terminal gets
    if renderable is not None and hasattr(renderable, "render_segments"):
        renderable.render_segments(self.console)
        frames["last"] = time.perf_counter()
    return display(self, screen, renderable)

TrackApp._display = painted

async def drive(pilot):
    app = pilot.app
    while not (isinstance(app.screen, RecoveryScreen) and app.screen.query(TaskTable)):
        await pilot.pause(0.01)
    table = app.screen.query_one(TaskTable)
    while not table.rows:
        await pilot.pause(0.01)
    await pilot.pause()
    print("painted", time.process_time(), flush=True)

    await app.workers.wait_for_complete()  # the first projection (ETA) runs in a thread
    await pilot.pause()

    def helper_cpu():  # the projection's child process, if this build has one (clock ticks)
        process = getattr(getattr(app.screen, "projector", None), "process", None)
        if process is None:
            return 0.0
        with open(f"/proc/{process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    helper_before = helper_cpu()

    async def timed(label, *keys, until=None):
        frames.clear()
        began, cpu = time.perf_counter(), time.process_time()
        await pilot.press(*keys)
        while until is not None and not until():
            await pilot.pause(0.005)
        await pilot.pause()
        timings.setdefault(label, []).append(time.perf_counter() - began)
        timings.setdefault("cpu:" + label, []).append(time.process_time() - cpu)
        if "last" in frames:
            timings.setdefault("frame:" + label, []).append(frames["last"] - began)

    for _ in range(10):
        await timed("w (unbound: the pilot's own overhead)", "w")
    for _ in range(10):
        await timed("down (move, detail pane)", "down")
    for _ in range(3):
        await timed("pagedown", "pagedown")
    start_rows = list(table.rows)
    for service in start_rows[:5]:
        table.select(service)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await timed(
            "b (begin: store transaction, fold, repaint)",
            "b",
            until=lambda: app.state.tasks[service].state == "restoring",
        )
    await app.workers.wait_for_complete()
    await timed("/ (open the filter box)", "slash")
    for key in "team:team-1":
        await timed("one key typed in the filter (re-filters)", key)
    await timed("escape (clear filter)", "escape")
    for _ in range(3):
        await timed("s (sort: wave, RTO left, team)", "s")
    for key in "2341":
        await timed("1-4 (quick filter: all, ready, late, at risk)", key)
    for _ in range(5):
        await timed("] (jump to the next ready row)", "right_square_bracket")
    for _ in range(4):
        await timed("d (detail pane full-screen and back)", "d")
    await app.workers.wait_for_complete()
    timings["helper"] = [helper_cpu() - helper_before]
    print(json.dumps(timings), flush=True)
    app.exit()

def run(self, **kwargs):
    return original(self, headless=True, size=(120, 36), auto_pilot=drive)

TrackApp.run = run

class _Terminal:  # the pilot drives a headless screen: let `planner track` past its terminal check
    def __init__(self, stream):
        self._stream = stream
    def isatty(self):
        return True
    def __getattr__(self, name):
        return getattr(self._stream, name)

sys.stdin, sys.stdout = _Terminal(sys.stdin), _Terminal(sys.stdout)
from planner.cli import main
sys.exit(main(sys.argv[1:]))
"""


Run = dict[str, list[float]]
"""One run's figures: each key's seconds (``frame:``: to its last frame; ``cpu:``: CPU), the
first screen (``first``, ``first cpu``) and the helper's CPU (``helper``)."""


def measure(plan: Path, label: str, scenario: list[str], python: str = sys.executable) -> Run:
    """One run of ``planner track`` on ``plan`` with ``python`` (run from its own tree)."""
    store = Path(tempfile.mkdtemp(prefix="bench-tui-")) / "incidents.db"
    env = measured_env(PLANNER_STORE=str(store))
    root = ROOT if python == sys.executable else Path(python).absolute().parents[2]  # OTHER/.venv/bin/python
    began = time.perf_counter()
    proc = subprocess.Popen(
        [python, "-c", CHILD, "track", str(plan), *scenario, "--as", "bench"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    assert proc.stdout is not None
    first = None
    timings: Run = {}
    for line in proc.stdout:
        if line.startswith("painted") and first is None:
            first = time.perf_counter() - began
            timings["first cpu"] = [float(line.split()[1])]
        elif line.startswith("{"):
            timings.update(json.loads(line))
    proc.wait()
    if proc.returncode or first is None:
        raise SystemExit(proc.stderr.read() if proc.stderr else "child failed")
    timings["first"] = [first]
    where = "" if python == sys.executable else f" [{python}]"
    print(
        f"\n{label}{where}: first screen {first:.2f} s, {timings['first cpu'][0]:.2f} s of CPU "
        f"(whole process: load, validate, open the incident, paint; load {os.getloadavg()[0]:.1f})"
    )
    for way in ("as the pilot waits", "to the last frame"):
        cpu = " CPU median" if way == "to the last frame" else ""
        print(f"  {way + ': key':<46} {'n':>3} {'median':>9} {'p95':>9} {'worst':>9}{cpu}")
        for key in keys_of(timings):
            values = timings["frame:" + key if way == "to the last frame" else key]
            ms = sorted(v * 1000 for v in values)
            used = f" {statistics.median(timings['cpu:' + key]) * 1000:>7.0f} ms" if cpu else ""
            median = statistics.median(ms)
            print(f"  {key:<46} {len(ms):>3} {median:>6.0f} ms {p95(ms):>6.0f} ms {ms[-1]:>6.0f} ms{used}")
    every = every_key(timings)
    if every:
        print(f"  every key to its last frame: {len(every)} keys, p95 {p95(every):.0f} ms")
    actions = len(timings.get("b (begin: store transaction, fold, repaint)", []))
    if timings.get("helper", [0])[0] and actions:
        print(
            f"  projection's child process: {timings['helper'][0] * 1000 / actions:.0f} ms of CPU per action"
        )
    return timings


def keys_of(timings: Run) -> list[str]:
    """The keys with a frame (a key that drew nothing has no last frame)."""
    return [k for k in timings if "frame:" + k in timings]


def every_key(timings: Run) -> list[float]:
    """Every key's time to its last frame, in ms, sorted."""
    return sorted(v * 1000 for k, vs in timings.items() if k.startswith("frame:") for v in vs)


def p95(ms: list[float]) -> float:
    """The 95th percentile of sorted ``ms``."""
    return ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def summary(runs: dict[str, list[Run]]) -> None:
    """Every build's runs side by side: ranges over the runs of the median / p95 to the last
    frame and of the median CPU per key, and of the first screen."""

    def span(values: list[float], unit: str = "") -> str:
        low, high = min(values), max(values)
        return f"{low:.0f}{unit}" if round(low) == round(high) else f"{low:.0f}-{high:.0f}{unit}"

    builds = list(runs)
    print("\nsummary, to the last frame (ms): median / p95 over the runs; CPU median (ms)")
    print(f"  {'key':<46} " + " ".join(f"{_short(b):>30}" for b in builds))
    keys = keys_of(runs[builds[0]][0])
    for key in keys:
        cells = []
        for b in builds:
            meds = [statistics.median(r["frame:" + key]) * 1000 for r in runs[b]]
            tops = [p95(sorted(v * 1000 for v in r["frame:" + key])) for r in runs[b]]
            cpus = [statistics.median(r["cpu:" + key]) * 1000 for r in runs[b]]
            cells.append(f"{span(meds)} / {span(tops)}; {span(cpus)}")
        print(f"  {key:<46} " + " ".join(f"{c:>30}" for c in cells))
    rows = {
        "every key, p95 (ms)": lambda r: p95(every_key(r)),
        "first screen (s x 100)": lambda r: r["first"][0] * 100,
        "first screen CPU (s x 100)": lambda r: r["first cpu"][0] * 100,
        "projection child, CPU (ms)": lambda r: r.get("helper", [0])[0] * 1000,
    }
    for name, figure in rows.items():
        print(f"  {name:<46} " + " ".join(f"{span([figure(r) for r in runs[b]]):>30}" for b in builds))


def _short(python: str) -> str:
    return python if len(python) <= 30 else "..." + python[-27:]


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_tui", description=__doc__.split("\n")[0]
    )
    parser.add_argument("sizes", type=int, nargs="*", help="services (default 10000)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each build (default 1)")
    parser.add_argument("--python", action="append", default=[], help="another build's interpreter")
    parser.add_argument("--no-example", action="store_true", help="leave out the enterprise example")
    args = parser.parse_args()
    pythons = [sys.executable, *args.python]
    if not args.no_example:
        enterprise = ROOT / "examples" / "enterprise.yaml"
        for py in pythons:
            measure(
                enterprise,
                "enterprise example, storage outage (21 tasks)",
                ["--scenario", "storage-outage"],
                py,
            )
    for size in args.sizes or [10_000]:
        path = Path(tempfile.mkdtemp(prefix="bench-tui-plan-")) / "plan.yaml"
        write_plan(layered_plan(size), path)
        runs: dict[str, list[Run]] = {py: [] for py in pythons}
        for _ in range(args.runs):
            for py in pythons:
                runs[py].append(measure(path, f"{size:,} services, full outage", [], py))
        if len(pythons) > 1 or args.runs > 1:
            summary(runs)


if __name__ == "__main__":
    main()
