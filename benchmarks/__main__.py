"""Every speed figure the project states, as one table: ``python -m benchmarks``.

- ``validate``, ``schedule --format json`` and ``audit --format json`` on a generated plan of
  100,000 services (and 1,000,000 with ``--huge``), each as a whole process, paired with a bare
  ``yaml_rs`` parse of the same file in a fresh process timed just before it (this machine's speed
  drifts, so the ratio is taken per pair; the median of ``--runs`` pairs is printed), and the peak
  memory of the whole process tree (the resident sizes of the command and every process it
  started, summed, sampled every 20 ms: a forked worker's copied pages count);
- ``planner incident`` actions and ``planner track`` at 10,000 tasks (``bench_incident`` and
  ``bench_tui``, run as they are; ``--no-tracking`` leaves them out);
- the forecast's sampling (``bench_forecast``; ``--no-forecast`` leaves it out).

``--python PY`` (repeatable) measures other builds' interpreters, interleaved pair by pair with
each other, so two builds are compared in one sitting under the same load.

    python -m benchmarks [--huge] [--runs 3] [--python /other/.venv/bin/python ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import layered_plan, write_plan

OUT = Path(__file__).resolve().parent / "out"
BARE = "import sys, yaml_rs; yaml_rs.loads(open(sys.argv[1], encoding='utf-8').read())"
COMMANDS = {
    "validate": ["validate"],
    "schedule --format json": ["schedule", "--format", "json"],
    "audit --format json": ["audit", "--format", "json"],
}
OK = (0, 1)  # an audit with findings exits 1


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc; threads share their process's memory)."""
    out, todo = [], [pid]
    while todo:
        here = todo.pop()
        out.append(here)
        try:
            for task in os.listdir(f"/proc/{here}/task"):
                with open(f"/proc/{here}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def _rss(pid: int) -> int:
    """Resident bytes of one process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def run(args: list[str]) -> tuple[float, int, int]:
    """Run ``args`` (stdout discarded, in a neutral directory so ``-m`` imports the interpreter's
    own build); wall seconds, peak resident bytes of its process tree, exit code."""
    began = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # each build imports its own
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir(), env=env
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_rss(p) for p in _tree(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    error = proc.stderr.read()
    code = proc.wait()
    took = time.perf_counter() - began
    done.set()
    sampler.join()
    if code not in OK:
        raise SystemExit(f"{' '.join(args)} exited {code}: {error.decode()[-800:]}")
    return took, peak, code


@dataclass
class Figures:
    """One command on one build: per pair, the bare parse, the command and its peak."""

    bare: list[float] = field(default_factory=list)
    took: list[float] = field(default_factory=list)
    peak: list[int] = field(default_factory=list)

    def row(self) -> str:
        ratios = [t / b for t, b in zip(self.took, self.bare, strict=True)]
        return (
            f"{statistics.median(self.bare):>8.2f} {statistics.median(self.took):>8.2f} "
            f"{statistics.median(ratios):>6.1f}x {max(self.peak) / 2**30:>7.2f}"
        )


def plan_of(size: int) -> Path:
    """The generated plan of ``size`` services (made once, kept in benchmarks/out)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"plan-{size}.yaml"
    if not path.exists():
        write_plan(layered_plan(size), path)
    return path


def commands(sizes: list[int], pythons: list[str], runs: int) -> None:
    """The command table: each build interleaved with the others, pair by pair."""
    print(
        f"{'services':>9} {'command':<24} {'build':<34} {'yaml_rs':>8} {'command':>8} {'ratio':>7} "
        f"{'peak GB':>7}"
    )
    for size in sizes:
        path = plan_of(size)
        for label, args in COMMANDS.items():
            figures = {py: Figures() for py in pythons}
            for _ in range(runs):
                for py in pythons:
                    bare, _, _ = run([py, "-c", BARE, str(path)])
                    took, peak, _ = run([py, "-m", "planner", args[0], str(path), *args[1:]])
                    figures[py].bare.append(bare)
                    figures[py].took.append(took)
                    figures[py].peak.append(peak)
            for py, got in figures.items():
                print(f"{size:>9} {label:<24} {_short(py):<34} {got.row()}", flush=True)


def _short(python: str) -> str:
    return python if len(python) <= 34 else "..." + python[-31:]


def tracking(size: int) -> None:
    """``bench_incident`` and ``bench_tui`` at ``size`` services, as they print themselves."""
    for module in ("benchmarks.bench_incident", "benchmarks.bench_tui"):
        print(f"\n$ python -m {module} {size}", flush=True)
        subprocess.run([sys.executable, "-m", module, str(size)], check=True, cwd=Path(__file__).parents[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--huge", action="store_true", help="also 1,000,000 services")
    parser.add_argument("--runs", type=int, default=3, help="pairs per command (default 3)")
    parser.add_argument("--python", action="append", default=[], help="another build's interpreter")
    parser.add_argument("--sizes", type=int, nargs="*", help="plan sizes instead of 100,000")
    parser.add_argument("--no-tracking", action="store_true", help="leave out incident actions and track")
    parser.add_argument("--no-forecast", action="store_true", help="leave out the forecast's sampling")
    args = parser.parse_args(argv)
    sizes = args.sizes or [100_000, *([1_000_000] if args.huge else [])]
    if max(sizes) > 200_000:  # a 1,000,000-service plan is 558 MB, past the default read limit
        os.environ.setdefault("PLANNER_MAX_INPUT_MB", "1024")
    with open("/proc/loadavg", encoding="ascii") as f:
        load = " ".join(f.read().split()[:3])
    print(f"{platform.node()}: {os.cpu_count()} CPUs, {platform.python_version()}, load {load}")
    commands(sizes, [sys.executable, *args.python], args.runs)
    if not args.no_tracking:
        tracking(10_000)
    if not args.no_forecast:
        print("\n$ python -m benchmarks.bench_forecast", flush=True)
        subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_forecast"], check=True, cwd=Path(__file__).parents[1]
        )


if __name__ == "__main__":
    main()
