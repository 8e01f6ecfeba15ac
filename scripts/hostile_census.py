"""Crash census of the hostile-input corpus: run every file of tests/data/bad and
tests/data/hostile (and the generated alias bombs) through its reader with a given planner, under
a 2 GB address space and a 60 s limit, and count how each ended. Compares builds:

    python scripts/hostile_census.py                      # this checkout's planner
    python scripts/hostile_census.py /tmp/base/.venv/bin/python   # another build's interpreter
    python scripts/hostile_census.py --output-only [--big]        # only the output/OS-fault classes

A crash is the internal-error exit (70), a signal, or the time limit; peak memory is the largest
resident size of any one run (the alias bombs' is printed apart). A run that ran out of memory
under the limit ends with exit 2 and one line saying so (not a bug, but not a bounded class
either): it is counted apart, as "out of memory", and listed with the failures.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


OUT_OF_MEMORY = "error: out of memory: "
"""How the planner's one line starts when a run needed more memory than the limit gives."""


def _ending(proc: subprocess.CompletedProcess[str] | None) -> str:
    if proc is None:
        return "hang: time limit"
    if proc.returncode == 70 or "Traceback" in proc.stderr:
        return f"crash: exit {proc.returncode}"
    if proc.returncode not in (0, 1, 2):
        return f"crash: exit {proc.returncode} (a signal or the interpreter)"
    if proc.returncode == 2 and OUT_OF_MEMORY in proc.stderr:
        return "out of memory: exit 2"
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
        failed = outcome.startswith(("crash", "hang", "out of"))
        bad += failed or "LEAKED" in outcome or "memory past" in outcome
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
        failed = outcome.startswith(("crash", "hang", "out of"))
        bad += failed or "PASSED" in outcome or "memory past" in outcome
        print(f"  {label}: {outcome}, {seconds:.1f} s, peak {peak / 1024:.0f} MB  {result}")
    return bad


# --- Output, OS faults and option values (#32.4, #32.5, #32.14-17, #25.12) -----------------


_FULL_DISK = (
    "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)); "
)
"""A disk that fills after 1,000 bytes of any file written."""


def _escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


