"""Crash census of the hostile-input corpus: run every file of tests/data/bad and
tests/data/hostile (and the generated alias bombs) through its reader with a given planner, under
a 2 GB address space and a 60 s limit, and count how each ended. Compares builds:

    python scripts/hostile_census.py                      # this checkout's planner
    python scripts/hostile_census.py /tmp/base/.venv/bin/python   # another build's interpreter

A crash is the internal-error exit (70), a signal, or the time limit; peak memory is the largest
resident size of any one run (the alias bombs' is printed apart).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
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


# --- Compose loops, depth and interpolation bombs; endless check output (issues 32 and 25) ---
#
# Generated inputs the corpus cannot hold as small files. The corpus itself already holds the
# recursive aliases and the two-file extends and include loops (tests/data/hostile/compose).

MEMORY_KB = 512 * 1024
"""Peak resident size above which a class counts as unbounded (the read limit is 128 MB)."""
SECRET = "census-s3cret-value"
"""A value given in the environment of the secret-leak case: it must not reach the plan."""


def _compose_chains(work: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    """(label, planner arguments, extra environment) of each generated Compose class."""
    out = []
    chain = work / "extends-chain"
    chain.mkdir()
    lines = ["services:"] + [f"  s{i}:\n    extends: s{i + 1}" for i in range(4_999)]
    lines += ["  s4999:\n    image: busybox\n    healthcheck: {test: [CMD, 'true']}"]
    (chain / "compose.yaml").write_text("\n".join(lines) + "\n")
    out.append(("extends chain 5,000 deep", ["import", "compose", str(chain / "compose.yaml")], {}))
    include = work / "include-chain"
    include.mkdir()
    for i in range(1_500):
        head = f"include:\n  - inc{i + 1}.yaml\n" if i < 1_499 else ""
        (include / f"inc{i}.yaml").write_text(f"{head}services:\n  s{i}:\n    image: busybox\n")
    out.append(("include chain 1,500 deep", ["import", "compose", str(include / "inc0.yaml")], {}))
    loop = work / "extends-loop-3"
    loop.mkdir()
    for name, nxt in (("a", "b"), ("b", "c"), ("c", "a")):
        (loop / f"{name}.yaml").write_text(
            f"services:\n  {name}:\n    image: x\n    extends: {{file: {nxt}.yaml, service: {nxt}}}\n"
        )
    out.append(("extends loop over three files", ["import", "compose", str(loop / "a.yaml")], {}))
    bomb = work / "interpolation-bomb"
    bomb.mkdir()
    (bomb / ".env").write_text("X=" + "x" * 100_000 + "\n")
    (bomb / "compose.yaml").write_text(
        "services:\n  a:\n    image: busybox\n    command:\n" + "      - ${X}${X}${X}${X}\n" * 25_000
    )
    out.append(
        (
            "${X} bomb: 400 KB file, 100 KB .env value (10 GB)",
            ["import", "compose", str(bomb / "compose.yaml")],
            {},
        )
    )
    merge = work / "recursive-alias-wide"
    merge.mkdir()
    wide = ["services:"] + [f"  s{i}: &a{i}\n    image: x\n    <<: *a{i}" for i in range(2_000)]
    (merge / "compose.yaml").write_text("\n".join(wide) + "\n")
    out.append(("2,000 recursive merge keys", ["import", "compose", str(merge / "compose.yaml")], {}))
    secret = work / "secret"
    secret.mkdir()
    (secret / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres\n    healthcheck:\n"
        "      test: [CMD-SHELL, 'PGPASSWORD=${POSTGRES_PASSWORD} pg_isready']\n"
        "  api:\n    image: api\n    depends_on: {db: {condition: service_healthy}}\n"
    )
    out.append(("a password from the environment", ["import", "compose", str(secret / "compose.yaml")],
                {"POSTGRES_PASSWORD": SECRET}))  # fmt: skip
    return out


_CHECK = (
    "import json, resource, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT})); "
    "from planner.running import plan_of, run; "
    "e = run(plan_of(sys.argv[1], timeout=float(sys.argv[2]))); "
    "print(json.dumps({'passed': e.passed, 'summary': e.summary(), "
    "'head': len(e.head), 'tail': e.tail[-70:]}))"
)
CHECK_OUTPUTS = [
    ("1 GB without a newline", "head -c 1000000000 /dev/zero", 30),
    ("3 GB without a newline, --timeout 5", "head -c 3000000000 /dev/zero", 5),
    ("endless output without a newline, --timeout 5", "cat /dev/zero", 5),
    ("endless short lines, --timeout 5", "yes", 5),
    ("1 GB of short lines", "yes | head -c 1000000000", 30),
]
"""(label, command, timeout) of each check-output class, run by planner.running under the limit."""


def _timed(
    argv: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str] | None, int, float]:
    """Run ``argv`` under /usr/bin/time: the process (None past the time limit), its peak
    resident size in KB and its seconds."""
    began = time.monotonic()
    try:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *argv],
            capture_output=True,
            text=True,
            timeout=SECONDS,
            check=False,
            cwd=tempfile.gettempdir(),
            env={**os.environ, **(env or {})},
        )
    except subprocess.TimeoutExpired:
        return None, 0, time.monotonic() - began
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return proc, peak, time.monotonic() - began


def _ending(proc: subprocess.CompletedProcess[str] | None) -> str:
    if proc is None:
        return "hang: time limit"
    if proc.returncode == 70 or "Traceback" in proc.stderr:
        return f"crash: exit {proc.returncode}"
    if proc.returncode not in (0, 1, 2):
        return f"crash: exit {proc.returncode} (a signal or the interpreter)"
    return f"exit {proc.returncode}"


def compose_and_check_output(python: str, work: Path) -> int:
    """Run the generated Compose classes and the check-output classes; print one line each
    (outcome, seconds, peak memory); return how many crashed, hung, leaked or passed unclean."""
    bad = 0
    print("compose loops, depth and interpolation (import compose):")
    for label, args, env in _compose_chains(work):
        proc, peak, seconds = _timed([python, "-c", _RUN, *args], env)
        outcome = _ending(proc)
        said = (
            [line for line in proc.stderr.splitlines()[:-1] if not line.startswith("Command exited")]
            if proc
            else []
        )
        first = said[-1][:110] if said else ""
        if proc is not None and SECRET in proc.stdout:
            outcome += ", LEAKED the secret into the plan"
        if peak > MEMORY_KB:
            outcome += f", peak memory past {MEMORY_KB // 1024} MB"
        bad += outcome.startswith(("crash", "hang")) or "LEAKED" in outcome or "memory past" in outcome
        print(f"  {label}: {outcome}, {seconds:.1f} s, peak {peak / 1024:.0f} MB")
        if first:
            print(f"      {first}")
    print("check output (planner.running, 2 GB address space):")
    for label, command, timeout in CHECK_OUTPUTS:
        proc, peak, seconds = _timed([python, "-c", _CHECK, command, str(timeout)])
        outcome = _ending(proc)
        result = proc.stdout.strip().splitlines()[-1] if proc and proc.stdout.strip() else ""
        if '"passed": true' in result and seconds > timeout + 3:
            outcome += f", PASSED past its {timeout} s timeout"
        elif '"passed": true' in result and '"head": 0,' in result:
            outcome += ", PASSED with no evidence"
        if peak > MEMORY_KB:
            outcome += f", peak memory past {MEMORY_KB // 1024} MB"
        bad += outcome.startswith(("crash", "hang")) or "PASSED" in outcome or "memory past" in outcome
        print(f"  {label}: {outcome}, {seconds:.1f} s, peak {peak / 1024:.0f} MB  {result}")
    return bad


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
    bad = compose_and_check_output(python, work)
    print(f"compose and check-output classes: {bad} crashed, hung, leaked or passed unclean")


if __name__ == "__main__":
    main()
