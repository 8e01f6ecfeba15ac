"""Every speed figure the project states, as one table: ``python -m benchmarks``.

- ``validate``, ``schedule --format json`` and ``audit --format json`` on a generated plan of
  100,000 services (and 1,000,000 with ``--huge``), each as a whole process, paired with a bare
  ``yaml_rs`` parse of the same file in a fresh process timed just before it (this machine's speed
  drifts, so the ratio is taken per pair; the median of ``--runs`` pairs is printed), and the peak
  memory of the whole process tree (the resident sizes of the command and every process it
  started, summed, sampled every 20 ms: a forked worker's copied pages count);
- beside each wall-clock time, the CPU time (user + system) of the whole process tree, from the
  child's own accounting (``wait4``): on a shared machine the wall clock waits for other people's
  work, the CPU time does not, so the CPU ratio is what compares across an hour;
- with two sizes or more, each command's time at the largest against its time at the smallest,
  paired (both from this run), wall and CPU, beside the bare parse's own growth;
- ``planner incident`` actions and ``planner track`` at 10,000 tasks (``bench_incident`` and
  ``bench_tui``, run as they are; ``--no-tracking`` leaves them out);
- the forecast's sampling (``bench_forecast``; ``--no-forecast`` leaves it out).

``--python PY`` (repeatable) measures other builds' interpreters, interleaved pair by pair with
each other, so two builds are compared in one sitting under the same load. ``--only COMMAND``
(repeatable: ``validate``, ``schedule``, ``audit``) measures only those commands.

    python -m benchmarks [--huge] [--runs 3] [--only schedule] [--python /other/.venv/bin/python ...]
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

from benchmarks import measured_env
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


@dataclass(frozen=True)
class Measure:
    """One whole process: wall seconds, CPU seconds and peak resident bytes of its tree."""

    wall: float
    """Seconds from start to exit."""
    cpu: float
    """User + system seconds of the process and every descendant it waited for (``wait4``)."""
    peak: int
    """Largest sum of the tree's resident sizes seen (sampled every 20 ms)."""


def run(args: list[str]) -> Measure:
    """Run ``args`` (stdout discarded, in a neutral directory so ``-m`` imports the interpreter's
    own build) and measure it; exits when the command fails."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir(), env=measured_env()
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
    # wait4, not proc.wait(): its rusage is the child's own plus every descendant it waited for
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - began
    code = proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if code not in OK:
        raise SystemExit(f"{' '.join(args)} exited {code}: {error.decode()[-800:]}")
    return Measure(took, usage.ru_utime + usage.ru_stime, peak)


@dataclass
class Figures:
    """One command on one build at one size: per pair, the bare parse and the command."""

    bare: list[Measure] = field(default_factory=list)
    took: list[Measure] = field(default_factory=list)

    def add(self, bare: Measure, took: Measure) -> None:
        """One more pair."""
        self.bare.append(bare)
        self.took.append(took)

    def median(self, which: str, cpu: bool = False) -> float:
        """Median seconds of the bare parses (``which="bare"``) or the command's runs."""
        return statistics.median(m.cpu if cpu else m.wall for m in getattr(self, which))

    def ratio(self, cpu: bool = False) -> float:
        """Median over the pairs of the command's time over its bare parse's."""
        if cpu:
            return statistics.median(t.cpu / b.cpu for t, b in zip(self.took, self.bare, strict=True))
        return statistics.median(t.wall / b.wall for t, b in zip(self.took, self.bare, strict=True))

    def row(self) -> str:
        """The table's figures: wall seconds and ratio, CPU seconds and ratio, peak."""
        return (
            f"{self.median('bare'):>8.2f} {self.median('took'):>8.2f} {self.ratio():>6.1f}x "
            f"{self.median('bare', cpu=True):>8.2f} {self.median('took', cpu=True):>8.2f} "
            f"{self.ratio(cpu=True):>6.1f}x {max(m.peak for m in self.took) / 2**30:>7.2f}"
        )


def growth(small: Figures, large: Figures) -> str:
    """A command's time at a large size over its time at a small one (medians of one run), wall
    and CPU, then the bare parse's own growth, for comparison."""
    return (
        f"wall {large.median('took') / small.median('took'):.1f}x, "
        f"CPU {large.median('took', cpu=True) / small.median('took', cpu=True):.1f}x "
        f"(bare parse: wall {large.median('bare') / small.median('bare'):.1f}x, "
        f"CPU {large.median('bare', cpu=True) / small.median('bare', cpu=True):.1f}x)"
    )


def plan_of(size: int) -> Path:
    """The generated plan of ``size`` services (made once, kept in benchmarks/out)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"plan-{size}.yaml"
    if not path.exists():
        write_plan(layered_plan(size), path)
    return path


def commands(sizes: list[int], pythons: list[str], runs: int, only: list[str] | None = None) -> None:
    """The command table: each build interleaved with the others, pair by pair; then, with two
    sizes or more, each command's growth from the smallest to the largest."""
    print(
        f"{'services':>9} {'command':<24} {'build':<34} {'yaml_rs':>8} {'command':>8} {'ratio':>7} "
        f"{'CPU yaml':>8} {'CPU cmd':>8} {'CPU x':>7} {'peak GB':>7}"
    )
    chosen = {label: args for label, args in COMMANDS.items() if not only or args[0] in only}
    seen: dict[tuple[int, str, str], Figures] = {}
    for size in sizes:
        path = plan_of(size)
        for label, args in chosen.items():
            figures = {py: Figures() for py in pythons}
            for _ in range(runs):
                for py in pythons:
                    bare = run([py, "-c", BARE, str(path)])
                    figures[py].add(bare, run([py, "-m", "planner", args[0], str(path), *args[1:]]))
            for py, got in figures.items():
                seen[size, label, py] = got
                print(f"{size:>9} {label:<24} {_short(py):<34} {got.row()}", flush=True)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\n{large:,} against {small:,} services, paired (both sizes from this run):")
        for label in chosen:
            for py in pythons:
                grew = growth(seen[small, label, py], seen[large, label, py])
                print(f"  {label:<24} {_short(py):<34} {grew}")


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
    parser.add_argument(
        "--only",
        action="append",
        choices=[args[0] for args in COMMANDS.values()],
        help="measure only this command (repeatable; default: all three)",
    )
    parser.add_argument("--no-tracking", action="store_true", help="leave out incident actions and track")
    parser.add_argument("--no-forecast", action="store_true", help="leave out the forecast's sampling")
    args = parser.parse_args(argv)
    sizes = args.sizes or [100_000, *([1_000_000] if args.huge else [])]
    if max(sizes) > 200_000:  # a 1,000,000-service plan is 558 MB, past the default read limit
        os.environ.setdefault("PLANNER_MAX_INPUT_MB", "1024")
    with open("/proc/loadavg", encoding="ascii") as f:
        load = " ".join(f.read().split()[:3])
    print(f"{platform.node()}: {os.cpu_count()} CPUs, {platform.python_version()}, load {load}")
    commands(sizes, [sys.executable, *args.python], args.runs, args.only)
    if not args.no_tracking:
        tracking(10_000)
    if not args.no_forecast:
        print("\n$ python -m benchmarks.bench_forecast", flush=True)
        subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_forecast"], check=True, cwd=Path(__file__).parents[1]
        )


if __name__ == "__main__":
    main()
