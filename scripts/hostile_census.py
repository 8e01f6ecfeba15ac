"""Crash census of the hostile-input corpus: run every file of tests/data/bad and
tests/data/hostile (and the generated alias bombs) through its reader with a given planner, under
a 2 GB address space and a 60 s limit, and count how each ended. Compares builds:

    python scripts/hostile_census.py                      # this checkout's planner
    python scripts/hostile_census.py /tmp/base/.venv/bin/python   # another build's interpreter

A crash is the internal-error exit (70), a signal, or the time limit; peak memory is the largest
resident size of any one run (the alias bombs' is printed apart).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LIMIT = 2 * 2**30
SECONDS = 60
COMMAND = {"compose": ["import", "compose"], "backstage": ["import", "backstage"]}
_RUN = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT})); "
    "sys.argv = ['planner', *sys.argv[1:]]; runpy.run_module('planner', run_name='__main__')"
)


def _bombs(work: Path) -> list[tuple[str, Path]]:
    big = "x" * 2**20
    plan = ["version: 1", "name: bomb", "services:", f"  - id: s\n    description: &big {big}"]
    plan += [f"  - id: s{i}\n    description: *big" for i in range(100_000)]
    compose = ["x-big: &big", f"  image: {big}", "services:"] + [
        f"  s{i}:\n    <<: *big" for i in range(5_000)
    ]
    catalog = ["apiVersion: backstage.io/v1alpha1", "kind: Component", "metadata:", "  name: bomb"]
    catalog += [f"  description: &big {big}", "spec:", "  tags:"] + ["    - *big"] * 100_000
    out = []
    for reader, lines in (("plan", plan), ("compose", compose), ("backstage", catalog)):
        path = work / f"scalar-bomb-{reader}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append((reader, path))
    return out


def _cases(work: Path) -> list[tuple[str, Path]]:
    cases = [("plan", p) for p in sorted((DATA / "bad").iterdir())]
    for folder in sorted((DATA / "hostile").iterdir()):
        if folder.is_dir():
            cases += [(folder.name, p) for p in sorted(folder.iterdir())]
        else:
            cases.append(("plan", folder))
    return cases + _bombs(work)


def _run(python: str, reader: str, path: Path) -> tuple[str, int]:
    args = COMMAND.get(reader, ["validate"])
    try:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", python, "-c", _RUN, *args, str(path)],
            capture_output=True,
            text=True,
            timeout=SECONDS,
            check=False,
            cwd=tempfile.gettempdir(),
        )
    except subprocess.TimeoutExpired:
        return "time limit", 0
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    code = proc.returncode
    if code in (0, 1, 2):
        return f"exit {code}", peak
    if code == 70:
        return "crash: exit 70", peak
    return f"crash: exit {code} (a signal or the interpreter)", peak


# --- signals at random moments of every long command ---------------------------------------
#
# Each long command is started, sent a signal (TERM, HUP, INT or KILL) at a random moment, and
# watched: it must end, and leave none of its processes behind (the audit's forked worker, a
# check command run with --run or --run-checks, Graphviz). Every process it started is collected
# from /proc just before the signal; one still alive 5 s after the command ended was left behind
# (and is killed here).

SIGNALS = ("TERM", "HUP", "INT", "KILL")
SIGNAL_ROUNDS = 2
"""Random moments per command and signal."""
_SLOW_CHECKS = """version: 1
name: slow checks
services:
  - id: base
    verify: "sleep 30"
  - id: app
    verify: "sleep 30 && true"
    depends_on: [{service: base, check: "sleep 30"}]
