"""Run every planner command on fixed inputs and save what each printed, to compare two versions.

A refactoring promises "no behaviour change"; this is how it is checked. Run it with the planner
of one version, then of the other, and compare the two folders::

    python scripts/compare_outputs.py --planner /tmp/base/.venv/bin/planner /tmp/out-before
    python scripts/compare_outputs.py /tmp/out-after          # the planner on PATH
    python scripts/compare_outputs.py --diff /tmp/out-before /tmp/out-after

Each command's stdout, stderr and exit code land in one file per command (named after its
number and words). Inputs: ``examples/``, the bad-input corpus in ``tests/data/bad``, real
Compose files and Backstage catalogs from ``tests/data``, and generated plans of 1,000 and 10,000
services (``--sizes``). Times are fixed with ``--as-of``/``--at`` so that two runs on different
days still agree; incident commands replay ``examples/drill.sh`` against a fresh store.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-28"


def plan_commands(plan: str, scenario: str | None, some: str) -> list[list[str]]:
    """The planning, audit and export commands on one plan."""
    sel = ["--scenario", scenario] if scenario else ["--failed", some]
    cmds = [
        ["validate", plan],
        ["validate", plan, "--format", "json"],
        ["impact", plan, some],
        ["impact", plan, some, "--format", "json"],
        ["order", plan],
        ["order", plan, *sel, "--format", "json"],
        ["order", plan, *sel],
        ["schedule", plan],
        ["schedule", plan, *sel],
        ["schedule", plan, "--format", "json"],
        ["audit", plan, "--as-of", AS_OF],
        ["audit", plan, "--as-of", AS_OF, "--format", "json"],
        ["audit", plan, "--as-of", AS_OF, "--format", "sarif"],
        ["audit", plan, "--as-of", AS_OF, *sel],
        ["audit", plan, "--as-of", AS_OF, "--fail-on", "never", "--format", "json"],
    ]
    for fmt in ("dot", "mermaid", "gantt", "markdown"):
        cmds.append(["export", plan, "--format", fmt])
        cmds.append(["export", plan, "--format", fmt, *sel])
    return cmds


def small_commands() -> list[list[str]]:
    cmds: list[list[str]] = [["--help"], ["schema"], ["incident", "--help"], ["track", "--help"]]
    cmds += plan_commands("examples/small.yaml", None, "storage")
    cmds += plan_commands("examples/enterprise.yaml", "storage-outage", "dns-eu-resolver")
    cmds += [
        ["export", "examples/enterprise.yaml", "--format", "dot", "--focus", "db-primary"],
        ["export", "examples/enterprise.yaml", "--format", "dot", "--cluster", "wave"],
        ["impact", "examples/enterprise.yaml", "nosuch"],
        ["order", "examples/enterprise.yaml", "--scenario", "nosuch"],
        ["schedule", "examples/enterprise.yaml", "--failed", ","],
    ]
    for bad in sorted((ROOT / "tests/data/bad").iterdir()):
        rel = bad.relative_to(ROOT).as_posix()
        cmds += [["validate", rel], ["validate", rel, "--format", "json"], ["audit", rel, "--as-of", AS_OF]]
    for compose in sorted((ROOT / "tests/data/compose").glob("*/*compose*.y*ml")):
        rel = compose.relative_to(ROOT).as_posix()
        cmds.append(["import", "compose", rel])
        cmds.append(["import", "compose", rel, "--all-profiles"])
    for catalog in sorted((ROOT / "tests/data/backstage").iterdir()):
        files = sorted(p.relative_to(ROOT).as_posix() for p in catalog.rglob("*.yaml"))
        if files:
            cmds.append(["import", "backstage", *files])
    return cmds


def large_commands(plan: str) -> list[list[str]]:
    return [
        ["validate", plan],
        ["schedule", plan, "--format", "json"],
        ["schedule", plan],
        ["order", plan, "--format", "json"],
        ["audit", plan, "--as-of", AS_OF],
        ["audit", plan, "--as-of", AS_OF, "--format", "json"],
        ["export", plan, "--format", "dot"],
        ["export", plan, "--format", "markdown"],
    ]


def slug(args: list[str], taken: set[str]) -> str:
    """A file name from the command's words (not its position: a grown corpus must not shift
    every name after it), made unique."""
    words = re.sub(r"[^A-Za-z0-9.-]+", "_", " ".join(args))[:120]
    name, n = words, 1
    while name in taken:
        n += 1
        name = f"{words}~{n}"
    taken.add(name)
    return name


def run_one(planner: list[str], args: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run([*planner, *args], cwd=cwd, env=env, capture_output=True, check=False)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    return f"$ planner {' '.join(args)}\nexit {proc.returncode}\n--- stdout\n{out}\n--- stderr\n{err}"


def drill(planner: list[str], cwd: Path, env: dict[str, str]) -> str:
    """``examples/drill.sh`` against a fresh store, plus the reads it does not do."""
    shim = cwd / "planner-shim"
    shim.write_text("#!/bin/sh\nexec " + " ".join(planner) + ' "$@"\n')
    shim.chmod(0o755)
    drill_env = {**env, "PLANNER": str(shim)}
    proc = subprocess.run(
        ["bash", str(cwd / "examples/drill.sh"), "store/drill.db"],
        cwd=cwd,
        env=drill_env,
        capture_output=True,
        check=False,
    )
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    ids = re.findall(r"^([A-Z]+-[0-9]+)$", out, flags=re.M)
    store_env = {**env, "PLANNER_STORE": "store/drill.db"}
    reads = [["incident", "list"], ["incident", "list", "--format", "json"]]
    reads += [["kpi"], ["kpi", "--format", "json"]]
    for incident in ids[:1]:
        reads += [
            ["incident", "status", incident, "--format", "json", "--at", "2026-11-27T04:30:00Z"],
            ["incident", "status", incident, "--format", "markdown", "--at", "2026-11-27T04:30:00Z"],
            ["report", incident, "--format", "json"],
            ["audit", "examples/enterprise.yaml", "--as-of", AS_OF, "--store", "store/drill.db"],
        ]
    tail = ""
    for args in reads:
        tail += run_one(planner, args, cwd, store_env) + "\n"
    return f"drill exit {proc.returncode}\n{out}\n{tail}"


def collect(planner: list[str], out_dir: Path, sizes: list[int]) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planner-compare-") as tmp:
        cwd = Path(tmp)
        for name in ("examples", "tests/data"):
            shutil.copytree(ROOT / name, cwd / name)
        (cwd / "store").mkdir()
        env = {
            **os.environ,
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "PLANNER_STORE": str(cwd / "store/none.db"),
            "TZ": "UTC",
        }
        cmds = small_commands()
        for size in sizes:
            plan = f"generated-{size}.yaml"
            subprocess.run(
                [sys.executable, "-m", "benchmarks.generate", str(size), str(cwd / plan)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            cmds += large_commands(plan)
        taken: set[str] = set()
        for index, args in enumerate(cmds):
            (out_dir / slug(args, taken)).write_text(run_one(planner, args, cwd, env), encoding="utf-8")
            if (index + 1) % 20 == 0:
                print(f"{index + 1}/{len(cmds)} commands", file=sys.stderr, flush=True)
        (out_dir / "drill").write_text(drill(planner, cwd, env), encoding="utf-8")
    return len(cmds) + 1


def diff(before: Path, after: Path) -> int:
    cmp = filecmp.dircmp(before, after)
    problems = [f"only in {before}: {n}" for n in cmp.left_only]
    problems += [f"only in {after}: {n}" for n in cmp.right_only]
    _, mismatch, errors = filecmp.cmpfiles(before, after, cmp.common_files, shallow=False)
    problems += [f"differs: {n}" for n in mismatch] + [f"unreadable: {n}" for n in errors]
    for line in problems:
        print(line)
    same = len(cmp.common_files) - len(mismatch) - len(errors)
    print(f"{same} of {len(cmp.common_files)} outputs byte-identical; {len(problems)} differences")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, nargs="+", help="folder to write (or, with --diff, two folders)")
    parser.add_argument("--planner", default="planner", help="the planner command to run")
    parser.add_argument("--sizes", default="1000,10000", help="generated plan sizes (comma-separated)")
    parser.add_argument("--diff", action="store_true", help="compare two folders written before")
    args = parser.parse_args()
    if args.diff:
        if len(args.out) != 2:
            parser.error("--diff takes two folders")
        return diff(args.out[0], args.out[1])
    sizes = [int(s) for s in args.sizes.split(",") if s]
    count = collect(args.planner.split(), args.out[0], sizes)
    print(f"wrote {count} outputs to {args.out[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
