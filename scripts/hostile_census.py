"""Crash census of the hostile-input corpus: run every file of tests/data/bad and
tests/data/hostile (and the generated alias bombs) through its reader with a given planner, under
a 2 GB address space and a 60 s limit, and count how each ended. Compares builds:

    python scripts/hostile_census.py                      # this checkout's planner
    python scripts/hostile_census.py /tmp/base/.venv/bin/python   # another build's interpreter

A crash is the internal-error exit (70), a signal, or the time limit; peak memory is the largest
resident size of any one run (the alias bombs' is printed apart). Damaged stores (an event or a
row of an SQLite store damaged or forged, every reader and an action run on each) are counted
apart (see _damaged_stores).
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
    return _run_args(python, [*COMMAND.get(reader, ["validate"]), str(path)])


def _run_args(python: str, args: list[str]) -> tuple[str, int]:
    """Run ``planner ARGS`` under the limits: how it ended, and its peak memory (KB)."""
    try:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", python, "-c", _RUN, *args],
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


# Damaged stores (issue #32, item 11): one event or row of an SQLite store damaged or forged,
# then every reader and an action run on it. Each statement damages INC-1 of a store holding
# INC-1 (a short history: #1 start, #2 begin, #3 note, #4 verify, #5 restored, #6 note, #7 a
# bypass) and a healthy drill DRILL-2.
_NOTE = "incident = 'INC-1' AND seq = 3"
_DAMAGE = {
    "bad JSON": f'UPDATE events SET data = \'{{"kind": "note", \' WHERE {_NOTE}',
    "empty text": f"UPDATE events SET data = '' WHERE {_NOTE}",
    "JSON null": f"UPDATE events SET data = 'null' WHERE {_NOTE}",
    "JSON list": f"UPDATE events SET data = '[1, 2]' WHERE {_NOTE}",
    "a number": f"UPDATE events SET data = 42 WHERE {_NOTE}",
    "a blob": f"UPDATE events SET data = CAST(x'7b7d' AS BLOB) WHERE {_NOTE}",
    "unknown kind": f"UPDATE events SET data = json_set(data, '$.kind', 'teleported') WHERE {_NOTE}",
    "kind column": f"UPDATE events SET kind = 'teleported' WHERE {_NOTE}",
    "bad time": f"UPDATE events SET data = json_set(data, '$.at', 'yesterday') WHERE {_NOTE}",
    "time a number": f"UPDATE events SET data = json_set(data, '$.at', 1e300) WHERE {_NOTE}",
    "year 1": f"UPDATE events SET data = json_set(data, '$.at', '0001-01-01T00:00:00Z') WHERE {_NOTE}",
    "year 9999": f"UPDATE events SET data = json_set(data, '$.at', '9999-12-31T23:59:59Z') WHERE {_NOTE}",
    "missing actor": f"UPDATE events SET data = json_remove(data, '$.actor') WHERE {_NOTE}",
    "unknown field": f"UPDATE events SET data = json_set(data, '$.x', 1) WHERE {_NOTE}",
    "another incident": f"UPDATE events SET data = json_set(data, '$.incident', 'INC-9') WHERE {_NOTE}",
    "deep nesting": (
        f"UPDATE events SET data = json_remove(data, '$.text') || '' WHERE {_NOTE};"
        f"UPDATE events SET data = replace(data, '\"kind\"', '\"text\": ' || "
        f"replace(hex(zeroblob(50000)), '00', '[') || replace(hex(zeroblob(50000)), '00', ']') "
        f"|| ', \"kind\"') WHERE {_NOTE}"
    ),
    "invalid UTF-8": f"UPDATE events SET data = CAST(x'7b226b696e64223a22ff22' AS TEXT) WHERE {_NOTE}",
    "control characters": (
        f"UPDATE events SET data = json_set(data, '$.text', char(27) || '[2J' || char(8238)) WHERE {_NOTE}"
    ),
    "damaged start": "UPDATE events SET data = '{' WHERE incident = 'INC-1' AND seq = 1",
    "damaged restore": "UPDATE events SET data = json_set(data, '$.service', 'nothing') "
    "WHERE incident = 'INC-1' AND seq = 5",
    "a gap": f"DELETE FROM events WHERE {_NOTE}",
    "a far number": "UPDATE events SET seq = 1000000 WHERE incident = 'INC-1' AND seq = 6",
    "started garbage": "UPDATE incidents SET started = 'soon' WHERE id = 'INC-1'",
    "started a number": "UPDATE incidents SET started = 5 WHERE id = 'INC-1'",
    "roles garbage": "UPDATE incidents SET roles = '{' WHERE id = 'INC-1'",
    "roles a list": "UPDATE incidents SET roles = '[1]' WHERE id = 'INC-1'",
    "roles not names": "UPDATE incidents SET roles = '{\"scribe\": [1]}' WHERE id = 'INC-1'",
    "detected garbage": "UPDATE incidents SET detected = '2026-13-45' WHERE id = 'INC-1'",
    "resolved garbage": "UPDATE incidents SET resolved = 'x' WHERE id = 'INC-1'",
    "last update garbage": "UPDATE incidents SET last_update = 'x' WHERE id = 'INC-1'",
    "updates garbage": "UPDATE incidents SET updates = 'many' WHERE id = 'INC-1'",
    "meta garbage": "UPDATE incidents SET meta = '[]' WHERE id = 'INC-1'",
    "task begun garbage": "UPDATE tasks SET begun = 'x' WHERE incident = 'INC-1'",
    "task state unknown": "UPDATE tasks SET state = 'exploded' WHERE incident = 'INC-1'",
    "task duration text": "UPDATE tasks SET duration = 'long', rto = 'x' WHERE incident = 'INC-1'",
    "workaround applied garbage": "UPDATE workarounds SET applied = 'x' WHERE incident = 'INC-1'",
    "workaround expires garbage": "UPDATE workarounds SET expires = 'x' WHERE incident = 'INC-1'",
    "shape garbage": "UPDATE shapes SET data = '[]' WHERE incident = 'INC-1'",
}
_READERS = [
    ["incident", "list"],
    ["incident", "status", "INC-1"],
    ["incident", "status", "INC-1", "--format", "json"],
    ["report", "INC-1"],
    ["report", "INC-1", "--format", "json"],
    ["kpi"],
    ["audit", str(ROOT / "examples" / "enterprise.yaml"), "--fail-on", "never"],
    ["incident", "note", "INC-1", "still here", "--as", "census"],
    ["incident", "undo", "INC-1", "--as", "census"],
    ["incident", "status", "DRILL-2"],
    ["incident", "update", "INC-1"],
]


def _damaged_stores(python: str, work: Path) -> tuple[Counter[str], list[str]]:
    """Every reader on every damaged store: how each run ended."""
    import shutil
    import sqlite3

    base = work / "healthy.db"
    enterprise, small = ROOT / "examples" / "enterprise.yaml", ROOT / "examples" / "small.yaml"
    history = [
        ["incident", "start", str(enterprise), "--scenario", "storage-outage", "--at", "30m ago"],
        ["incident", "begin", "INC-1", "storage-cluster", "--at", "20m ago"],
        ["incident", "note", "INC-1", "vendor on the phone", "--at", "20m ago"],
        ["incident", "verify", "INC-1", "storage-cluster", "--at", "10m ago"],
        ["incident", "restored", "INC-1", "storage-cluster", "--at", "10m ago"],
        ["incident", "note", "INC-1", "next: the databases", "--at", "10m ago"],
        [
            "incident",
            "bypass",
            "INC-1",
            "db-primary",
            "storage-cluster",
            "--reason",
            "vendor",
            "--at",
            "5m ago",
        ],
        ["incident", "start", str(small), "--exercise"],
    ]
    for args in history:
        command = [python, "-m", "planner", *args, "--store", str(base)]
        subprocess.run(command, check=True, capture_output=True)
    counts: Counter[str] = Counter()
    crashes = []
    for number, (name, sql) in enumerate(_DAMAGE.items()):
        store = work / f"damaged-{number}.db"
        shutil.copy(base, store)
        conn = sqlite3.connect(store)
        conn.executescript(sql)
        conn.commit()
        conn.close()
        for args in _READERS:
            outcome, _ = _run_args(python, [*args, "--store", str(store)])
            counts[outcome] += 1
            if outcome.startswith(("crash", "time")):
                crashes.append(f"  damaged store ({name}) {' '.join(args[:2])}: {outcome}")
    return counts, crashes


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
    stores, broken = _damaged_stores(python, work)
    print(f"damaged stores: {len(_DAMAGE)} stores, {sum(stores.values())} runs")
    for outcome, n in sorted(stores.items()):
        print(f"  {outcome}: {n}")
    print("crashes:" if broken else "crashes: none")
    print("\n".join(broken))


if __name__ == "__main__":
    main()
