"""Crash census of the hostile-input corpus: run every file of tests/data/bad and
tests/data/hostile (and the generated alias bombs) through its reader with a given planner, under
a 2 GB address space and a 60 s limit, and count how each ended. Compares builds:

    python scripts/hostile_census.py                      # this checkout's planner
    python scripts/hostile_census.py /tmp/base/.venv/bin/python   # another build's interpreter

A crash is the internal-error exit (70), a signal, or the time limit; peak memory is the largest
resident size of any one run (the alias bombs' is printed apart).
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
