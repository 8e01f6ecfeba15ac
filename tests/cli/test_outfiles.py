"""``-o FILE`` and the OS around it: a link to the plan is the plan, a FIFO or a device is no
file, ``-o -`` is standard output, a name cannot forge a line, a full disk leaves the old file
whole; every OS refusal (a name too long, a symbolic link loop, standard input closed) is one
line naming the path, exit 2. Also the output encoding (PYTHONIOENCODING=latin-1) and options
that looked like values (``--timeout nan``, ``--at '-15m ago'``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

LONG = "x" * 300
"""A path component longer than the 255 bytes a Linux file name may have."""


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    copy = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLES / "small.yaml", copy)
    return copy


def _planner(*args: object, cwd: Path, env: dict[str, str] | None = None, encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        capture_output=True,
        encoding=encoding,
        errors="strict",
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_a_link_to_the_plan_is_the_plan_even_with_force(run_cli, plan: Path, link: str) -> None:  # type: ignore[no-untyped-def]
    other = plan.with_name("other.yaml")
    if link == "hard":
        os.link(plan, other)
    else:
        other.symlink_to(plan.name)
    before = plan.read_bytes()
    result = run_cli("export", plan, "--format", "dot", "-o", other, "--force")
    assert result.code == 2
    assert "is a file this command reads (the same file as" in result.err
    assert plan.read_bytes() == before


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path, plan: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = _planner("export", plan, "--format", "dot", "-o", fifo, "--force", cwd=tmp_path)
    assert done.returncode == 2
    assert "is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_device_is_never_replaced(run_cli, plan: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("export", plan, "--format", "dot", "-o", os.devnull, "--force")
    assert result.code == 2
    assert "/dev/null is not a regular file" in result.err
    assert Path(os.devnull).is_char_device()


@pytest.mark.parametrize("command", ["export", "import"])
def test_dash_is_standard_output_not_a_file(
    run_cli, plan: Path, tmp_path: Path, monkeypatch, command: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    if command == "export":
        result = run_cli("export", plan, "--format", "mermaid", "-o", "-")
    else:
        result = run_cli("import", "compose", compose, "-o", "-")
    assert result.code == 0, result.err
    assert result.out.startswith("flowchart" if command == "export" else "# ")
    assert not (tmp_path / "-").exists()


def test_a_newline_in_the_name_cannot_forge_a_line(run_cli, plan: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    name = "runbook.md\nwrote passwd"
    result = run_cli("export", plan, "--format", "mermaid", "-o", name)
    assert result.code == 0
    assert result.err.splitlines() == ["wrote runbook.md\\x0awrote passwd"]
    assert (tmp_path / name).exists()


def test_a_replaced_file_keeps_its_permissions(run_cli, plan: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.dot"
    out.write_text("old\n")
    out.chmod(0o640)
    assert run_cli("export", plan, "--format", "dot", "-o", out, "--force").code == 0
    assert out.read_text().startswith("digraph")
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


_FULL_DISK = (
    "import resource, runpy, signal, sys; "
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000)); "
    "sys.argv = ['planner', *sys.argv[1:]]; runpy.run_module('planner', run_name='__main__')"
)


@pytest.mark.parametrize("existing", [True, False])
def test_a_full_disk_leaves_the_old_file_whole_or_none(tmp_path: Path, plan: Path, existing: bool) -> None:
    """The disk fills after 1,000 bytes (a file size limit): the runbook is far longer."""
    out = tmp_path / "runbook.md"
    if existing:
        out.write_text("the old runbook\n")
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, "export", plan, "--format", "markdown", "-o", out, "--force"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "cannot write" in done.stderr
    assert "Traceback" not in done.stderr
    if existing:
        assert out.read_text() == "the old runbook\n"
        assert "is unchanged" in done.stderr
    else:
        assert not out.exists()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == (["plan.yaml", "runbook.md"] if existing else ["plan.yaml"])


@pytest.mark.parametrize(
    "args",
    [
        ["export", "{plan}", "--format", "dot", "-o", LONG],
        ["export", "{plan}", "--format", "dot", "-o", f"{LONG}/x.dot"],
        ["export", "{plan}", "--format", "dot", "-o", "loop"],
        ["import", "compose", "{compose}", "-o", LONG],
        ["import", "compose", "loop"],
        ["incident", "list", "--store", LONG],
        ["incident", "start", "{plan}", "--store", f"{LONG}/s.db"],
        ["audit", "{plan}", "--store", LONG],
    ],
    ids=[
        "o-name",
        "o-folder",
        "o-loop",
        "import-o",
        "import-loop",
        "store-list",
        "store-start",
        "audit-store",
    ],
)
def test_os_refusals_are_one_line_naming_the_path(tmp_path: Path, plan: Path, args: list[str]) -> None:
    (tmp_path / "loop").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop")
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    argv = [a.format(plan=plan, compose=compose) for a in args]
    done = _planner(*argv, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    flag = next((a for a in ("-o", "--store") if a in argv), None)
    named = argv[argv.index(flag) + 1] if flag else argv[-1]
    assert named.split("/")[0] in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_standard_input_closed_is_said(tmp_path: Path) -> None:
    done = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m planner validate - <&-'],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "standard input is closed" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", "{plan}"],
        ["validate", "{plan}"],
        ["export", "{plan}", "--format", "markdown"],
        ["export", "{plan}", "--format", "dot"],
        ["impact", "{plan}", "db"],
        ["audit", "{plan}", "--fail-on", "never"],
    ],
)
def test_an_encoding_without_the_plans_characters_writes_escapes(tmp_path: Path, args: list[str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nname: Café — 東京\nservices:\n  - id: db\n    name: Base de données ✓\n"
        "  - id: api\n    depends_on: [db]\n",
        encoding="utf-8",
    )
    env = {"PYTHONIOENCODING": "latin-1"}
    done = _planner(*[a.format(plan=plan) for a in args], cwd=tmp_path, env=env, encoding="latin-1")
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    if args[0] in {"validate", "export"}:
        assert "Café \\u2014 \\u6771\\u4eac" in done.stdout + done.stderr


@pytest.mark.parametrize("command", ["audit", "verify"])
def test_a_timeout_of_nan_is_refused(run_cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    quiet = tmp_path / "quiet.yaml"  # no verify or check command: nothing would run anyway
    quiet.write_text("version: 1\nname: quiet\nservices:\n  - id: db\n", encoding="utf-8")
    store = tmp_path / "s.db"
    if command == "audit":
        result = run_cli("audit", quiet, "--run-checks", "--timeout", "nan", "--fail-on", "never")
    else:
        assert run_cli("incident", "start", quiet, "--store", store).code == 0
        result = run_cli("incident", "verify", "INC-1", "db", "--run", "--timeout", "NaN", "--store", store)
    assert result.code == 2
    assert "is not a number of seconds" in result.err


def test_minus_and_ago_together_are_refused(run_cli, plan: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.db"
    result = run_cli("incident", "start", plan, "--store", store, "--at", "-15m ago")
    assert result.code == 2
    assert "not both" in result.err
    assert not store.exists() or run_cli("incident", "list", "--store", store).out.count("INC-") == 0


def test_a_document_written_in_parts_that_fails_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    """The runbook is written as it is made: whatever stops it half-way (an error, running out
    of memory, Ctrl-C) leaves the old file whole and no temporary file behind."""
    from planner.cli.outfiles import write_file

    target = tmp_path / "runbook.md"
    target.write_text("old\n", encoding="utf-8")

    def parts() -> Iterator[bytes]:
        yield b"# new\n"
        raise MemoryError

    with pytest.raises(MemoryError):
        write_file(str(target), parts(), force=True)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runbook.md"]
    write_file(str(target), iter([b"# new\n", b"", b"line\n"]), force=True)
    assert target.read_bytes() == b"# new\nline\n"
