"""Tracking speed: every ``planner incident`` action as a whole process on an incident of a
generated plan (default 10,000 services, full outage), on both store backends: an SQLite file,
and a PostgreSQL database when a server is given (``PLANNER_TEST_PG``, as the tests take it:
``eval "$(scripts/pg-throwaway start)"``; a fresh database is made on it).

Each action is timed as a new process (what a scribe's shell pays), median and worst of several
runs on different services, and the median CPU time of the process (user + system, which wanders
less than the wall clock on a shared machine). ``start`` reads the plan; every other action works
on the store alone.

    python -m benchmarks.bench_incident [SERVICES]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import measured_env
from benchmarks.generate import layered_plan, write_plan

RUNS = 5


def run(args: list[str], env: dict[str, str], expect: int = 0) -> tuple[float, float, str]:
    """Time one CLI process: wall clock and CPU seconds (user + system), and its output.

    The output is taken as bytes and decoded after the clock stops: decoding the 7 MB of a
    10,000-task JSON status is this script's work (about 10 ms), not the planner's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "planner", *args], env=env, capture_output=True, check=False)
    took = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != expect:
        said = proc.stderr.decode(errors="replace").strip()
        raise SystemExit(f"planner {' '.join(args)} exited {proc.returncode}: {said}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took, cpu, proc.stdout.decode()


def main(size: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-incident-"))
    plan_path = work / "plan.yaml"
    write_plan(layered_plan(size), plan_path)
    stores = {"sqlite": str(work / "incidents.db")}
    server = os.environ.get("PLANNER_TEST_PG")
    if server:
        stores["postgresql"] = fresh_database(server, "bench_incident")
    else:
        print("no PLANNER_TEST_PG: PostgreSQL not measured", file=sys.stderr)
    results = {name: measure(plan_path, store) for name, store in stores.items()}
    tasks = results["sqlite"][2]
    print(
        f"planner incident, full outage of {size:,} services ({tasks:,} tasks); seconds per process "
        f"(load {os.getloadavg()[0]:.1f})"
    )
    header = "".join(f" {name + ' median':>18} {'worst':>7} {'CPU':>6}" for name in results)
    print(f"{'action':<56}{header}")
    for label in results["sqlite"][0]:
        cells = ""
        for timings, cpus, _ in results.values():
            got, cpu = timings.get(label, []), cpus.get(label, [])
            cells += (
                f" {statistics.median(got):>18.3f} {max(got):>7.3f} {statistics.median(cpu):>6.3f}"
                if got
                else f" {'-':>18} {'-':>7} {'-':>6}"
            )
        print(f"{label:<56}{cells}")


def fresh_database(server: str, prefix: str) -> str:
    """A new database on the PostgreSQL server ``server`` (a URL), named ``prefix`` and this
    process's id (dropped first if a previous run left it); its URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def measure(plan_path: Path, store: str) -> tuple[dict[str, list[float]], dict[str, list[float]], int]:
    """Every action's wall-clock and CPU times on the store ``store``, and the incident's task count."""
    env = measured_env(PLANNER_STORE=store, NO_COLOR="1")
    times: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}

    def timed(label: str, args: list[str], expect: int = 0) -> str:
        took, cpu, out = run(args, env, expect)
        times.setdefault(label, []).append(took)
        cpus.setdefault(label, []).append(cpu)
        return out

    out = timed("start (reads the plan)", ["incident", "start", str(plan_path), "--as", "ic"])
    incident = out.split()[-1]
    _, _, status = run(["incident", "status", incident, "--format", "json"], env)
    services = json.loads(status)["services"]
    by_id = {s["service"]: s for s in services}
    second = [s["service"] for s in services if 1 <= len(s["checks"]) <= 2][:RUNS]
    restored: set[str] = set()
    for svc in second:
        for dep in by_id[svc]["checks"]:
            if dep in restored or by_id[dep]["checks"]:
                continue
            timed("begin", ["incident", "begin", incident, dep])
            timed("verify", ["incident", "verify", incident, dep])
            timed("restored", ["incident", "restored", incident, dep])
            restored.add(dep)
        if not all(dep in restored for dep in by_id[svc]["checks"]):
            continue
        timed("begin", ["incident", "begin", incident, svc])
        for dep in by_id[svc]["checks"]:
            timed("check --pass", ["incident", "check", incident, svc, dep, "--pass", "--observed", "ok"])
        timed("restored (refused: verify missing)", ["incident", "restored", incident, svc], expect=1)
    blocked = [s["service"] for s in services if len(s["checks"]) >= 2 and s["service"] not in second][:RUNS]
    for svc in blocked:
        dep = next(iter(next(s for s in services if s["service"] == svc)["checks"]))
        timed("bypass", ["incident", "bypass", incident, svc, dep, "--reason", "check tool down"])
        timed("escalate", ["incident", "escalate", incident, svc])
        timed("note", ["incident", "note", incident, f"looking at {svc}"])
    for svc in sorted(restored)[:RUNS]:
        timed("fail (reopens dependents)", ["incident", "fail", incident, svc])
    for _ in range(3):
        timed(
            "update (drafts from the outline, re-runs the schedule)",
            ["incident", "update", incident, "--as", "comms"],
        )
        timed("status --format json (whole incident)", ["incident", "status", incident, "--format", "json"])
        timed("status (text)", ["incident", "status", incident])
    timed("report (markdown)", ["report", incident])
    timed(
        "resolve --accept-workarounds --accept-down",
        ["incident", "resolve", incident, "--accept-workarounds", "--accept-down"],
    )
    return times, cpus, len(services)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
