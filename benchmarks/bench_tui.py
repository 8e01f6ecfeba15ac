"""Terminal UI speed (issue: the recovery terminal UI): ``planner track`` as a whole process, run
headless with Textual's pilot.

- first screen: from launching the process (which loads and validates the plan, opens the
  incident and paints) to the first frame with the task table filled;
- key to updated screen: a key press until its effect is on screen (for an action, until the
  store's transaction is done and the fold is painted), median, 95th percentile and worst of
  several presses, two ways: as the pilot waits for it (its own overhead included: it polls for
  an idle process in 20 ms sleeps, at least three of them a key), and to the last frame the key
  caused (the frame turned into terminal output, as a terminal would be sent it).

    python -m benchmarks.bench_tui [SERVICES]     (default: the enterprise example, then 10,000)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import layered_plan, write_plan

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time, json
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
    print("painted", flush=True)

    await app.workers.wait_for_complete()  # the first projection (ETA) runs in a thread
    await pilot.pause()

    async def timed(label, *keys, until=None):
        frames.clear()
        began = time.perf_counter()
        await pilot.press(*keys)
        while until is not None and not until():
            await pilot.pause(0.005)
        await pilot.pause()
        timings.setdefault(label, []).append(time.perf_counter() - began)
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


def measure(plan: Path, label: str, scenario: list[str]) -> None:
    store = Path(tempfile.mkdtemp(prefix="bench-tui-")) / "incidents.db"
    env = {**os.environ, "PLANNER_STORE": str(store)}
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, "track", str(plan), *scenario, "--as", "bench"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    first = None
    timings: dict[str, list[float]] = {}
    import json

    for line in proc.stdout:
        if line.startswith("painted") and first is None:
            first = time.perf_counter() - began
        elif line.startswith("{"):
            timings = json.loads(line)
    proc.wait()
    if proc.returncode:
        raise SystemExit(proc.stderr.read() if proc.stderr else "child failed")
    print(f"\n{label}: first screen {first:.2f} s (whole process: load, validate, open the incident, paint)")
    for way in ("as the pilot waits", "to the last frame"):
        print(f"  {way + ': key':<46} {'n':>3} {'median':>9} {'p95':>9} {'worst':>9}")
        for key, values in timings.items():
            if key.startswith("frame:") != (way == "to the last frame"):
                continue
            ms = sorted(v * 1000 for v in values)
            p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
            name, median = key.removeprefix("frame:"), statistics.median(ms)
            print(f"  {name:<46} {len(ms):>3} {median:>6.0f} ms {p95:>6.0f} ms {ms[-1]:>6.0f} ms")
    every = sorted(v for k, vs in timings.items() if k.startswith("frame:") for v in vs)
    if every:
        p95 = every[min(len(every) - 1, round(0.95 * (len(every) - 1)))]
        print(f"  every key to its last frame: {len(every)} keys, p95 {p95 * 1000:.0f} ms")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000]
    enterprise = ROOT / "examples" / "enterprise.yaml"
    measure(enterprise, "enterprise example, storage outage (21 tasks)", ["--scenario", "storage-outage"])
    for size in sizes:
        path = Path(tempfile.mkdtemp(prefix="bench-tui-plan-")) / "plan.yaml"
        write_plan(layered_plan(size), path)
        measure(path, f"{size:,} services, full outage", [])


if __name__ == "__main__":
    main()
