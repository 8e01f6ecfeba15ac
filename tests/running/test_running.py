"""Running a plan's command: real processes (``true``, ``false``, a sleep past its timeout, 10 MB
of output, a child that ignores SIGTERM) and what the evidence keeps."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.events import RunEvidence
from planner import running
from planner.running import RunRefusedError, allowed, plan_of, run
from tests.strategies import examples

PYTHON = sys.executable


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_true_passes_and_false_fails() -> None:
    passed = run(plan_of("true"))
    assert passed.passed
    assert passed.exit_status == 0
    assert passed.summary().startswith("exit 0 in ")
    failed = run(plan_of("false"))
    assert not failed.passed
    assert failed.exit_status == 1


def test_a_command_past_its_timeout_fails_and_its_process_group_is_gone(tmp_path: Path) -> None:
    began = time.monotonic()
    evidence = run(plan_of("sleep 60", timeout=1))
    assert time.monotonic() - began < 5
    assert evidence.exit_status is None
    assert not evidence.passed
    assert evidence.error is not None
    assert "timed out after 1 s" in evidence.error


def test_a_child_that_ignores_sigterm_is_killed_with_its_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = (
        f"import os, signal, subprocess, time\n"
        f"child = subprocess.Popen([{PYTHON!r}, '-c', "
        f"'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        f"time.sleep(120)\n"
    )
    (tmp_path / "spawn.py").write_text(script)
    began = time.monotonic()
    evidence = run(plan_of(f"{PYTHON} spawn.py", cwd=tmp_path, timeout=2))
    assert time.monotonic() - began < 10
    assert evidence.exit_status is None
    leader, child = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 5
    while (alive(leader) or alive(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(leader)
    assert not alive(child), "the child that ignored SIGTERM went with its process group"


def test_ten_megabytes_of_output_keep_only_their_ends() -> None:
    # 1,000,000 lines (11.9 MB): written at once, the child takes a third of print()'s CPU
    command = f"{PYTHON} -c \"import sys; sys.stdout.writelines(f'line {{i}}\\n' for i in range(1_000_000))\""
    evidence = run(plan_of(command, timeout=60))
    assert evidence.passed
    assert evidence.head.splitlines()[0] == "line 0"
    assert len(evidence.head) <= running.KEEP_CHARS
    assert evidence.tail.splitlines()[-1] == "line 999999"
    assert "lines" in evidence.tail
    assert "bytes in all" in evidence.tail
    assert len(evidence.tail) <= running.KEEP_CHARS
    assert len(evidence.model_dump_json()) < 3 * running.KEEP_CHARS + 1000


def test_a_command_that_cannot_start_fails_with_the_reason() -> None:
    evidence = run(plan_of("no-such-command-here --flag"))
    assert not evidence.passed
    assert evidence.error is not None
    assert "could not start" in evidence.error


def test_stdin_is_closed_and_the_working_directory_is_the_chosen_one(tmp_path: Path) -> None:
    (tmp_path / "marker").write_text("here\n")
    evidence = run(plan_of("cat marker", cwd=tmp_path))
    assert evidence.head == "here"
    assert evidence.cwd == str(tmp_path.resolve())
    waiting = run(plan_of("cat", timeout=5))  # would wait for input for ever with a terminal's stdin
    assert waiting.passed


@pytest.mark.parametrize(
    ("command", "shell"),
    [
        ("pg_isready -h db1", None),
        ("curl -fsS 'https://example.com/a?b=c'", None),
        ("echo 'a | b'", None),
        ("systemctl is-active nginx && curl -f localhost", "'&&'"),
        ("ps aux | grep -q kafka", "'|'"),
        ("test -f /tmp/x > /dev/null", "'>'"),
        ("echo $HOME", "'$'"),
        ("ls *.log", "'*'"),
        ("FOO=1 env", "a variable assignment"),
    ],
)
def test_a_shell_only_when_the_command_needs_one(command: str, shell: str | None) -> None:
    plan = plan_of(command)
    assert plan.shell_because == shell
    if shell is None:
        assert plan.argv[0] != "/bin/sh"
    else:
        assert plan.argv == ("/bin/sh", "-c", command)
        assert f"the command uses {shell}" in plan.describe()


@settings(max_examples=examples(80), deadline=None)
@given(
    st.lists(
        st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))),
        min_size=1,
        max_size=4,
    )
)
def test_argv_without_a_shell_is_exactly_what_shlex_reads(words: list[str]) -> None:
    """A command without shell syntax runs as shlex reads it (no word joined or split anew)."""
    import shlex

    command = shlex.join(words)
    try:
        plan = plan_of(command)
    except RunRefusedError:
        return  # empty after all
    if plan.shell_because is None:
        assert list(plan.argv) == shlex.split(command)


def test_never_runs_when_the_plan_or_the_environment_says_never(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RunRefusedError, match=r"policy\.run_checks: never"):
        allowed("never")
    monkeypatch.setenv("PLANNER_RUN_CHECKS", "never")
    with pytest.raises(RunRefusedError, match="PLANNER_RUN_CHECKS=never"):
        allowed("ask")


def test_a_bad_command_or_place_is_refused_before_running(tmp_path: Path) -> None:
    for command in ("", "   ", "echo 'unterminated", "a\x00b"):
        with pytest.raises(RunRefusedError):
            plan_of(command)
    with pytest.raises(RunRefusedError, match="does not exist"):
        plan_of("true", cwd=tmp_path / "missing")


def test_the_process_runs_in_a_new_session() -> None:
    # The child leads its own session, so it is not in ours (CI may run us in session 0).
    script = "import os; print(os.getsid(0) == os.getpid(), os.getsid(0))"
    evidence = run(plan_of(f'{PYTHON} -c "{script}"'))
    leads, sid = evidence.head.split()
    assert leads == "True"
    assert int(sid) != os.getsid(0)


_MEMORY_RUN = (
    "import json, resource, sys\n"
    "limit = int(sys.argv[1]) * 2**20\n"
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "from planner.running import plan_of, run\n"
    "evidence = run(plan_of(sys.argv[2], timeout=60))\n"
    "print(evidence.model_dump_json())\n"
)


def test_output_without_newlines_is_read_in_bounded_memory() -> None:
    """1 GB on one line, read by a planner allowed 400 MB: the reader held the whole line (2 GB
    for 1 GB), died of a MemoryError printed raw, and the run then timed out (or, had the command
    finished first, passed with no evidence)."""
    done = subprocess.run(
        [PYTHON, "-c", _MEMORY_RUN, "400", "head -c 1000000000 /dev/zero"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    evidence = RunEvidence.model_validate_json(done.stdout)
    assert evidence.passed
    assert len(evidence.head) == running.KEEP_CHARS
    assert evidence.tail == "[... lines cut at 4,000 bytes, 1,000,000,000 bytes in all ...]"


def test_a_reader_that_fails_is_never_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command exits 0 but its output could not be read (a MemoryError under a limit): the
    run is not recorded as passed, and says why."""

    def fail(self: object, chunk: bytes) -> None:
        raise MemoryError

    monkeypatch.setattr(running._Capture, "_feed", fail)
    evidence = run(plan_of("echo hello"))
    assert not evidence.passed
    assert evidence.exit_status is None
    assert evidence.error == "its output could not be read to the end (MemoryError); exit 0 not counted"