"""


def _signal_commands(python: str, work: Path) -> list[tuple[str, list[str], float]]:
    """The long commands: a name, the planner's arguments, and the window (seconds) the signal
    falls in. Their inputs are made in ``work``."""
    big = work / "signals-20000.yaml"
    subprocess.run(
        [python, "-m", "benchmarks.generate", "20000", str(big)], cwd=ROOT, check=True, capture_output=True
    )
    slow = work / "slow-checks.yaml"
    slow.write_text(_SLOW_CHECKS, encoding="utf-8")
    store = work / "signals.db"
    started = subprocess.run(
        [python, "-m", "planner", "incident", "start", str(slow), "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    incident = started.stdout.split()[-1]
    begin = ["incident", "begin", incident, "base", "--store", str(store)]
    subprocess.run(
        [python, "-m", "planner", *begin], capture_output=True, check=True, cwd=tempfile.gettempdir()
    )
    enterprise = str(ROOT / "examples" / "enterprise.yaml")
    return [
        ("audit (forks above 10,000 services)", ["audit", str(big), "--as-of", "2026-11-28"], 8.0),
        ("schedule", ["schedule", str(big), "--format", "json"], 6.0),
        ("incident start", ["incident", "start", str(big), "--store", str(work / "big.db")], 8.0),
        (
            "export svg (Graphviz)",
            ["export", enterprise, "--format", "svg", "-o", str(work / "e.svg"), "--force"],
            2.0,
        ),
        ("audit --run-checks", ["audit", str(slow), "--run-checks", "--as-of", "2026-11-28"], 3.0),
        (
            "incident verify --run",
            ["incident", "verify", incident, "base", "--run", "--store", str(store)],
            3.0,
        ),
    ]


def _descendants(pid: int) -> set[int]:
    """Every living process started by ``pid`` (its children, theirs, ...), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent and p not in found]
        found.update(kids)
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _signal_once(python: str, args: list[str], sig: str, delay: float) -> str:
    """Run ``planner ARGS``, send ``sig`` after ``delay`` seconds; how it ended."""
    import signal as signals
    import time

    proc = subprocess.Popen(
        [python, "-m", "planner", *args],
        cwd=tempfile.gettempdir(),  # not ROOT: `-m planner` would import this checkout's planner
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    end = time.monotonic() + delay
    started: set[int] = set()
    while time.monotonic() < end and proc.poll() is None:
        started |= _descendants(proc.pid)
        time.sleep(0.05)
    if proc.poll() is not None:
        return "finished before the signal"
    started |= _descendants(proc.pid)
    proc.send_signal(getattr(signals, f"SIG{sig}"))
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return "did not end within 60 s of the signal"
    time.sleep(5)
    left = sorted(p for p in started if _alive(p))
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signals.SIGKILL)
    if left:
        return f"LEFT {len(left)} process(es) behind (exit {code})"
    return "ended, nothing left behind"


def signal_census(python: str, work: Path, rounds: int = SIGNAL_ROUNDS, seed: int = 25) -> list[str]:
    """Every long command, each signal, ``rounds`` random moments: a line per outcome and the
    runs that left a process behind or did not end."""
    import random

    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    bad = []
    for name, args, window in _signal_commands(python, work):
        for sig in SIGNALS:
            for _ in range(rounds):
                delay = rng.uniform(0.2, window)
                outcome = _signal_once(python, args, sig, delay)
                counts[outcome.split(" (")[0]] += 1
                if outcome.startswith(("LEFT", "did not")):
                    bad.append(f"  {name}, SIG{sig} after {delay:.1f} s: {outcome}")
    lines = [f"signals at random moments ({sum(counts.values())} runs, seed {seed}):"]
    lines += [f"  {outcome}: {n}" for outcome, n in sorted(counts.items())]
    lines.append("left behind or hung:" if bad else "left behind or hung: none")
    return lines + bad


def main() -> None:
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    work = Path(tempfile.mkdtemp(prefix="census-"))
    counts: Counter[str] = Counter()
    crashes, bombs = [], []
    cases = _cases(work)
    for reader, path in cases:
        outcome, peak = _run(python, reader, path)
        counts[outcome] += 1
        if outcome.startswith(("crash", "time")):
            crashes.append(f"  {reader} {path.name}: {outcome}")
        if "bomb" in path.name or "laughs" in path.name:
            bombs.append(f"  {reader} {path.name}: {outcome}, peak {peak / 1024:.0f} MB")
    print(f"{len(cases)} hostile inputs with {python}")
    for outcome, n in sorted(counts.items()):
        print(f"  {outcome}: {n}")
    print("crashes:" if crashes else "crashes: none")
    print("\n".join(crashes))
    print("alias bombs:")
    print("\n".join(bombs))
    print("\n".join(signal_census(python, work)))


if __name__ == "__main__":
    main()