def _ended(python: str, argv: list[str], work: Path, **how: Any) -> tuple[str, int, bytes, str]:
    """Run ``planner ARGV`` (under the limits; ``shell`` wraps it for closed streams) and say how
    it ended: ``exit N``, or a crash (exit 70, a signal, a traceback, the time limit). Returns the
    outcome, the peak resident size in KB, standard output and standard error."""
    env = {**os.environ, "NO_COLOR": "1", **how.get("env", {})}
    code = _RUN.replace("sys; ", f"sys; {_FULL_DISK}", 1) if how.get("disk_full") else _RUN
    command = ["/usr/bin/time", "-f", "%M", python, "-c", code, *argv]
    if "shell" in how:
        command = ["sh", "-c", " ".join(shlex.quote(c) for c in command) + " " + how["shell"]]
    try:
        proc = subprocess.run(
            command, capture_output=True, timeout=how.get("seconds", SECONDS), cwd=work, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return "crash: time limit", 0, b"", ""
    err = proc.stderr.decode("utf-8", "replace")
    lines = err.strip().splitlines()
    peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    if proc.returncode == 70:
        return "crash: exit 70", peak, proc.stdout, err
    if proc.returncode not in (0, 1, 2):
        return f"crash: exit {proc.returncode} (a signal)", peak, proc.stdout, err
    if "Traceback (most recent call last)" in err:
        return "crash: traceback", peak, proc.stdout, err
    if proc.returncode == 2 and OUT_OF_MEMORY in err:
        return "out of memory: exit 2", peak, proc.stdout, err
    return f"exit {proc.returncode}", peak, proc.stdout, err


def _os_fault_cases(python: str, work: Path) -> list[tuple[str, list[str], dict[str, Any]]]:
    """Every path the CLI takes (plan, -o, --store, --merge, import inputs, standard streams),
    each given each OS fault: missing, a name over 255 bytes, a path over 4096, a symbolic link
    loop, a directory, a FIFO, a device, a hard link to the plan, a full disk, a closed stream."""
    plan = work / "plan.yaml"
    shutil.copy(ROOT / "examples" / "small.yaml", plan)
    compose = work / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    for name, target in (("loop", "loop2"), ("loop2", "loop")):
        if not (work / name).is_symlink():
            (work / name).symlink_to(target)
    if not (work / "fifo").exists():
        os.mkfifo(work / "fifo")
    if not (work / "hardlink.yaml").exists():
        os.link(plan, work / "hardlink.yaml")
    (work / "adir").mkdir(exist_ok=True)
    start = [python, "-m", "planner", "incident", "start", str(plan), "--store", str(work / "source.db")]
    subprocess.run(start, capture_output=True, cwd=work, timeout=SECONDS, check=False)  # for copy-to
    faults = {
        "missing": str(work / "no" / "such" / "dir" / "x"),
        "long-name": "x" * 300,
        "long-path": "/".join(["y" * 200] * 25),
        "loop": "loop",
        "loop-below": "loop/x",
        "directory": "adir",
        "fifo": "fifo",
        "device": "/dev/full",
        "hardlink": "hardlink.yaml",
        "dash": "-",
        "newline": "a\nwrote b",
    }
    takes_path: dict[str, Callable[[str], list[str]]] = {
        "plan": lambda f: ["validate", f],
        "impact-plan": lambda f: ["impact", f, "db-primary"],
        "export-o": lambda f: ["export", str(plan), "--format", "dot", "-o", f, "--force"],
        "export-svg-o": lambda f: ["export", str(plan), "--format", "svg", "-o", f, "--force"],
        "import-input": lambda f: ["import", "compose", f],
        "import-o": lambda f: ["import", "compose", str(compose), "-o", f, "--force"],
        "import-merge": lambda f: ["import", "compose", str(compose), "--merge", f],
        "store-list": lambda f: ["incident", "list", "--store", f],
        "store-start": lambda f: ["incident", "start", str(plan), "--store", f],
        "audit-store": lambda f: ["audit", str(plan), "--store", f],
        "kpi-store": lambda f: ["kpi", "--store", f],
        "report-store": lambda f: ["report", "INC-1", "--store", f],
        "status-store": lambda f: ["incident", "status", "INC-1", "--store", f],
        "copy-from": lambda f: ["store", "copy", f, str(work / "copy.db")],
        "copy-to": lambda f: ["store", "copy", str(work / "source.db"), f],
    }
    expect: dict[str, dict[str, Any]] = {
        "hardlink": {"refused": True},  # -o the plan under another name: never overwritten
        "fifo": {"refused": True},
        "device": {"refused": True},
        "dash": {"no_file": "-"},  # standard output, not a file named '-'
        "newline": {"forged": "wrote b"},  # one 'wrote' line, whatever the name holds
    }
    cases: list[tuple[str, list[str], dict[str, Any]]] = [
        (f"{where} {fault}", make(path), _expected(expect, where, fault))
        for where, make in takes_path.items()
        for fault, path in faults.items()
    ]
    export = ["export", str(plan), "--format", "markdown"]
    cases += [
        ("stdin closed", ["validate", "-"], {"shell": "<&-"}),
        ("stdout closed", ["schedule", str(plan)], {"shell": ">&-"}),
        ("stdout full", ["schedule", str(plan)], {"shell": ">/dev/full"}),
        ("export stdout full", export, {"shell": ">/dev/full"}),
        ("disk full (file size limit)", [*export, "-o", "big.md", "--force"], {"disk_full": True}),
    ]
    return cases


def _expected(expect: dict[str, dict[str, Any]], where: str, fault: str) -> dict[str, Any]:
    """What an -o must do beyond not crashing (the hard link is to the plan export reads)."""
    if not where.endswith("-o") or (fault == "hardlink" and not where.startswith("export")):
        return {}
    return expect.get(fault, {})


_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _output_cases(work: Path) -> list[tuple[str, list[str], dict[str, Any]]]:
    """Bidi and zero-width text through every text output; output encodings that cannot hold
    the plan's text; option values that look like values and are not."""
    bidi = str(DATA / "hostile" / "bidi.yaml")
    latin = work / "latin.yaml"
    latin.write_text(
        "version: 1\nname: Café — 東京\nservices:\n  - id: db\n    name: Base ✓\n  - id: api\n"
        "    depends_on: [db]\n",
        encoding="utf-8",
    )
    cases: list[tuple[str, list[str], dict[str, Any]]] = [
        (f"bidi {' '.join(a[:1] + a[2:])}", a, {"bidi": True})
        for a in (
            ["validate", bidi],
            ["impact", bidi, "db"],
            ["order", bidi],
            ["schedule", bidi],
            ["audit", bidi, "--fail-on", "never"],
            ["audit", bidi, "--fail-on", "never", "--format", "sarif"],
            ["export", bidi, "--format", "markdown"],
            ["export", bidi, "--format", "dot"],
            ["export", bidi, "--format", "mermaid"],
            ["export", bidi, "--format", "svg"],
        )
    ]
    for encoding in ("latin-1", "ascii", "cp1252"):
        for args in (["schedule"], ["validate"], ["impact", "--", "db"], ["audit", "--fail-on", "never"]):
            cases.append(
                (
                    f"{encoding} {args[0]}",
                    [args[0], str(latin), *args[1:]],
                    {"env": {"PYTHONIOENCODING": encoding}},
                )
            )
        for fmt in ("markdown", "dot", "mermaid", "gantt"):
            argv = ["export", str(latin), "--format", fmt]
            cases.append((f"{encoding} export {fmt}", argv, {"env": {"PYTHONIOENCODING": encoding}}))
    store = str(work / "values.db")
    for value in ("nan", "NaN", "inf", "-1", "1e400", "0"):
        cases.append(
            (
                f"--timeout {value}",
                ["audit", str(latin), "--run-checks", "--timeout", value],
                {"refused": True},
            )
        )
    for value in ("-15m ago", "--15m", "15m ago ago", "+15m", "nan", "99:99", "9999-99-99"):
        cases.append(
            (
                f"--at {value!r}",
                ["incident", "start", str(latin), "--store", store, "--at", value],
                {"refused": True},
            )
        )
    return cases


def _big_cases(work: Path) -> list[tuple[str, list[str], dict[str, Any]]]:
    """Deep and wide plans: impact of a 10,000 chain and of a 50,000 chain, audit
    --all-scenarios of the 10,000 chain, audit (text, SARIF) and the Markdown export of a plan of
    2,000,000 edges, export --focus of a hub with 100,000 dependents."""
    for n in (10_000, 50_000):
        services: list[dict[str, Any]] = [{"id": "s0", "owner": "t", "restore_time": "10m", "rto": "1h"}]
        services += [
            {"id": f"s{i}", "owner": "t", "restart_time": "1m", "rto": "4h", "depends_on": [f"s{i - 1}"]}
            for i in range(1, n)
        ]
        plan = {
            "version": 1,
            "name": f"chain {n}",
            "teams": [{"id": "t", "capacity": 2}],
            "services": services,
        }
        (work / f"chain{n}.json").write_text(json.dumps(plan), encoding="utf-8")
    hub = [{"id": "hub", "owner": "t"}] + [
        {"id": f"s{i}", "owner": "t", "depends_on": ["hub"]} for i in range(100_000)
    ]
    (work / "hub.json").write_text(
        json.dumps({"version": 1, "name": "hub", "teams": [{"id": "t"}], "services": hub})
    )
    # every service hard-depends on every earlier one, in flow style: 2,000 services, 1,999,000
    # edges, 12 MB (each edge an unchecked-dependency finding)
    dense = ["version: 1", "name: dense", "teams: [{id: t}]", "roles: {}", "services:"]
    dense += [
        f"  - {{id: s{i}, owner: t, depends_on: [{', '.join(f's{j}' for j in range(i))}]}}"
        for i in range(2000)
    ]
    (work / "edges2m.yaml").write_text("\n".join(dense) + "\n", encoding="utf-8")
    slow = {"seconds": 900}
    return [
        ("impact chain 10,000", ["impact", "chain10000.json", "s0"], slow),
        ("impact chain 10,000 json", ["impact", "chain10000.json", "s0", "--format", "json"], slow),
        ("impact chain 50,000", ["impact", "chain50000.json", "s0"], slow),
        (
            "audit --all-scenarios chain 10,000",
            ["audit", "chain10000.json", "--all-scenarios", "--fail-on", "never"],
            slow,
        ),
        ("audit of 2,000,000 edges (text)", ["audit", "edges2m.yaml", "--fail-on", "never"], slow),
        (
            "audit of 2,000,000 edges (sarif)",
            ["audit", "edges2m.yaml", "--format", "sarif", "--fail-on", "never"],
            slow,
        ),
        (
            "export markdown of 2,000,000 edges",
            ["export", "edges2m.yaml", "--format", "markdown", "-o", "edges2m.md", "--force"],
            slow,
        ),
        (
            "export --focus hub of 100,000",
            [
                "export",
                "hub.json",
                "--format",
                "svg",
                "--focus",
                "hub",
                "--depth",
                "1",
                "-o",
                "hub.svg",
                "--force",
            ],
            slow,
        ),
    ]


def _census(python: str, title: str, cases: list[tuple[str, list[str], dict[str, Any]]], work: Path) -> None:
    """Run ``cases`` and print how they ended: counts, every crash, and what each class checks
    beyond not crashing (raw bidi characters shown, a refusal that should be one, size and time)."""
    counts: Counter[str] = Counter()
    bad: list[str] = []
    for label, argv, how in cases:
        started = time.monotonic()
        outcome, peak, out, err = _ended(python, argv, work, **how)
        seconds = time.monotonic() - started
        counts[outcome] += 1
        shown = out.decode("utf-8", "replace") + err
        if outcome.startswith(("crash", "out of memory")):
            said = [line for line in err.splitlines() if line.strip() and not line.startswith("Command ")]
            said = said[-2:-1] or [""]
            bad.append(f"  {_escaped(label)}: {outcome}: {_escaped(said[0])[:150]}")
        elif how.get("bidi") and _INVISIBLE.search(shown):
            bad.append(f"  {_escaped(label)}: raw bidi or zero-width characters shown")
        elif how.get("refused") and outcome != "exit 2":
            bad.append(f"  {_escaped(label)}: accepted ({outcome}), should be refused")
        elif "no_file" in how and (work / how["no_file"]).exists():
            (work / how["no_file"]).unlink()
            bad.append(f"  {_escaped(label)}: wrote a file named {how['no_file']}")
        elif "forged" in how and any(line.startswith(how["forged"]) for line in err.splitlines()):
            bad.append(f"  {_escaped(label)}: a second line forged on standard error")
        if how.get("seconds"):
            print(f"  {label}: {outcome}, {seconds:.1f} s, peak {peak / 1024:.0f} MB, {len(out):,} bytes out")
    print(f"{title}: {len(cases)} runs with {python}")
    for outcome, n in sorted(counts.items()):
        print(f"  {outcome}: {n}")
    print("failures:" if bad else "failures: none")
    if bad:
        print("\n".join(bad))


def output_census(python: str, *, big: bool) -> None:
    """The classes of the output and OS-fault issues (``--big``: the deep and wide plans too,
    some minutes)."""
    work = Path(tempfile.mkdtemp(prefix="census-output-"))
    _census(python, "OS errors on every path the CLI takes", _os_fault_cases(python, work), work)
    _census(python, "Output: bidi text, encodings, option values", _output_cases(work), work)
    if big:
        _census(python, "Deep and wide plans", _big_cases(work), work)


# --- signals at random moments of every long command (issue 25 item 13) ---

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


# --- damaged stores (issue 32 item 11) ---


def _run_args(python: str, args: list[str]) -> tuple[str, int]:
    """Run ``planner ARGS`` under the limits: how it ended, and its peak memory (KB). A run past
    the time limit is killed with its whole process group (``time`` and the planner under it)."""
    with subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", python, "-c", _RUN, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tempfile.gettempdir(),
        start_new_session=True,
    ) as proc:
        try:
            _out, err = proc.communicate(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return "time limit", 0
    lines = err.strip().splitlines()
    peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    code = proc.returncode
    if code == 2 and OUT_OF_MEMORY in err:
        return "out of memory: exit 2", peak
    if code in (0, 1, 2):
        return f"exit {code}", peak
    if code == 70:
        return "crash: exit 70", peak
    return f"crash: exit {code} (a signal or the interpreter)", peak


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
            if outcome.startswith(("crash", "time", "out of memory")):
                crashes.append(f"  damaged store ({name}) {' '.join(args[:2])}: {outcome}")
    return counts, crashes


def main() -> None:
    python = next((a for a in sys.argv[1:] if not a.startswith("--")), sys.executable)
    work = Path(tempfile.mkdtemp(prefix="census-"))
    counts: Counter[str] = Counter()
    crashes, bombs = [], []
    cases = _cases(work)
    for reader, path in cases:
        outcome, peak = _run(python, reader, path)
        counts[outcome] += 1
        if outcome.startswith(("crash", "time", "out of memory")):
            crashes.append(f"  {reader} {path.name}: {outcome}")
        if "bomb" in path.name or "laughs" in path.name:
            bombs.append(f"  {reader} {path.name}: {outcome}, peak {peak / 1024:.0f} MB")
    print(f"{len(cases)} hostile inputs with {python}")
    for outcome, n in sorted(counts.items()):
        print(f"  {outcome}: {n}")
    print("crashes and runs out of memory:" if crashes else "crashes: none")
    print("\n".join(crashes))
    print("alias bombs:")
    print("\n".join(bombs))
    bad = compose_and_check_output(python, work)
    print(f"compose and check-output classes: {bad} crashed, hung, leaked or passed unclean")
    output_census(python, big="--big" in sys.argv)
    print("\n".join(signal_census(python, work)))
    stores, broken = _damaged_stores(python, work)
    print(f"damaged stores: {len(_DAMAGE)} stores, {sum(stores.values())} runs")
    for outcome, n in sorted(stores.items()):
        print(f"  {outcome}: {n}")
    print("crashes and runs out of memory:" if broken else "crashes: none")
    print("\n".join(broken))


if __name__ == "__main__":
    if "--output-only" in sys.argv:
        output_census(
            next((a for a in sys.argv[1:] if not a.startswith("--")), sys.executable), big="--big" in sys.argv
        )
    else:
        main()
