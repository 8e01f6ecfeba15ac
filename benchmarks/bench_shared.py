"""How soon one terminal sees another's action (issue: responders on many machines): a recovery
screen (Textual's pilot, headless) on an incident of the enterprise example, and
``planner incident begin`` run as a separate process; the time from that process exiting (its
action committed) to the screen's rows showing it. On PostgreSQL the screen is told (LISTEN/
NOTIFY); on SQLite it polls twice a second.

    eval "$(scripts/pg-throwaway start)"; python -m benchmarks.bench_shared
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_incident import fresh_database
from planner.tracking.session import Session
from planner.tui.app import TrackApp
from planner.tui.recovery import RecoveryScreen
from planner.tui.table import TaskTable

ROOT = Path(__file__).resolve().parents[1]
ENTERPRISE = ROOT / "examples" / "enterprise.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, text=True, check=True, cwd=ROOT
    )


async def measure(store: str) -> list[float]:
    """Seconds from each other-process action to this screen showing it."""
    incident = _cli("incident", "start", str(ENTERPRISE), "--store", store, "--as", "ic").stdout.split()[-1]
    app = TrackApp(Session(store, incident, "watcher"))
    seen: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        while not (isinstance(app.screen, RecoveryScreen) and app.screen.query_one(TaskTable).rows):
            await pilot.pause(0.01)
        await pilot.pause(1.0)  # the watch is listening
        services = list(app.screen.session.view().tasks)[:10]  # type: ignore[attr-defined]
        state = app.screen.session  # type: ignore[attr-defined]
        for service in services:
            _cli("incident", "begin", incident, service, "--store", store, "--as", "other")
            done = time.perf_counter()
            while state.view().task(service).state != "restoring":
                await pilot.pause(0.005)
            seen.append(time.perf_counter() - done)
    return seen


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-shared-"))
    stores = {"sqlite (polls every 0.5 s)": str(work / "incidents.db")}
    server = os.environ.get("PLANNER_TEST_PG")
    if server:
        stores["postgresql (LISTEN/NOTIFY)"] = fresh_database(server, "bench_shared")
    else:
        print("no PLANNER_TEST_PG: PostgreSQL not measured", file=sys.stderr)
    print("another terminal's action (a separate `planner incident begin`) until this screen shows it")
    print(f"{'store':<28} {'actions':>7} {'median':>8} {'worst':>8}")
    for name, store in stores.items():
        seen = asyncio.run(measure(store))
        print(f"{name:<28} {len(seen):>7} {statistics.median(seen):>8.3f} {max(seen):>8.3f}")


if __name__ == "__main__":
    main()