def _old_capture(data: bytes, cut_marker: bool = False) -> tuple[str, str]:
    """What the reader kept before it read by bytes: line by line, the same caps (and, with
    ``cut_marker``, the line that now says lines were cut, where no line was dropped)."""
    keep, chars = running.KEEP_LINES, running.KEEP_CHARS
    head: list[str] = []
    head_chars = 0
    tail: deque[str] = deque(maxlen=keep)
    lines = data.split(b"\n")
    raws = [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    for raw in raws:
        line = raw[: chars * 2].decode("utf-8", "replace").rstrip("\r\n")
        if len(head) < keep and head_chars < chars:
            kept = line[: chars - head_chars]
            head.append(kept)
            head_chars += len(kept)
        else:
            tail.append(line[-chars // keep * 2 :])
    kept_tail = list(tail)
    dropped = len(raws) - len(head) - len(kept_tail)
    if dropped > 0:
        kept_tail.insert(0, f"[... {dropped} lines, {len(data):,} bytes in all ...]")
    elif cut_marker:
        kept_tail.insert(0, f"[... lines cut at 4,000 bytes, {len(data):,} bytes in all ...]")
    return "\n".join(head), "\n".join(kept_tail)[-chars:]


class _Chunks:
    """A pipe that hands its bytes out in the pieces given."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    def read1(self, size: int) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""


_line = st.one_of(
    st.binary(max_size=30),
    st.binary(min_size=3990, max_size=4010),
    st.text(max_size=40).map(lambda t: t.encode()),
    st.integers(0, 9000).map(lambda n: b"x" * n),
    st.sampled_from([b"\r", b"x" * 4000 + b"\r", b"x" * 3999 + b"\r\r", b"x" * 4000 + b"\ry"]),
)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_line, max_size=60), st.booleans(), st.data())
def test_reading_by_bytes_keeps_what_reading_by_lines_kept(
    lines: list[bytes], end: bool, data: st.DataObject
) -> None:
    """Whatever the output and however the pipe splits it, the head and the tail are what the
    line reader kept (a line cut at LINE_BYTES is said in a line of its own at the tail's top)."""
    output = b"\n".join(lines) + (b"\n" if end and lines else b"")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(output)), max_size=20)))
    pieces = [output[a:b] for a, b in zip([0, *cuts], [*cuts, len(output)], strict=True)]
    capture = running._Capture(_Chunks([p for p in pieces if p]))
    capture.thread.join()
    cut = any(len(line.rstrip(b"\r")) > running.LINE_BYTES for line in output.split(b"\n"))
    assert capture.text() == _old_capture(output, cut_marker=cut)
